import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ParallelGzip } from "../src/index.js";

async function compress(input: Buffer[], threads: number, blockSize: number): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(input),
    new ParallelGzip({ threads, level: 6, blockSize }),
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(out);
}

async function gunzipNode(data: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of Readable.from([data]).pipe(createGunzip())) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

describe("ParallelGzip", () => {
  // Text-like data with some randomness, in uneven chunks that straddle block edges.
  const source = Buffer.concat(
    Array.from({ length: 300 }, (_, i) =>
      Buffer.from(`row ${i} ${randomBytes(20).toString("hex")} ${"x".repeat(i % 97)}\n`),
    ),
  );
  const chunks = [source.subarray(0, 777), source.subarray(777, 5000), source.subarray(5000)];

  it("produces a gzip stream that Node decompresses to the same bytes", async () => {
    const gz = await compress(chunks, 3, 1024);
    expect((await gunzipNode(gz)).equals(source)).toBe(true);
    expect(gz.length).toBeLessThan(source.length);
  });

  it("produces a gzip stream that the gzip tool reads whole", async () => {
    const gz = await compress(chunks, 2, 4096);
    const file = join(await mkdtemp(join(tmpdir(), "lb-pgz-")), "out.gz");
    await writeFile(file, gz);
    const back = execFileSync("gzip", ["-dc", file]);
    expect(createHash("sha256").update(back).digest("hex")).toBe(createHash("sha256").update(source).digest("hex"));
  });

  it("writes a valid empty gzip for empty input", async () => {
    const gz = await compress([], 2, 1024);
    expect(gz.length).toBeGreaterThan(0);
    expect((await gunzipNode(gz)).length).toBe(0);
  });
});
