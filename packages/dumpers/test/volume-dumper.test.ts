import { spawnSync } from "node:child_process";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ContainerInfo } from "@lb/core";
import { AbortedError, DumpError, RestoreError, RuntimeError, silentLogger } from "@lb/core";
import { createDockerRuntime } from "@lb/discovery";
import { drainDump, type TestContainer } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { volumeDumper } from "../src/index.js";
import { shell, startFilesContainer } from "./files-container.js";
import { volumeSpec } from "./server-specs.js";

/** The names in a tar, as GNU tar on this machine lists them. */
function tarNames(archive: Buffer): string[] {
  const listed = spawnSync("tar", ["-tf", "-"], { input: archive });
  expect(listed.status).toBe(0);
  return listed.stdout.toString("utf8").trim().split("\n");
}

const LISTING = `cd "$0" && find . | LC_ALL=C sort | while IFS= read -r p; do
  if [ -L "$p" ]; then echo "$p -> $(readlink "$p")"; else echo "$p $(stat -c '%F %a %u:%g %s' "$p")"; fi
done`;

describe("volumeDumper", () => {
  const docker = () => testEngine().docker;
  const runtime = () => createDockerRuntime(docker());
  let source: TestContainer;
  let info: ContainerInfo;
  const context = (container: TestContainer, path: string, signal = new AbortController().signal) => ({
    spec: volumeSpec(container, path),
    container: info,
    runtime: runtime(),
    signal,
    logger: silentLogger,
  });
  const dumpOf = async (container: TestContainer, path: string) => {
    const dump = await volumeDumper().dump(context(container, path));
    const [bytes] = await Promise.all([drainDump(dump), dump.completed]);
    return bytes;
  };
  const restore = (container: TestContainer, path: string, bytes: Buffer, force = false) =>
    volumeDumper().restore({ ...context(container, path), source: Readable.from([bytes]), force });

  beforeAll(async () => {
    source = await startFilesContainer(docker());
    await shell(
      source,
      `set -e; mkdir -p /data/sub /data/.hidden; printf one > /data/one.txt; printf two > /data/sub/two.txt
       printf secret > /data/.hidden/x; head -c 1048576 /dev/zero > /data/zeros; chown 1000:1000 /data/sub/two.txt`,
    );
    info = await runtime().inspect(source.id);
  });
  afterAll(async () => {
    await source?.remove();
  });

  it("archives a folder as a tar whose top entry is the folder's name, ending in exactly two zero blocks", async () => {
    const bytes = await dumpOf(source, "/data/");
    expect(tarNames(bytes)).toEqual(
      expect.arrayContaining(["data/", "data/one.txt", "data/sub/two.txt", "data/.hidden/x", "data/zeros"]),
    );
    expect(bytes.length % 512).toBe(0);
    expect(bytes.subarray(-1024).every((byte) => byte === 0)).toBe(true);
    // No padding to a record size after the two zero blocks (Docker 20.10): the block
    // before them is the last file's data, here "two".
    const sub = await dumpOf(source, "/data/sub");
    expect(sub.subarray(-1536, -1533).toString()).toBe("two");
  });

  it("archives a single file", async () => {
    expect(tarNames(await dumpOf(source, "/data/sub/two.txt"))).toEqual(["two.txt"]);
  });

  it("fails with a DumpError naming a path that does not exist", async () => {
    const dump = await volumeDumper().dump(context(source, "/data/missing"));
    const [bytes, outcome] = await Promise.allSettled([drainDump(dump), dump.completed]);
    expect((bytes as PromiseFulfilledResult<Buffer>).value.length).toBe(0);
    const error = (outcome as PromiseRejectedResult).reason;
    expect(DumpError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/^cannot archive \/data\/missing in container .*404.*\/data\/missing/);
  });

  it("stops the transfer when aborted mid-stream", async () => {
    await shell(source, "head -c 20000000 /dev/urandom > /data/big.bin");
    try {
      const controller = new AbortController();
      const dump = await volumeDumper().dump(context(source, "/data", controller.signal));
      let seen = 0;
      const sink = new Writable({
        write(chunk: Buffer, _e, cb) {
          seen += chunk.length;
          if (seen > 1024 * 1024 && !controller.signal.aborted) controller.abort();
          setTimeout(cb, 1);
        },
      });
      const [, outcome] = await Promise.allSettled([pipeline(dump.stream, sink), dump.completed]);
      expect(AbortedError.isInstance((outcome as PromiseRejectedResult).reason)).toBe(true);
      expect(seen).toBeLessThan(20_000_000);
    } finally {
      await shell(source, "rm -f /data/big.bin");
    }
  });

  it("archives a stopped container too: the archive API does not need it running", async () => {
    const stopped = await startFilesContainer(docker());
    try {
      await shell(stopped, "printf kept > /data/kept.txt");
      await docker().getContainer(stopped.id).stop({ t: 1 });
      expect(tarNames(await dumpOf(stopped, "/data"))).toContain("data/kept.txt");
    } finally {
      await stopped.remove();
    }
  });

  it("restores a folder, creating it when missing; refuses a non-empty one; replaces it with force", async () => {
    const target = await startFilesContainer(docker());
    try {
      const bytes = await dumpOf(source, "/data");
      const before = await shell(source, LISTING.replace('"$0"', "/data"));

      // The path does not exist yet: its parent gets it.
      await shell(target, "mkdir -p /srv");
      await restore(target, "/srv/data", bytes);
      expect(await shell(target, LISTING.replace('"$0"', "/srv/data"))).toBe(before);

      await expect(restore(target, "/srv/data", bytes)).rejects.toThrow(
        /\/srv\/data in .* is not empty; restore with --force to replace its contents/,
      );

      // Forced into the mounted volume: what the archive does not hold is gone afterwards.
      await shell(target, "printf stale > /data/stale.txt && mkdir -p /data/old/dir");
      await restore(target, "/data", bytes, true);
      expect(await shell(target, LISTING.replace('"$0"', "/data"))).toBe(before);
    } finally {
      await target.remove();
    }
  });

  it("restores a single file", async () => {
    const target = await startFilesContainer(docker());
    try {
      await restore(target, "/data/sub/two.txt", await dumpOf(source, "/data/sub/two.txt"));
      expect(await shell(target, "stat -c '%u:%g' /data/sub/two.txt && cat /data/sub/two.txt")).toBe("1000:1000\ntwo");
    } finally {
      await target.remove();
    }
  });

  it("refuses an archive of another path, a cut archive, and a container without tar", async () => {
    const target = await startFilesContainer(docker());
    try {
      const bytes = await dumpOf(source, "/data");
      const other = await restore(target, "/srv/files", bytes).catch((e: unknown) => e);
      expect(RestoreError.isInstance(other)).toBe(true);
      expect((other as Error).message).toBe(
        'the archive was refused: the archive holds "data", not "files": restore it into a path named data',
      );
      expect(await shell(target, "ls -A /srv 2>/dev/null | wc -l")).toBe("0");

      const cut = await restore(target, "/data", bytes.subarray(0, bytes.length - 4096)).catch((e: unknown) => e);
      expect(LabelBackupErrorMessage(cut)).toMatch(
        /^tar exited with code 2: tar: Unexpected EOF in archive.*may be partly restored$/,
      );

      await shell(target, "rm -rf /data/* /data/.hidden; rm /usr/bin/tar");
      const noTar = await restore(target, "/data", bytes).catch((e: unknown) => e);
      expect(RuntimeError.isInstance(noTar)).toBe(true);
      expect((noTar as Error).message).toMatch(/has no tar/);
    } finally {
      await target.remove();
    }
  });
});

function LabelBackupErrorMessage(error: unknown): string {
  expect(RestoreError.isInstance(error) || DumpError.isInstance(error)).toBe(true);
  return (error as Error).message;
}
