import { Decimal128, Double, EJSON, Int32, Long, serialize } from "bson";
import { describe, expect, it } from "vitest";
import {
  ArchiveWriter,
  metadataJson,
  type PreludeCollection,
  RESTORABLE_DOCUMENT_BYTES,
} from "../src/mongodb/archive/index.js";
import { ArchiveReader } from "../src/mongodb/archive-verifier.js";
import { CRC64_ECMA_GO, crc64 } from "../src/redis/crc64.js";
import { handBson } from "./hand-bson.js";

const MAGIC = Buffer.from([0x6d, 0xe2, 0x99, 0x81]);
const TERMINATOR = Buffer.from([0xff, 0xff, 0xff, 0xff]);
const HEADER = { formatVersion: "0.1", serverVersion: "8.0.4", toolVersion: "lb-test", concurrentCollections: 1 };

const bson = handBson;

const doc = (fields: Record<string, unknown>) => Buffer.from(serialize(fields));
const entry = (collection: string, type = "collection"): PreludeCollection => ({
  db: "appdb",
  collection,
  metadata: metadataJson({ options: {}, indexes: [], collectionName: collection, type }),
  type,
  size: 0,
});

describe("ArchiveWriter output read by the existing ArchiveReader", () => {
  it("is a whole archive: namespaces, documents and checksums", () => {
    const writer = new ArchiveWriter();
    const items = Array.from({ length: 25 }, (_, i) => doc({ _id: i, name: `item ${i}`, pad: "x".repeat(i) }));
    const orders = Array.from({ length: 10 }, (_, i) => doc({ _id: i, total: i * 1.5 }));
    const parts = [
      writer.start(HEADER, [entry("items"), entry("orders"), entry("empty"), entry("recent", "view")]),
      // Interleaved blocks, as concurrent collection dumps produce.
      writer.block("appdb", "items", items.slice(0, 10)),
      writer.block("appdb", "orders", orders.slice(0, 4)),
      writer.block("appdb", "items", items.slice(10)),
      writer.block("appdb", "orders", orders.slice(4)),
      writer.end("appdb", "orders"),
      writer.end("appdb", "items"),
      writer.end("appdb", "empty"),
      writer.end("appdb", "recent"),
    ];
    const archive = Buffer.concat(parts);
    for (const size of [1, 7, 64, archive.length]) {
      const reader = new ArchiveReader();
      for (let at = 0; at < archive.length; at += size) reader.update(archive.subarray(at, at + size));
      expect(reader.finish()).toEqual({
        formatVersion: "0.1",
        serverVersion: "8.0.4",
        toolVersion: "lb-test",
        namespaces: ["appdb.items", "appdb.orders", "appdb.empty", "appdb.recent"],
        databases: ["appdb"],
        documents: 35,
      });
    }
  });

  it("a flipped checksum or a missing EOF block is caught by the reader", () => {
    const writer = new ArchiveWriter();
    const start = writer.start(HEADER, [entry("items")]);
    const block = writer.block("appdb", "items", [doc({ _id: 1 })]);
    const eof = writer.end("appdb", "items");
    const bad = Buffer.concat([start, block, eof]);
    // The CRC's last byte sits before the EOF document's NUL and the terminator.
    bad[bad.length - 6] = (bad[bad.length - 6] ?? 0) ^ 1;
    const read = (bytes: Buffer) => {
      const reader = new ArchiveReader();
      reader.update(bytes);
      return reader.finish();
    };
    expect(read(bad)).toEqual({ incomplete: expect.stringMatching(/checksum of appdb.items/) });
    expect(read(Buffer.concat([start, block]))).toEqual({
      incomplete: "collection appdb.items never reached its end-of-data block",
    });
  });
});

