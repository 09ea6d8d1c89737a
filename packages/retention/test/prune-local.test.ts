import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll } from "vitest";
import { DAY } from "./artifacts.js";
import { localWriter } from "./local-writer.js";
import { pruneScenarios } from "./prune-scenarios.js";

const folders: string[] = [];

afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

pruneScenarios("local", async () => {
  const base = await mkdtemp(join(tmpdir(), "lb-retention-"));
  folders.push(base);
  return {
    writer: localWriter({ basePath: base }),
    async putForeign(key, body) {
      const path = join(base, key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
      // A year old on disk, so a pruner that went by file times would condemn it.
      const yearAgo = new Date(Date.now() - 365 * DAY * 1000);
      await utimes(path, yearAgo, yearAgo);
    },
    async allKeys() {
      const entries = await readdir(base, { recursive: true, withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => relative(base, join(e.parentPath, e.name)));
    },
  };
});
