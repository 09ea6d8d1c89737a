import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, rmdir, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localWriter, removeStaleTempFiles, TEMP_PREFIX } from "../src/index.js";

// A real small file system: a 2 MiB tmpfs (the tests run as root, as CI does).
describe("local writer on a full or read-only disk", () => {
  let small: string;
  let readOnly: string;

  beforeAll(async () => {
    small = await mkdtemp(join(tmpdir(), "lb-full-"));
    readOnly = await mkdtemp(join(tmpdir(), "lb-ro-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", small]);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", readOnly]);
  });
  afterAll(async () => {
    for (const dir of [small, readOnly]) {
      if (!dir) continue;
      execFileSync("umount", [dir]);
      await rmdir(dir);
    }
  });

  it("fails with a clear 'disk is full' error and leaves no file", async () => {
    const writer = localWriter({ basePath: small });
    const big = Readable.from(
      (function* () {
        for (let i = 0; i < 64; i++) yield Buffer.alloc(64 * 1024, i);
      })(),
    );
    await expect(writer.writeArtifact("p/big.sql.gz", big)).rejects.toThrow(/disk is full/);
    expect(await readdir(join(small, "p"))).toEqual([]);
  });

  it("refuses to start below the free-space floor", async () => {
    const writer = localWriter({ basePath: small, minFreeBytes: 64 * 1024 * 1024 });
    await expect(writer.writeArtifact("p/x.sql.gz", Readable.from([Buffer.from("x")]))).rejects.toThrow(
      /below the floor of 64 MiB \(LOCAL_MIN_FREE_SPACE\)/,
    );
  });

  it("says when the file system is read-only", async () => {
    const writer = localWriter({ basePath: readOnly });
    await expect(writer.writeArtifact("x.sql.gz", Readable.from([Buffer.from("x")]))).rejects.toThrow(/read-only/);
    await expect(writer.probe()).rejects.toThrow(/not writable/);
  });
});

describe("stale temp files", () => {
  it("removes the temp files of an interrupted run, not fresh ones nor backups", async () => {
    const base = await mkdtemp(join(tmpdir(), "lb-stale-"));
    const old = join(base, `${TEMP_PREFIX}old-a.sql.gz`);
    const fresh = join(base, `${TEMP_PREFIX}fresh-b.sql.gz`);
    const backup = join(base, "postgres-appdb-20260101T000000000Z-abcdef.sql.gz");
    for (const path of [old, fresh, backup]) await writeFile(path, "x");
    const hourAgo = new Date(Date.now() - 3600_000);
    await utimes(old, hourAgo, hourAgo);
    await utimes(backup, hourAgo, hourAgo);
    const removed = await removeStaleTempFiles(base, new Date(Date.now() - 600_000));
    expect(removed).toEqual([old]);
    expect((await readdir(base)).sort()).toEqual([backup, fresh].map((p) => p.slice(base.length + 1)).sort());
  });
});
