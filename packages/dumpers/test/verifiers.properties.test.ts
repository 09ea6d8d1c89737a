import { Readable, type Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { byteMutation, inPieces, mutateBytes } from "@lb/testing/properties";
import { serialize } from "bson";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ArchiveReader, ArchiveVerifier } from "../src/mongodb/archive-verifier.js";
import { bsonFields } from "../src/mongodb/bson-fields.js";
import { CRC64_ECMA_GO, CRC64_JONES, crc64 } from "../src/redis/crc64.js";
import { RdbVerifier } from "../src/redis/rdb-verifier.js";
import { HeadTailWindow } from "../src/shared/tail-window.js";
import { TarWalk } from "../src/volume/tar-walk.js";

// Everything a database container hands back may be hostile: these properties feed the
// verifiers arbitrary, truncated and mutated bytes in arbitrary chunkings. A verifier
// must answer with a verdict, in time linear in its input, and never throw or hang.

/** Per run of a verifier over a few KB: generous for a slow CI machine, far below a hang. */
const TIME_BOUND_MS = 2_000;

function timed<T>(work: () => T): T {
  const began = performance.now();
  const result = work();
  const took = performance.now() - began;
  if (took > TIME_BOUND_MS) throw new Error(`took ${Math.round(took)} ms, more than ${TIME_BOUND_MS} ms`);
  return result;
}

/** The cuts of `bytes` a verifier wrongly takes for whole: every truncation must be reported. */
function wholeCuts(bytes: Buffer, isWhole: (prefix: Buffer) => boolean): number[] {
  const wrong: number[] = [];
  for (let cut = 0; cut < bytes.length; cut++) if (isWhole(bytes.subarray(0, cut))) wrong.push(cut);
  return wrong;
}

/** Feeds a pass-through by hand, as a stream would: fast enough to try every truncation. */
function drive<T extends Transform>(stream: T, chunks: Buffer[]): T {
  const done = (error?: Error | null) => {
    if (error) throw error;
  };
  // Streams pass "buffer" for Buffer chunks, which BufferEncoding does not list.
  for (const chunk of chunks) stream._transform(chunk, "buffer" as BufferEncoding, done);
  // A pass-through without a flush of its own has nothing to say at the end.
  if (Object.hasOwn(Object.getPrototypeOf(stream), "_flush")) stream._flush(done);
  return stream;
}

const chunking = fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 6 });
/** For trying every truncation: pieces of one byte would make that loop quadratic in the test itself. */
const coarse = fc.array(fc.integer({ min: 32, max: 600 }), { minLength: 1, maxLength: 6 });
const garbage = fc.uint8Array({ maxLength: 4096 });

const mutations = fc.array(byteMutation, { minLength: 1, maxLength: 4 });

const int32 = (value: number) => {
  const word = Buffer.alloc(4);
  word.writeInt32LE(value);
  return word;
};
const uint32 = (value: number) => {
  const word = Buffer.alloc(4);
  word.writeUInt32LE(value);
  return word;
};

// --- BSON and mongodump archives -------------------------------------------------------

/** bsonFields answers a map or a plain Error (not a RangeError from reading out of bounds). */
function fieldsOrPlainError(doc: Buffer) {
  try {
    return timed(() => bsonFields(doc));
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor).toBe(Error);
    return error as Error;
  }
}

/** A document with a valid frame around `body`, so the field loop is what gets tested. */
const framed = (body: Uint8Array) => Buffer.concat([int32(body.length + 5), body, Buffer.from([0])]);

const key = fc.string({ maxLength: 8 }).filter((name) => !name.includes("\0"));
const scalar = fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 20 }), fc.boolean(), fc.constant(null));
/** Scalars, and the kinds bsonFields skips: binaries, arrays and nested documents. */
const bsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    scalar,
    fc.uint8Array({ maxLength: 20 }),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(key, tie("value"), { maxKeys: 3 }),
  ),
})).value;
const bsonObject = fc.dictionary(key, bsonValue, { maxKeys: 6 });
const bsonDocument = bsonObject.map((fields) => Buffer.from(serialize(fields)));

