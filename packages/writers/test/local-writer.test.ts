import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { Readable } from "node:stream";
import { writerConformanceSuite } from "@lb/testing/conformance";
import { describe, expect, it } from "vitest";
import { localWriter } from "../src/index.js";

async function allFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)));
}

writerConformanceSuite("local", async () => {
  const basePath = await mkdtemp(join(tmpdir(), "lb-local-"));
  return {
    writer: localWriter({ basePath }),
    async putForeign(key, body) {
      await mkdir(dirname(join(basePath, key)), { recursive: true });
      await writeFile(join(basePath, key), body);
    },
    allKeys: () => allFiles(basePath),
  };
});

describe("local writer paths", () => {
  it("refuses keys that leave the backup folder", async () => {
    const writer = localWriter({ basePath: await mkdtemp(join(tmpdir(), "lb-local-")) });
    for (const key of ["../escape.sql.gz", "/etc/passwd", "a/../../b.sql.gz", "a\\b.sql.gz"]) {
      await expect(writer.writeArtifact(key, Readable.from([Buffer.from("x")]))).rejects.toThrow(/refusing key/);
    }
  });

  it("names the folder when it cannot write there", async () => {
    const base = await mkdtemp(join(tmpdir(), "lb-local-"));
    await writeFile(join(base, "blocker"), "a file where a folder should be");
    const writer = localWriter({ basePath: base });
    await expect(writer.writeArtifact("blocker/x.sql.gz", Readable.from([Buffer.from("x")]))).rejects.toThrow(
      /cannot write .*blocker/,
    );
  });
});
