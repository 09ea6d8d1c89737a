import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BackupSpec, ContainerInfo, ContainerRuntime } from "@lb/core";
import { AbortedError, DumpError, RuntimeError, silentLogger } from "@lb/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TarVerdict, TarWalk, volumeDumper } from "../src/index.js";

/** Feeds `bytes` through a walker in chunks of `chunk` bytes; the verdict and what came out. */
async function walk(bytes: Buffer, options: { root?: string; chunk?: number } = {}) {
  const walker = new TarWalk({ root: options.root });
  const size = options.chunk ?? 777;
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(parts),
    walker,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return { verdict: walker.verdict() as TarVerdict, out: Buffer.concat(out), walker };
}

/** A ustar header block with a correct checksum. */
function header(name: string, size: number, type = "0", sizeField?: Buffer): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, "utf8");
  block.write("0000644\0", 100, "latin1");
  block.write("0000000\0", 108, "latin1");
  block.write("0000000\0", 116, "latin1");
  if (sizeField) sizeField.copy(block, 124);
  else block.write(`${size.toString(8).padStart(11, "0")}\0`, 124, "latin1");
  block.write("00000000000\0", 136, "latin1");
  block.write(type, 156, "latin1");
  block.write("ustar\0" + "00", 257, "latin1");
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return block;
}
const data = (size: number, fill = 0x61) => Buffer.alloc(Math.ceil(size / 512) * 512).fill(fill, 0, size);
const END = Buffer.alloc(1024);
function paxBlock(records: Record<string, string>): Buffer {
  const body = Object.entries(records)
    .map(([key, value]) => {
      const text = ` ${key}=${value}\n`;
      let length = text.length + 1;
      while (`${length}${text}`.length !== length) length += 1;
      return `${length}${text}`;
    })
    .join("");
  const padded = Buffer.alloc(Math.ceil(body.length / 512) * 512);
  padded.write(body, "utf8");
  return Buffer.concat([header("PaxHeaders/x", Buffer.byteLength(body), "x"), padded]);
}

describe("TarWalk on archives GNU tar writes", () => {
  let dir: string;
  const tar = (...args: string[]) => execFileSync("tar", ["-C", dir, ...args], { maxBuffer: 64 * 1024 * 1024 });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "lb-tar-walk-"));
    const root = join(dir, "data");
    const deep = join(root, "d".repeat(80), "e".repeat(80));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, "a file with a name longer than a hundred bytes altogether.txt"), "deep\n");
    writeFileSync(join(root, "zeros.img"), Buffer.alloc(300 * 1024));
    writeFileSync(join(root, "ünïcode 🚀.txt"), "hello\n");
    writeFileSync(join(root, "empty"), "");
    symlinkSync("zeros.img", join(root, "link"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ["gnu", "posix", "ustar"]) {
    it(`accepts a whole ${format} archive, record padding included`, async () => {
      const args = format === "ustar" ? ["--exclude=dddd*"] : [];
      const archive = tar(`--format=${format}`, ...args, "-cf", "-", "data");
      expect(archive.length % 10240).toBe(0);
      const { verdict, out } = await walk(archive);
      expect(verdict).toMatchObject({ complete: true });
      expect(out.equals(archive)).toBe(true);
    });
  }

  it("refuses the archive cut at any block boundary, including inside zero-filled file data", async () => {
    const archive = tar("--format=posix", "-b", "1", "-cf", "-", "data");
    let zeroTails = 0;
    for (let cut = 0; cut < archive.length; cut += 512) {
      const cutArchive = archive.subarray(0, cut);
      // A check of the last bytes alone would take these for the end-of-archive marker.
      if (cut >= 1024 && cutArchive.subarray(-1024).every((b) => b === 0)) zeroTails += 1;
      const { verdict } = await walk(cutArchive);
      expect(verdict.complete, `cut at ${cut} of ${archive.length}`).toBe(false);
    }
    expect(zeroTails).toBeGreaterThan(100);
    expect((await walk(archive)).verdict.complete).toBe(true);
    expect((await walk(archive.subarray(0, archive.length - 300))).verdict).toEqual({
      complete: false,
      reason: "it stops after the first of the two zero blocks that end an archive",
    });
  });

  it("refuses a damaged header, and data after the end marker", async () => {
    const archive = Buffer.from(tar("-b", "1", "-cf", "-", "data"));
    const damaged = Buffer.from(archive);
    damaged[3] = (damaged[3] as number) ^ 0x20;
    expect((await walk(damaged)).verdict).toEqual({
      complete: false,
      reason: "the header at byte 0 is damaged: its checksum does not match",
    });
    const trailing = Buffer.concat([archive, Buffer.from("garbage")]);
    expect((await walk(trailing)).verdict).toMatchObject({
      complete: false,
      reason: /data follows the end-of-archive/,
    });
  });
});

