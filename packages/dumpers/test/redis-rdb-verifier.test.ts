import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { CRC64_ECMA_GO, CRC64_JONES, Crc64, crc64 } from "../src/redis/crc64.js";
import { RdbVerifier } from "../src/redis/rdb-verifier.js";

/** A small but real-shaped RDB: header, a redis-ver aux field, a key, EOF and checksum. */
function rdb(options: { checksum?: boolean } = {}): Buffer {
  const body = Buffer.concat([
    Buffer.from("REDIS0010", "latin1"),
    Buffer.from([0xfa, 9]),
    Buffer.from("redis-ver", "latin1"),
    Buffer.from([6]),
    Buffer.from("7.0.15", "latin1"),
    Buffer.from([0xfe, 0, 0x00, 3]),
    Buffer.from("key", "latin1"),
    Buffer.from([0x40 | (200 >> 8), 200 & 0xff]),
    Buffer.alloc(200, 0x61),
    Buffer.from([0xff]),
  ]);
  const sum = Buffer.alloc(8);
  if (options.checksum !== false) sum.writeBigUInt64LE(crc64(CRC64_JONES, body));
  return Buffer.concat([body, sum]);
}

const MARK = Buffer.from("0123456789abcdef0123456789abcdef01234567", "latin1");

async function verify(input: Buffer, chunkSize = 64) {
  const verifier = new RdbVerifier();
  const out: Buffer[] = [];
  const chunks: Buffer[] = [];
  for (let at = 0; at < input.length; at += chunkSize) chunks.push(input.subarray(at, at + chunkSize));
  await pipeline(
    Readable.from(chunks),
    verifier,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return { verdict: verifier.verdict(), output: Buffer.concat(out) };
}

describe("CRC-64", () => {
  it("matches the catalogue check values for Redis (Jones) and Go's ECMA table", () => {
    const check = Buffer.from("123456789");
    expect(crc64(CRC64_JONES, check)).toBe(0xe9c6d914c4b8d9can);
    expect(crc64(CRC64_ECMA_GO, check)).toBe(0x995dc9bbdf1939fan);
  });

  it("gives the same result fed in uneven pieces as in one", () => {
    const data = Buffer.from(Array.from({ length: 10_007 }, (_, i) => (i * 131) % 256));
    const pieces = new Crc64(CRC64_JONES);
    for (let at = 0; at < data.length; at += 13) pieces.update(data.subarray(at, at + 13));
    expect(pieces.digest()).toBe(crc64(CRC64_JONES, data));
  });
});

describe("RdbVerifier", () => {
  it("accepts a whole RDB, passes it through unchanged and reads its versions", async () => {
    const input = rdb();
    for (const size of [1, 7, 64, 4096]) {
      const { verdict, output } = await verify(input, size);
      expect(verdict).toEqual({ rdbVersion: 10, redisVersion: "7.0.15", checksummed: true });
      expect(output.equals(input)).toBe(true);
    }
  });

  it("removes the diskless end mark that redis-cli copies to stdout", async () => {
    const { verdict, output } = await verify(Buffer.concat([rdb(), MARK]), 5);
    expect(verdict).toMatchObject({ checksummed: true });
    expect(output.equals(rdb())).toBe(true);
  });

  it("accepts a file written with rdbchecksum no (checksum zero)", async () => {
    const { verdict } = await verify(rdb({ checksum: false }));
    expect(verdict).toMatchObject({ rdbVersion: 10, checksummed: false });
  });

  it("rejects every truncation of a whole file", async () => {
    const input = rdb();
    for (let cut = 0; cut < input.length; cut++) {
      const { verdict } = await verify(input.subarray(0, cut), 16);
      expect(verdict, `cut at ${cut}`).toHaveProperty("incomplete");
    }
  });

  it("rejects a truncated transfer that still ends in an end mark", async () => {
    const { verdict } = await verify(Buffer.concat([rdb().subarray(0, 150), MARK]));
    expect(verdict).toHaveProperty("incomplete");
  });

  it("rejects a corrupted byte through the checksum", async () => {
    const input = Buffer.from(rdb());
    input[100] = (input[100] ?? 0) ^ 0x01;
    const { verdict } = await verify(input);
    expect(verdict).toEqual({ incomplete: expect.stringMatching(/checksum does not match .*corrupted/) });
  });

  it("rejects output that is not an RDB, and empty output", async () => {
    expect((await verify(Buffer.from("ERR something went wrong\n"))).verdict).toEqual({
      incomplete: expect.stringContaining('magic "REDIS"'),
    });
    expect((await verify(Buffer.alloc(0))).verdict).toEqual({ incomplete: "the output is empty" });
  });
});
