import { serialize } from "bson";
import { describe, expect, it } from "vitest";
import {
  ArchiveError,
  type ArchiveEvent,
  type ArchiveLimits,
  ArchiveWriter,
  metadataJson,
  type PreludeCollection,
  readArchive,
} from "../src/mongodb/archive/index.js";

const HEADER = { formatVersion: "0.1", serverVersion: "8.0.4", toolVersion: "lb-test", concurrentCollections: 2 };
const TERMINATOR = Buffer.from([0xff, 0xff, 0xff, 0xff]);
const CUT_SHORT = /the transfer was cut short$/;

const doc = (fields: Record<string, unknown>) => Buffer.from(serialize(fields));
const entry = (collection: string, type = "collection", db = "appdb"): PreludeCollection => ({
  db,
  collection,
  metadata: metadataJson({ options: {}, indexes: [], collectionName: collection, type }),
  type,
  size: 0,
});

async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect(bytes: Buffer, size = 61, limits?: Partial<ArchiveLimits>): Promise<ArchiveEvent[]> {
  const events: ArchiveEvent[] = [];
  for await (const event of readArchive(chunks(bytes, size), limits)) events.push(event);
  return events;
}

/** The ArchiveError reading `bytes` throws (and fails the test if it throws anything else, or nothing). */
async function failure(bytes: Buffer, limits?: Partial<ArchiveLimits>, size = 61): Promise<string> {
  try {
    await collect(bytes, size, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(ArchiveError);
    expect(ArchiveError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error("the archive was accepted");
}

const items = Array.from({ length: 12 }, (_, i) => doc({ _id: i, name: `item ${i}`, pad: "x".repeat(i * 3) }));
const orders = Array.from({ length: 5 }, (_, i) => doc({ _id: i, total: i + 0.5 }));
const PRELUDE = [entry("items"), entry("orders"), entry("empty"), entry("recent", "view")];

/** Two collections in interleaved blocks, an empty collection and a view, as mongodump lays them out. */
function sample(): { bytes: Buffer; parts: Buffer[] } {
  const writer = new ArchiveWriter();
  const parts = [
    writer.start(HEADER, PRELUDE),
    writer.block("appdb", "items", items.slice(0, 5)),
    writer.block("appdb", "orders", orders.slice(0, 2)),
    writer.block("appdb", "items", items.slice(5)),
    writer.end("appdb", "items"),
    writer.block("appdb", "orders", orders.slice(2)),
    writer.end("appdb", "orders"),
    writer.end("appdb", "empty"),
    writer.end("appdb", "recent"),
  ];
  return { bytes: Buffer.concat(parts), parts };
}

function documentsOf(events: ArchiveEvent[], collection: string): Buffer[] {
  return events.flatMap((e) => (e.kind === "document" && e.collection === collection ? [e.bytes] : []));
}

describe("readArchive round trips", () => {
  it("gives back the header, the prelude and every document's exact bytes, in order", async () => {
    const events = await collect(sample().bytes);
    expect(events.slice(0, 6)).toEqual([
      { kind: "header", header: HEADER },
      ...PRELUDE.map((e) => ({ kind: "collection", entry: e })),
      { kind: "prelude-end" },
    ]);
    expect(documentsOf(events, "items")).toEqual(items);
    expect(documentsOf(events, "orders")).toEqual(orders);
    expect(events.filter((e) => e.kind === "collection-end")).toEqual([
      { kind: "collection-end", db: "appdb", collection: "items", documents: 12 },
      { kind: "collection-end", db: "appdb", collection: "orders", documents: 5 },
      { kind: "collection-end", db: "appdb", collection: "empty", documents: 0 },
      { kind: "collection-end", db: "appdb", collection: "recent", documents: 0 },
    ]);
    // Interleaving is kept: the first orders document comes between items 4 and 5.
    const order = events.flatMap((e) => (e.kind === "document" ? [e.collection] : []));
    expect(order.slice(4, 8)).toEqual(["items", "orders", "orders", "items"]);
  });

  it("reads the same events at every chunk size", async () => {
    const writer = new ArchiveWriter();
    const small = Buffer.concat([
      writer.start(HEADER, [entry("a"), entry("b", "view")]),
      writer.block("appdb", "a", [doc({ _id: 1 }), doc({ _id: 2, s: "two" })]),
      writer.end("appdb", "a"),
      writer.end("appdb", "b"),
    ]);
    const expected = await collect(small, small.length);
    for (let size = 1; size <= small.length; size++)
      expect(await collect(small, size), `size ${size}`).toEqual(expected);
  });

  it("hands out copies: the source's buffers may be reused afterwards", async () => {
    const { bytes } = sample();
    const events: ArchiveEvent[] = [];
    for await (const event of readArchive(chunks(bytes, 1000))) events.push(event);
    bytes.fill(0);
    expect(documentsOf(events, "items")).toEqual(items);
  });

  it("accepts an archive with no collections, and timeseries data under system.buckets", async () => {
    const writer = new ArchiveWriter();
    expect(await collect(writer.start(HEADER, []))).toEqual([
      { kind: "header", header: HEADER },
      { kind: "prelude-end" },
    ]);
    const ts = new ArchiveWriter();
    const bytes = Buffer.concat([
      ts.start(HEADER, [entry("weather", "timeseries")]),
      ts.block("appdb", "system.buckets.weather", [doc({ _id: 1 })]),
      ts.end("appdb", "system.buckets.weather"),
    ]);
    expect((await collect(bytes)).at(-1)).toEqual({
      kind: "collection-end",
      db: "appdb",
      collection: "system.buckets.weather",
      documents: 1,
    });
  });

  it("accepts Uint8Array chunks and empty chunks", async () => {
    const { bytes } = sample();
    async function* odd(): AsyncGenerator<Buffer> {
      for (let at = 0; at < bytes.length; at += 100) {
        yield Buffer.alloc(0);
        yield new Uint8Array(bytes.subarray(at, at + 100)) as Buffer;
      }
    }
    const events: ArchiveEvent[] = [];
    for await (const event of readArchive(odd())) events.push(event);
    expect(documentsOf(events, "items")).toEqual(items);
  });
});

describe("readArchive pulls lazily", () => {
  it("holds no more than one chunk beyond the document it hands out", async () => {
    const big = doc({ _id: 1, blob: "b".repeat(1 << 20) });
    const writer = new ArchiveWriter();
    const bytes = Buffer.concat([
      writer.start(HEADER, [entry("big")]),
      writer.block("appdb", "big", [big, big]),
      writer.end("appdb", "big"),
    ]);
    const chunkSize = 4096;
    let pulled = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of chunks(bytes, chunkSize)) {
        pulled += chunk.length;
        yield chunk;
      }
    }
    const firstEnd = bytes.indexOf(big) + big.length;
    for await (const event of readArchive(counted())) {
      if (event.kind === "document") {
        expect(pulled).toBeLessThan(firstEnd + chunkSize);
        break;
      }
    }
  });

  it("stops pulling and closes the source when the consumer stops", async () => {
    const { parts } = sample();
    let pulls = 0;
    let closed = false;
    async function* endless(): AsyncGenerator<Buffer> {
      try {
        yield Buffer.concat(parts.slice(0, 2));
        for (;;) {
          pulls++;
          yield Buffer.alloc(1 << 16, 1);
        }
      } finally {
        closed = true;
      }
    }
    let seen = 0;
    for await (const event of readArchive(endless())) {
      if (event.kind === "document" && ++seen === 2) break;
    }
    expect(pulls).toBe(0);
    expect(closed).toBe(true);
  });

  it("passes the source's own errors through unchanged", async () => {
    const boom = new Error("socket hang up");
    async function* failing(): AsyncGenerator<Buffer> {
      yield sample().bytes.subarray(0, 100);
      throw boom;
    }
    await expect(collect(Buffer.alloc(0)).catch((e) => e)).resolves.toBeInstanceOf(ArchiveError);
    const events = readArchive(failing());
    await expect(
      (async () => {
        for await (const _ of events);
      })(),
    ).rejects.toBe(boom);
  });
});

describe("readArchive refuses", () => {
  const { bytes, parts } = sample();
  const [start, items1, orders1, items2, itemsEnd, orders2, ordersEnd, emptyEnd] = parts as [
    Buffer,
    Buffer,
    Buffer,
    Buffer,
    Buffer,
    Buffer,
    Buffer,
    Buffer,
  ];

  it("input that is not an archive, and an empty one", async () => {
    expect(await failure(Buffer.from("Failed: error connecting to db server"))).toMatch(
      /^the input is not a mongodump archive/,
    );
    expect(await failure(Buffer.alloc(0))).toMatch(/^the archive is empty: the transfer was cut short/);
  });

  it("every truncation, with a message that says so", async () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await failure(bytes.subarray(0, cut), {}, 50), `cut at ${cut}`).toMatch(CUT_SHORT);
    }
    expect(await failure(Buffer.concat([start, items1, orders1, items2, itemsEnd, orders2, ordersEnd]))).toBe(
      "the archive ends before appdb.empty reached its end-of-data block: the transfer was cut short",
    );
  });

  it("lengths that are neither a document nor a terminator", async () => {
    const bad = Buffer.from(bytes);
    bad.writeUInt32LE(3, bytes.indexOf(items[0]!));
    expect(await failure(bad)).toMatch(/^the archive is corrupted: 3 is neither a document length nor a terminator/);
    bad.writeUInt32LE(0x7fffffff, bytes.indexOf(items[0]!));
    expect(await failure(bad)).toMatch(/^the archive is corrupted: 2147483647 is neither a document length/);
    expect(await failure(bytes, { maxDocumentBytes: 40 })).toMatch(/is neither a document length/);
  });

  it("a document whose last byte is not NUL, and framing documents that are not valid BSON", async () => {
    const bad = Buffer.from(bytes);
    const first = bytes.indexOf(items[0]!);
    bad[first + items[0]!.length - 1] = 7;
    expect(await failure(bad)).toMatch(
      /^the archive is corrupted: a document in a document of appdb.items does not end/,
    );
    const header = Buffer.from(bytes);
    // The first block header's db string claims more bytes than its document holds.
    header.writeInt32LE(1000, start.length + 4 + 1 + 3);
    expect(await failure(header)).toMatch(/^the archive is corrupted: a block header is not valid BSON/);
  });

  it("data after its namespace's EOF, and an EOF block followed by documents", async () => {
    const writer = new ArchiveWriter();
    const head = writer.start(HEADER, PRELUDE);
    const whole = Buffer.concat([head, writer.block("appdb", "items", items), writer.end("appdb", "items")]);
    const again = new ArchiveWriter();
    again.start(HEADER, []);
    for (const late of [again.block("appdb", "items", [doc({ _id: 99 })]), again.end("appdb", "items")]) {
      expect(await failure(Buffer.concat([whole, late]))).toBe(
        "the archive is corrupted: data for appdb.items after its end-of-data block",
      );
    }
    const emptyEof = emptyEnd.subarray(emptyEnd.indexOf(TERMINATOR) + 4);
    const docAfterEof = Buffer.concat([start, emptyEof.subarray(0, emptyEof.length - 4), items[0]!, TERMINATOR]);
    expect(await failure(docAfterEof)).toBe(
      "the archive is corrupted: documents follow the end-of-data header of appdb.empty",
    );
  });

  it("an EOF checksum that does not match the documents", async () => {
    const bad = Buffer.from(bytes);
    const crcAt = bytes.indexOf(itemsEnd) + itemsEnd.length - 4 - 1 - 8;
    bad[crcAt] = (bad[crcAt] ?? 0) ^ 0x10;
    expect(await failure(bad)).toMatch(
      /^the archive is corrupted: the checksum of appdb.items does not match its documents \(archive [0-9a-f]+, data [0-9a-f]+\)$/,
    );
  });

  it("two terminators in a row, a missing header, and trailing garbage", async () => {
    expect(await failure(Buffer.concat([start, items1, TERMINATOR, items2]))).toBe(
      "the archive is corrupted: two terminators in a row (a block without a header)",
    );
    expect(await failure(Buffer.concat([start.subarray(0, 4), TERMINATOR]))).toBe(
      "the archive is corrupted: the header document is missing",
    );
    for (const tail of [Buffer.from([0]), TERMINATOR, Buffer.from("garbage"), items1]) {
      expect(await failure(Buffer.concat([bytes, tail]))).toBe(
        "the archive is corrupted: unexpected bytes follow the last end-of-data block",
      );
    }
  });

  it("namespaces the prelude does not list, and a prelude that lists one twice", async () => {
    const stranger = new ArchiveWriter();
    stranger.start(HEADER, []);
    expect(await failure(Buffer.concat([start, stranger.block("other", "items", [items[0]!])]))).toBe(
      "the archive is corrupted: data for other.items, which the prelude does not list",
    );
    const twice = new ArchiveWriter().start(HEADER, [entry("a"), entry("a")]);
    expect(await failure(twice)).toBe("the archive is corrupted: the prelude lists appdb.a twice");
  });

  it("block headers mongorestore would refuse", async () => {
    const headerDoc = (fields: Record<string, unknown>) => Buffer.concat([start, doc(fields), TERMINATOR, itemsEnd]);
    expect(await failure(headerDoc({ db: "appdb", collection: "items", EOF: false, CRC: 0n, x: 1 }))).toMatch(
      /a block header has an unknown field "x"/,
    );
    expect(await failure(headerDoc({ db: "appdb", collection: "items", EOF: 1 }))).toMatch(/EOF that is not a boolean/);
    expect(await failure(headerDoc({ db: "appdb", collection: "items", CRC: 0 }))).toMatch(/CRC that is not an int64/);
    expect(await failure(headerDoc({ db: "appdb", collection: "" }))).toMatch(/has no collection name/);
    expect(await failure(headerDoc({ db: 5, collection: "items" }))).toMatch(
      /a block header has a db that is not a string/,
    );
  });

  it("beyond the limits: prelude entries, metadata and name lengths", async () => {
    expect(await failure(bytes, { maxPreludeEntries: 3 })).toBe(
      "the archive lists more than 3 collections, more than allowed",
    );
    expect(await failure(bytes, { maxMetadataBytes: 20 })).toMatch(
      /the metadata of appdb.items is longer than allowed/,
    );
    expect(await failure(bytes, { maxNameBytes: 4 })).toMatch(/a database or collection name is longer than 4 bytes/);
    expect(await collect(bytes, 61, { maxPreludeEntries: 4, maxNameBytes: 6 })).toHaveLength(6 + 17 + 4);
  });
});