describe("ArchiveWriter byte layout", () => {
  it("start(): magic, header, prelude documents, terminator", () => {
    const prelude = [
      { db: "appdb", collection: "items", metadata: "{}", type: "collection", size: 0 },
      { db: "", collection: "oplog", metadata: "", type: "", size: 0 },
    ];
    const out = new ArchiveWriter().start(HEADER, prelude);
    const expected = Buffer.concat([
      MAGIC,
      bson([
        ["concurrent_collections", 1],
        ["version", "0.1"],
        ["server_version", "8.0.4"],
        ["tool_version", "lb-test"],
      ]),
      bson([
        ["db", "appdb"],
        ["collection", "items"],
        ["metadata", "{}"],
        ["size", 0],
        ["type", "collection"],
      ]),
      bson([
        ["db", ""],
        ["collection", "oplog"],
        ["metadata", ""],
        ["size", 0],
        ["type", ""],
      ]),
      TERMINATOR,
    ]);
    expect(out.toString("hex")).toBe(expected.toString("hex"));
  });

  it("a size beyond int32 is written as int64, as Go marshals an int", () => {
    const out = new ArchiveWriter().start(HEADER, [{ ...entry("big"), size: 2 ** 40 }]);
    const sizeField = Buffer.concat([Buffer.from([0x12]), Buffer.from("size\0")]);
    const at = out.indexOf(sizeField);
    expect(at).toBeGreaterThan(0);
    expect(out.readBigInt64LE(at + sizeField.length)).toBe(2n ** 40n);
  });

  it("block() and end(): namespace header, documents as given, terminator; EOF with the CRC-64", () => {
    const writer = new ArchiveWriter();
    writer.start(HEADER, [entry("items")]);
    const docs = [doc({ _id: 1, a: "x" }), doc({ _id: 2, b: [1, 2, 3] })];
    const more = [doc({ _id: 3 })];
    const first = writer.block("appdb", "items", docs);
    const second = writer.block("appdb", "items", more);
    const eof = writer.end("appdb", "items");
    const header = bson([
      ["db", "appdb"],
      ["collection", "items"],
      ["EOF", false],
      ["CRC", 0n],
    ]);
    expect(first.toString("hex")).toBe(Buffer.concat([header, ...docs, TERMINATOR]).toString("hex"));
    expect(second.toString("hex")).toBe(Buffer.concat([header, ...more, TERMINATOR]).toString("hex"));
    const crc = crc64(CRC64_ECMA_GO, Buffer.concat([...docs, ...more]));
    const expectedEof = bson([
      ["db", "appdb"],
      ["collection", "items"],
      ["EOF", true],
      ["CRC", crc],
    ]);
    expect(eof.toString("hex")).toBe(Buffer.concat([expectedEof, TERMINATOR]).toString("hex"));
  });

  it("end() of a namespace without data first writes the empty block mongodump writes", () => {
    const writer = new ArchiveWriter();
    writer.start(HEADER, [entry("recent", "view")]);
    const out = writer.end("appdb", "recent");
    const ns = (eof: boolean) =>
      bson([
        ["db", "appdb"],
        ["collection", "recent"],
        ["EOF", eof],
        ["CRC", 0n],
      ]);
    // The CRC-64 of nothing is 0.
    expect(out.toString("hex")).toBe(Buffer.concat([ns(false), TERMINATOR, ns(true), TERMINATOR]).toString("hex"));
  });

  it("uses Go's crc64.ECMA: a checksum seen in a real mongodump archive", () => {
    // admin.system.version's single document in an archive written by mongodump 4.1.
    const fcv = doc({ _id: "featureCompatibilityVersion", version: "4.0" });
    const writer = new ArchiveWriter();
    writer.start(HEADER, []);
    writer.block("admin", "system.version", [fcv]);
    const eof = writer.end("admin", "system.version");
    expect(eof.readBigUInt64LE(eof.length - 4 - 1 - 8)).toBe(0x0cb0ef0ea1d16e0dn);
  });
});