const MAGIC = Buffer.from([0x6d, 0xe2, 0x99, 0x81]);
const TERMINATOR = Buffer.from([0xff, 0xff, 0xff, 0xff]);
const doc = (fields: Record<string, unknown>) => Buffer.from(serialize(fields));

/** An archive as mongodump writes it: prelude, one data segment per collection, EOF blocks. */
function archiveOf(collections: { name: string; docs: Buffer[] }[]): Buffer {
  const out: Buffer[] = [
    MAGIC,
    doc({ concurrent_collections: 1, version: "0.1", server_version: "7.0.0", tool_version: "t" }),
  ];
  for (const { name } of collections) out.push(doc({ db: "app", collection: name, metadata: "", size: 0, type: "" }));
  out.push(TERMINATOR);
  for (const { name, docs } of collections) {
    if (docs.length > 0) out.push(doc({ db: "app", collection: name, EOF: false, CRC: 0n }), ...docs, TERMINATOR);
  }
  for (const { name, docs } of collections) {
    const crc = BigInt.asIntN(64, crc64(CRC64_ECMA_GO, Buffer.concat(docs)));
    out.push(doc({ db: "app", collection: name, EOF: true, CRC: crc }), TERMINATOR);
  }
  return Buffer.concat(out);
}

const validArchive = fc
  .uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z]{1,8}$/), docs: fc.array(bsonDocument, { maxLength: 5 }) }), {
    selector: (collection) => collection.name,
    maxLength: 3,
  })
  .map((collections) => ({ bytes: archiveOf(collections), collections }));

function readArchive(chunks: Buffer[]) {
  const reader = new ArchiveReader();
  return timed(() => {
    for (const chunk of chunks) reader.update(chunk);
    return reader.finish();
  });
}

/** The mongodump output that used to loop forever: a header document whose field "a" is -3 bytes long. */
const NEGATIVE_LENGTH = Buffer.from("6de299810c000000036100fdffffff00", "hex");

describe("bsonFields on hostile bytes", () => {
  it("reads every valid document's top-level scalars and skips the rest", () => {
    fc.assert(
      fc.property(bsonObject, (object) => {
        const scalars = Object.entries(object).filter(([, value]) => value === null || typeof value !== "object");
        expect(Object.fromEntries(bsonFields(Buffer.from(serialize(object))))).toEqual(Object.fromEntries(scalars));
      }),
    );
  });

  it("(a, c) answers a map or a plain Error for arbitrary fields, whole garbage and mutated documents", () => {
    fc.assert(
      fc.property(garbage, (body) => void fieldsOrPlainError(framed(body))),
      { numRuns: 500 },
    );
    fc.assert(fc.property(garbage, (bytes) => void fieldsOrPlainError(Buffer.from(bytes))));
    fc.assert(
      fc.property(bsonDocument, mutations, (bytes, changes) => {
        const mutated = mutateBytes(bytes, changes);
        // The length prefix is set right again, so the mutation reaches the fields.
        if (mutated.length >= 5) mutated.writeInt32LE(mutated.length, 0);
        fieldsOrPlainError(mutated);
      }),
      { numRuns: 500 },
    );
  });

  it("(d, e) refuses negative, undersized and oversized lengths, naming the field", () => {
    const field = (type: number, length: number, rest = Buffer.alloc(0)) =>
      framed(Buffer.concat([Buffer.from([type, 0x61, 0]), int32(length), rest]));
    for (const type of [0x02, 0x03, 0x04, 0x05]) {
      for (const length of [-3, -1, 0x7fffffff, -0x80000000, 64]) {
        expect(() => bsonFields(field(type, length, Buffer.alloc(8))), `type ${type}, length ${length}`).toThrow(
          /field a /,
        );
      }
    }
    expect(() => bsonFields(field(0x02, 0))).toThrow(/field a has an impossible string length 0/);
    expect(() => bsonFields(field(0x03, 4))).toThrow(/field a has an impossible document length 4/);
    expect(() => bsonFields(field(0x02, 2, Buffer.from("xy")))).toThrow(/without its closing NUL/);
    expect(() => bsonFields(NEGATIVE_LENGTH.subarray(4))).toThrow(/field a has an impossible document length -3/);
  });
});