describe("TarWalk on hand-made headers", () => {
  it("follows a pax size record over the header's own size field, as for files over 8 GiB", async () => {
    const archive = Buffer.concat([paxBlock({ size: "600" }), header("data/big", 0), data(600), END]);
    expect((await walk(archive)).verdict).toEqual({ complete: true, entries: 1 });
    // Without the pax record the 600 data bytes would be read as headers.
    const plain = Buffer.concat([header("data/big", 0), data(600), END]);
    expect((await walk(plain)).verdict.complete).toBe(false);
  });

  it("reads GNU base-256 sizes", async () => {
    const field = Buffer.alloc(12);
    field[0] = 0x80;
    field.writeUInt32BE(1000, 8);
    const archive = Buffer.concat([header("data/file", 0, "0", field), data(1000), END]);
    expect((await walk(archive)).verdict).toEqual({ complete: true, entries: 1 });
  });

  it("gives header-only types no data, whatever their size field says", async () => {
    const archive = Buffer.concat([header("data/", 4096, "5"), header("data/link", 99, "2"), END]);
    expect((await walk(archive)).verdict).toEqual({ complete: true, entries: 2 });
  });

  it("refuses an archive without entries", async () => {
    expect((await walk(END)).verdict).toEqual({ complete: false, reason: "it holds no entries" });
  });
});

describe("TarWalk for restores", () => {
  const archive = (...names: string[]) => Buffer.concat([...names.map((name) => header(name, 0, "0")), END]);

  it("passes an archive of the expected root through unchanged", async () => {
    const bytes = archive("data/", "data/a", "data/sub/b");
    const { verdict, out } = await walk(bytes, { root: "data", chunk: 100 });
    expect(verdict.complete).toBe(true);
    expect(out.equals(bytes)).toBe(true);
  });

  it("passes nothing on when the archive is of another path", async () => {
    const { verdict, out } = await walk(archive("other/", "other/a"), { root: "data" });
    expect(verdict).toEqual({
      complete: false,
      reason: 'the archive holds "other", not "data": restore it into a path named other',
    });
    expect(out.length).toBe(0);
  });

  for (const name of ["data/../../etc/passwd", "/etc/passwd", "elsewhere/x"]) {
    it(`stops before an entry that would land outside the path: ${name}`, async () => {
      const bytes = archive("data/", "data/fine", name, "data/later");
      const { verdict, out } = await walk(bytes, { root: "data", chunk: 512 });
      expect(verdict.complete).toBe(false);
      expect((verdict as { reason: string }).reason).toMatch(/outside/);
      expect(out.length).toBeLessThanOrEqual(1024);
    });
  }

  it("checks hard link targets too", async () => {
    const bytes = Buffer.concat([header("data/", 0, "5"), linkHeader("data/x", "../../etc/shadow"), END]);
    expect((await walk(bytes, { root: "data" })).verdict.complete).toBe(false);
  });
});

function linkHeader(name: string, target: string): Buffer {
  const block = header(name, 0, "1");
  block.write(target, 157, 100, "utf8");
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return block;
}