describe("ArchiveWriter refusals", () => {
  const started = () => {
    const writer = new ArchiveWriter();
    writer.start(HEADER, [entry("items")]);
    return writer;
  };

  it("refuses documents whose declared length is not their buffer, or too long, or not NUL-terminated", () => {
    const good = doc({ _id: 1 });
    expect(() => started().block("appdb", "items", [good.subarray(0, good.length - 1)])).toThrow(/declares/);
    expect(() => started().block("appdb", "items", [Buffer.concat([good, Buffer.from([0])])])).toThrow(/declares/);
    expect(() => started().block("appdb", "items", [Buffer.from([4, 0, 0, 0])])).toThrow(/too short/);
    const unterminated = Buffer.from(good);
    unterminated[unterminated.length - 1] = 1;
    expect(() => started().block("appdb", "items", [unterminated])).toThrow(/NUL/);
    const huge = Buffer.alloc(RESTORABLE_DOCUMENT_BYTES + 1);
    huge.writeInt32LE(huge.length);
    expect(() => started().block("appdb", "items", [huge])).toThrow(/more than the 16777216 allowed/);
    const small = new ArchiveWriter({ maxDocumentBytes: 10 });
    small.start(HEADER, []);
    expect(() => small.block("appdb", "items", [doc({ long: "enough to pass ten bytes" })])).toThrow(/allowed/);
  });

  it("a refused block leaves the checksum untouched", () => {
    const writer = started();
    const good = doc({ _id: 1 });
    expect(() => writer.block("appdb", "items", [good, Buffer.from([9, 0, 0, 0, 0])])).toThrow();
    writer.block("appdb", "items", [good]);
    const eof = writer.end("appdb", "items");
    expect(eof.readBigUInt64LE(eof.length - 13)).toBe(crc64(CRC64_ECMA_GO, good));
  });

  it("refuses misuse: no start, double start, double end, data after end, no collection name", () => {
    expect(() => new ArchiveWriter().block("appdb", "items", [])).toThrow(/start\(\) must come/);
    const writer = started();
    expect(() => writer.start(HEADER, [])).toThrow(/already started/);
    writer.end("appdb", "items");
    expect(() => writer.end("appdb", "items")).toThrow(/already ended/);
    expect(() => writer.block("appdb", "items", [])).toThrow(/already ended/);
    expect(() => writer.block("appdb", "", [])).toThrow(/collection name/);
    expect(() => new ArchiveWriter().start({ ...HEADER, concurrentCollections: 2 ** 31 }, [])).toThrow(/int32/);
  });
});

describe("metadataJson", () => {
  it("writes mongodump's fields in its order, canonical Extended JSON, empty ones left out", () => {
    const text = metadataJson({
      options: {},
      indexes: [
        { v: new Int32(2), key: { _id: new Int32(1) }, name: "_id_" },
        { v: new Int32(2), key: { f: new Double(1) }, name: "f_1" },
      ],
      uuid: "0679db720f4944de90ae27472664e94a",
      collectionName: "foo",
      type: "collection",
    });
    expect(text).toBe(
      '{"indexes":[{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_"},' +
        '{"v":{"$numberInt":"2"},"key":{"f":{"$numberDouble":"1.0"}},"name":"f_1"}],' +
        '"uuid":"0679db720f4944de90ae27472664e94a","collectionName":"foo","type":"collection"}',
    );
  });

  it("keeps a view's options and an empty index list, and leaves out an absent uuid", () => {
    const text = metadataJson({
      options: { viewOn: "items", pipeline: [{ $match: { qty: { $gt: new Int32(5) } } }] },
      indexes: [],
      collectionName: "recent",
      type: "view",
    });
    expect(text).toBe(
      '{"options":{"viewOn":"items","pipeline":[{"$match":{"qty":{"$gt":{"$numberInt":"5"}}}}]},' +
        '"indexes":[],"collectionName":"recent","type":"view"}',
    );
  });

  it("round-trips options and index specs to the same BSON, key order kept (what mongorestore reads)", () => {
    const options = {
      capped: true,
      size: new Long(1048576),
      max: new Int32(100),
      validator: { $jsonSchema: { bsonType: "object", required: ["b", "a"] } },
      validationLevel: "moderate",
      collation: { locale: "fr", strength: new Int32(2), normalization: false },
    };
    const indexes = [
      { v: new Int32(2), key: { z: new Int32(1), a: new Int32(-1), m: "text" }, name: "z_a_m" },
      { v: new Int32(2), key: { t: new Int32(1) }, name: "ttl", expireAfterSeconds: new Int32(3600) },
      {
        v: new Int32(2),
        key: { p: new Double(1) },
        name: "p",
        partialFilterExpression: { n: { $gt: new Decimal128("1.5") } },
      },
    ];
    const input = {
      options,
      indexes,
      uuid: "00112233445566778899aabbccddeeff",
      collectionName: "c",
      type: "collection",
    };
    const text = metadataJson(input);
    const parsed = EJSON.parse(text, { relaxed: false });
    expect(Buffer.from(serialize(parsed)).toString("hex")).toBe(
      Buffer.from(serialize({ options, indexes, uuid: input.uuid, collectionName: "c", type: "collection" })).toString(
        "hex",
      ),
    );
    expect(Object.keys(parsed.indexes[0].key)).toEqual(["z", "a", "m"]);
  });
});