describe("ArchiveReader on hostile bytes", () => {
  afterEach(() => vi.restoreAllMocks());

  it("(d) reports the 16-byte output with a negative embedded length as corrupted, at once", () => {
    for (const size of [1, 3, 16]) {
      expect(readArchive(inPieces(NEGATIVE_LENGTH, [size]))).toEqual({
        incomplete: "the archive is corrupted: field a has an impossible document length -3",
      });
    }
  });

  it("(a) gives a verdict for arbitrary bytes, bare or after a valid prelude, in any chunking", () => {
    const prelude = Buffer.concat([MAGIC, doc({ version: "0.1" })]);
    const start = fc.constantFrom(Buffer.alloc(0), MAGIC, prelude);
    fc.assert(
      fc.property(start, garbage, chunking, (head, bytes, sizes) => {
        expect(readArchive(inPieces(Buffer.concat([head, bytes]), sizes))).toBeTypeOf("object");
      }),
      { numRuns: 500 },
    );
  });

  it("(b) accepts a valid archive in any chunking and reports every truncation incomplete", () => {
    fc.assert(
      fc.property(validArchive, chunking, coarse, ({ bytes, collections }, sizes, cutSizes) => {
        const documents = collections.reduce((sum, c) => sum + c.docs.length, 0);
        const namespaces = collections.map((c) => `app.${c.name}`);
        expect(readArchive(inPieces(bytes, sizes))).toMatchObject({ documents, namespaces });
        expect(wholeCuts(bytes, (prefix) => !("incomplete" in readArchive(inPieces(prefix, cutSizes))))).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it("(c) gives a verdict for mutated archives", () => {
    fc.assert(
      fc.property(validArchive, mutations, chunking, ({ bytes }, changes, sizes) => {
        expect(readArchive(inPieces(mutateBytes(bytes, changes), sizes))).toBeTypeOf("object");
      }),
      { numRuns: 300 },
    );
  });

  it("(e) refuses lengths past the largest document and allocates no more than has arrived", () => {
    const alloc = vi.spyOn(Buffer, "alloc");
    for (const length of [0x7fffffff, 0xfffffffe, 16 * 1024 * 1024 + 16 * 1024 + 1, 4]) {
      expect(readArchive([MAGIC, uint32(length)])).toEqual({
        incomplete: `the archive is corrupted: ${length} is neither a document length nor a terminator`,
      });
    }
    alloc.mockClear();
    // 16 MiB promised, 100 bytes sent: a truncation, and nothing near 16 MiB held.
    expect(readArchive([MAGIC, int32(16 * 1024 * 1024), Buffer.alloc(100, 1)])).toEqual({
      incomplete: "the archive ends inside its prelude: the transfer was cut short",
    });
    const largest = Math.max(0, ...alloc.mock.calls.map(([size]) => size));
    expect(largest).toBeLessThanOrEqual(64 * 1024);
  });

  it("gathers a large document a byte at a time in linear time", () => {
    const header = doc({ version: "0.1", pad: "x".repeat(512 * 1024) });
    expect(readArchive([MAGIC, ...inPieces(header, [1])])).toEqual({
      incomplete: "the archive ends inside its prelude: the transfer was cut short",
    });
  });

  it("caps the number of collections with a clear failure", () => {
    const names = Array.from({ length: 100_001 }, (_, i) => doc({ db: "d", collection: `c${i}` }));
    const verdict = readArchive([MAGIC, doc({ version: "0.1" }), ...names]);
    expect(verdict).toEqual({ incomplete: "the archive is corrupted: it names more than 100000 collections" });
  });
});

// --- Redis RDB -------------------------------------------------------------------------

/** An RDB of string keys (each under 64 bytes, so a one-byte length) with its CRC-64. */
function rdbOf(pairs: [string, string][]): Buffer {
  const str = (text: string) => Buffer.concat([Buffer.from([text.length]), Buffer.from(text, "latin1")]);
  const body = Buffer.concat([
    Buffer.from("REDIS0011", "latin1"),
    Buffer.from([0xfa]),
    str("redis-ver"),
    str("7.2.4"),
    Buffer.from([0xfe, 0]),
    ...pairs.flatMap(([key, value]) => [Buffer.from([0]), str(key), str(value)]),
    Buffer.from([0xff]),
  ]);
  const sum = Buffer.alloc(8);
  sum.writeBigUInt64LE(crc64(CRC64_JONES, body));
  return Buffer.concat([body, sum]);
}
const validRdb = fc
  .array(fc.tuple(fc.string({ maxLength: 63 }), fc.string({ maxLength: 63 })), { maxLength: 20 })
  .map(rdbOf);
const rdbVerdict = (chunks: Buffer[]) => timed(() => drive(new RdbVerifier(), chunks).verdict());

describe("RdbVerifier on hostile bytes", () => {
  it("(a) gives a verdict for arbitrary bytes, bare or after the magic, in any chunking", () => {
    const start = fc.constantFrom(Buffer.alloc(0), Buffer.from("REDIS0011"));
    fc.assert(
      fc.property(start, garbage, chunking, (head, bytes, sizes) => {
        expect(rdbVerdict(inPieces(Buffer.concat([head, bytes]), sizes))).toBeTypeOf("object");
      }),
      { numRuns: 500 },
    );
  });

  it("(b) accepts a valid file in any chunking and reports every truncation incomplete", () => {
    fc.assert(
      fc.property(validRdb, chunking, coarse, (bytes, sizes, cutSizes) => {
        expect(rdbVerdict(inPieces(bytes, sizes))).toEqual({
          rdbVersion: 11,
          redisVersion: "7.2.4",
          checksummed: true,
        });
        expect(wholeCuts(bytes, (prefix) => !("incomplete" in rdbVerdict(inPieces(prefix, cutSizes))))).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it("(c, e) gives a verdict for mutated files and for huge length encodings", () => {
    fc.assert(
      fc.property(validRdb, mutations, chunking, (bytes, changes, sizes) => {
        expect(rdbVerdict(inPieces(mutateBytes(bytes, changes), sizes))).toBeTypeOf("object");
      }),
      { numRuns: 300 },
    );
    // A 32-bit string length of 4 GiB and a 64-bit one: the verifier parses no lengths, so nothing is allocated.
    const huge = Buffer.from("REDIS0011\xfa\x80\xff\xff\xff\xff\xfa\x81\xff\xff\xff\xff\xff\xff\xff\x7f", "latin1");
    expect(rdbVerdict([huge])).toEqual({ incomplete: expect.stringMatching(/end-of-file opcode/) });
  });
});

// --- tar -------------------------------------------------------------------------------

/** A ustar header block with a correct checksum; `sizeField` overrides the octal size. */
function tarHeader(name: string, size: number, type = "0", sizeField?: Uint8Array): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, "utf8");
  block.write("0000644\0", 100, "latin1");
  if (sizeField) block.set(sizeField.subarray(0, 12), 124);
  else block.write(`${size.toString(8).padStart(11, "0")}\0`, 124, "latin1");
  block.write(type, 156, "latin1");
  block.write("ustar\x0000", 257, "latin1");
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return block;
}
const blocks = (bytes: Buffer) => Buffer.concat([bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512)]);
const END = Buffer.alloc(1024);

/** An extended header (pax `x`/`g` records, or a GNU `L`/`K` name) and its data. */
function extended(type: string, body: Buffer): Buffer {
  return Buffer.concat([tarHeader("././@Extended", body.length, type), blocks(body)]);
}
function paxRecords(records: Record<string, string>): Buffer {
  const text = Object.entries(records)
    .map(([key, value]) => {
      const rest = ` ${key}=${value}\n`;
      let length = rest.length + 1;
      while (`${length}${rest}`.length !== length) length += 1;
      return `${length}${rest}`;
    })
    .join("");
  return Buffer.from(text, "latin1");
}
/** GNU base-256: the marker bit, then the value big-endian in the field's last bytes. */
function base256(value: bigint, negative = false): Buffer {
  const field = Buffer.alloc(12, negative ? 0xff : 0);
  field.writeBigUInt64BE(BigInt.asUintN(64, value), 4);
  field[0] = negative ? 0xff : 0x80;
  return field;
}

const tarEntry = fc.record({
  name: fc.stringMatching(/^[a-z]{1,12}$/),
  size: fc.nat({ max: 600 }),
  kind: fc.constantFrom("plain", "pax", "long", "dir", "global"),
});
const validTar = fc.array(tarEntry, { minLength: 1, maxLength: 3 }).map((entries) => {
  const out: Buffer[] = [];
  for (const { name, size, kind } of entries) {
    const data = blocks(Buffer.alloc(size, 0x61));
    const path = `data/${"p".repeat(110)}/${name}`;
    if (kind === "dir") out.push(tarHeader(`data/${name}/`, 0, "5"));
    else if (kind === "pax") out.push(extended("x", paxRecords({ path, size: String(size) })), tarHeader("x", 0), data);
    else if (kind === "long") out.push(extended("L", Buffer.from(`${path}\0`)), tarHeader("x", size), data);
    else if (kind === "global")
      out.push(extended("g", paxRecords({ comment: name })), tarHeader(`data/${name}`, size), data);
    else out.push(tarHeader(`data/${name}`, size), data);
  }
  return { bytes: Buffer.concat([...out, END]), entries: entries.length };
});

/** Headers with valid checksums but arbitrary types and sizes, and arbitrary data after them. */
const hostileTar = fc
  .array(
    fc.record({
      type: fc.constantFrom("0", "1", "2", "5", "x", "g", "L", "K", "S", "7", "\0"),
      size: fc.oneof(
        fc.nat({ max: 4096 }).map((n) => Buffer.from(`${n.toString(8).padStart(11, "0")}\0`, "latin1")),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => base256(n)),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
      ),
      data: fc.uint8Array({ maxLength: 1500 }),
    }),
    { maxLength: 5 },
  )
  .map((headers) =>
    Buffer.concat(headers.flatMap(({ type, size, data }) => [tarHeader("data/x", 0, type, size), Buffer.from(data)])),
  );

const tarVerdict = (chunks: Buffer[], root?: string) => timed(() => drive(new TarWalk({ root }), chunks).verdict());

describe("TarWalk on hostile bytes", () => {
  afterEach(() => vi.restoreAllMocks());
  const roots = fc.constantFrom(undefined, "data");

  it("(a) gives a verdict for arbitrary bytes and for well-checksummed hostile headers, in any chunking", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          garbage.map((b) => Buffer.from(b)),
          hostileTar,
        ),
        chunking,
        roots,
        (bytes, sizes, root) => {
          expect(tarVerdict(inPieces(bytes, sizes), root)).toBeTypeOf("object");
        },
      ),
      { numRuns: 500 },
    );
  });

  it("(b) accepts a valid archive in any chunking and reports every truncation incomplete", () => {
    fc.assert(
      fc.property(validTar, chunking, coarse, roots, ({ bytes, entries }, sizes, cutSizes, root) => {
        expect(tarVerdict(inPieces(bytes, sizes), root)).toEqual({ complete: true, entries });
        expect(wholeCuts(bytes, (prefix) => tarVerdict(inPieces(prefix, cutSizes), root).complete)).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });

  it("(c) gives a verdict for mutated archives", () => {
    fc.assert(
      fc.property(validTar, mutations, chunking, roots, ({ bytes }, changes, sizes, root) => {
        expect(tarVerdict(inPieces(mutateBytes(bytes, changes), sizes), root)).toBeTypeOf("object");
      }),
      { numRuns: 300 },
    );
  });

  it("(e) refuses sizes it cannot hold, and takes a huge plain size for truncation without allocating it", () => {
    const alloc = vi.spyOn(Buffer, "alloc");
    const refused = (bytes: Buffer) => (tarVerdict([bytes]) as { reason: string }).reason;
    expect(refused(tarHeader("data/a", 0, "0", base256(2n ** 62n)))).toMatch(/unreadable size/);
    expect(refused(tarHeader("data/a", 0, "0", base256(1n, true)))).toMatch(/unreadable size/);
    for (const type of ["x", "g", "L", "K"]) {
      expect(refused(tarHeader("h", 0x7fffffff, type))).toMatch(/extended header at byte 0 is too large \(2147483647/);
      expect(refused(tarHeader("h", 0, type, base256(2n ** 40n)))).toMatch(/too large/);
    }
    expect(refused(extended("x", paxRecords({ size: "9".repeat(30) })))).toMatch(/unreadable size/);
    expect(refused(extended("x", Buffer.from(`${"9".repeat(40)} path=x\n`)))).toMatch(/malformed/);
    expect(refused(extended("x", Buffer.from("3 x\n")))).toMatch(/malformed/);
    expect(refused(extended("x", Buffer.from("0x10 path=abcdef\n")))).toMatch(/malformed/);
    expect(refused(extended("x", Buffer.from("9 =value\n")))).toMatch(/malformed/);
    expect(Math.max(0, ...alloc.mock.calls.map(([size]) => size))).toBeLessThanOrEqual(1024 * 1024);
    const huge = tarVerdict([tarHeader("data/a", 0, "0", base256(2n ** 52n)), Buffer.alloc(4096, 1)]);
    expect(huge).toEqual({ complete: false, reason: "it stops inside an entry, at byte 4608" });
  });

  it("honours a pax size for the next entry only, and refuses global headers that set names or sizes", () => {
    const pax = (records: Record<string, string>, type = "x") => extended(type, paxRecords(records));
    const bytes = Buffer.concat([pax({ size: "600" }), tarHeader("data/a", 0), blocks(Buffer.alloc(600, 1))]);
    expect(tarVerdict([bytes, tarHeader("data/b", 0), END])).toEqual({ complete: true, entries: 2 });
    const git = Buffer.concat([pax({ comment: "a".repeat(40) }, "g"), tarHeader("data/a", 0), END]);
    expect(tarVerdict([git], "data")).toEqual({ complete: true, entries: 1 });
    for (const key of ["path", "linkpath", "size"]) {
      const global = Buffer.concat([pax({ [key]: "0" }, "g"), tarHeader("data/a", 0), END]);
      expect(tarVerdict([global], "data")).toEqual({
        complete: false,
        reason: `the global pax header at byte 0 sets ${key} for every entry, which tar programs disagree on`,
      });
    }
  });
});

// --- head and tail window --------------------------------------------------------------

describe("HeadTailWindow", () => {
  it("keeps exactly the first and last bytes, whatever the chunking and window size", () => {
    fc.assert(
      fc.property(garbage, chunking, fc.constantFrom(0, 1, 7, 64, 4096), (bytes, sizes, size) => {
        const window = timed(() => drive(new HeadTailWindow(size), inPieces(bytes, sizes)));
        const all = Buffer.from(bytes);
        expect(window.total).toBe(all.length);
        expect(window.head().equals(all.subarray(0, size))).toBe(true);
        expect(window.tail().equals(all.subarray(Math.max(0, all.length - size)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

// --- through real streams --------------------------------------------------------------

describe("verifiers as streams", () => {
  it("pass arbitrary bytes through (the archive verifier stops at corruption), and answer a verdict", async () => {
    await fc.assert(
      fc.asyncProperty(garbage, chunking, async (bytes, sizes) => {
        const streams = [
          new ArchiveVerifier(),
          new RdbVerifier(),
          new TarWalk(),
          new TarWalk({ root: "data" }),
          new HeadTailWindow(64),
        ];
        for (const stream of streams) {
          const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
          const flowing = pipeline(Readable.from(inPieces(bytes, sizes)), stream, sink);
          // The archive verifier fails its stream as soon as the bytes cannot be an archive,
          // so a hostile tool is stopped then; the reason is its verdict.
          if (stream instanceof ArchiveVerifier) {
            await flowing.catch((error: Error) => expect(stream.verdict()).toEqual({ incomplete: error.message }));
          } else await flowing;
        }
        const [archive, rdb, tar, restore] = streams as [ArchiveVerifier, RdbVerifier, TarWalk, TarWalk];
        for (const verdict of [archive.verdict(), rdb.verdict(), tar.verdict(), restore.verdict()]) {
          expect(verdict).toBeTypeOf("object");
        }
      }),
      { numRuns: 50 },
    );
  });
});