/** A runtime whose archive call answers with `archive` (or fails), for the dumper's verdict logic. */
function archiveRuntime(archive: () => Promise<Readable>): ContainerRuntime {
  return {
    inspect: async () => ({ id: "c", name: "c", image: "i", labels: {}, env: {}, running: true }),
    exec: async () => {
      throw new Error("not used");
    },
    readArchive: archive,
  };
}

describe("volumeDumper verdict", () => {
  const spec = { containerId: "c", path: "/data" } as BackupSpec;
  const container = { name: "files" } as ContainerInfo;
  const whole = Buffer.concat([header("data/", 0, "5"), header("data/a", 700), data(700), END]);
  const dumpWith = async (runtime: ContainerRuntime, signal = new AbortController().signal) =>
    volumeDumper().dump({ spec, container, runtime, signal, logger: silentLogger });
  const collect = async (stream: Readable) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  it("resolves for a whole archive and passes every byte", async () => {
    const dump = await dumpWith(archiveRuntime(async () => Readable.from([whole])));
    const [bytes, result] = await Promise.all([collect(dump.stream), dump.completed]);
    expect(dump.extension).toBe("tar");
    expect(bytes.equals(whole)).toBe(true);
    expect(result).toEqual({});
  });

  it("rejects an archive that ends early although the stream ended cleanly", async () => {
    const dump = await dumpWith(archiveRuntime(async () => Readable.from([whole.subarray(0, 1024)])));
    const [, outcome] = await Promise.allSettled([collect(dump.stream), dump.completed]);
    expect(outcome.status).toBe("rejected");
    expect(String((outcome as PromiseRejectedResult).reason.message)).toBe(
      "the archive of /data in container files is incomplete: it stops inside an entry, at byte 1024",
    );
  });

  it("rejects when the engine's stream fails midway", async () => {
    const source = new PassThrough();
    const dump = await dumpWith(archiveRuntime(async () => source));
    source.write(whole.subarray(0, 1024));
    setTimeout(() => source.destroy(new Error("socket hang up")), 10);
    const [, outcome] = await Promise.allSettled([collect(dump.stream), dump.completed]);
    const reason = (outcome as PromiseRejectedResult).reason;
    expect(DumpError.isInstance(reason)).toBe(true);
    expect(reason.message).toBe("reading /data from container files failed: socket hang up");
  });

  it("turns the engine's refusal into a DumpError naming the path", async () => {
    const dump = await dumpWith(
      archiveRuntime(async () => {
        throw new RuntimeError(
          "cannot read /data from container c: engine answered 404: Could not find the file /data",
        );
      }),
    );
    const [bytes, outcome] = await Promise.allSettled([collect(dump.stream), dump.completed]);
    expect((bytes as PromiseFulfilledResult<Buffer>).value.length).toBe(0);
    const reason = (outcome as PromiseRejectedResult).reason;
    expect(DumpError.isInstance(reason)).toBe(true);
    expect(reason.message).toMatch(/^cannot archive \/data in container files: .*404/);
  });

  it("rejects as aborted when the signal fires, and stops reading the engine's stream", async () => {
    const source = new PassThrough();
    const controller = new AbortController();
    const dump = await dumpWith(
      archiveRuntime(async () => source),
      controller.signal,
    );
    source.write(whole.subarray(0, 1024));
    setTimeout(() => controller.abort(), 10);
    const [, outcome] = await Promise.allSettled([collect(dump.stream), dump.completed]);
    expect(AbortedError.isInstance((outcome as PromiseRejectedResult).reason)).toBe(true);
    expect(source.destroyed).toBe(true);
  });

  it("refuses a relative backup.path before asking the engine", async () => {
    await expect(
      volumeDumper().dump({
        spec: { ...spec, path: "data" },
        container,
        runtime: archiveRuntime(async () => Readable.from([whole])),
        signal: new AbortController().signal,
        logger: silentLogger,
      }),
    ).rejects.toThrow(/backup.path must be an absolute path/);
  });
});
