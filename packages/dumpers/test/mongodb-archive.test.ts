import { describe, expect, it } from "vitest";
import { ArchiveReader } from "../src/mongodb/archive-verifier.js";
import { bsonFields } from "../src/mongodb/bson-fields.js";
import { CRC64_ECMA_GO, crc64 } from "../src/redis/crc64.js";
import { type HandBsonValue, handBson } from "./hand-bson.js";

/** A BSON document of `fields`, encoded by hand. */
const bson = (fields: Record<string, HandBsonValue>) => handBson(Object.entries(fields));

const MAGIC = Buffer.from([0x6d, 0xe2, 0x99, 0x81]);
const TERMINATOR = Buffer.from([0xff, 0xff, 0xff, 0xff]);

/** An archive shaped as mongodump writes it: two collections, data interleaved across segments. */
function archive(options: { skipEof?: string; badCrc?: boolean; collections?: string[] } = {}): Buffer {
  const collections = options.collections ?? ["items", "orders"];
  const docs = new Map(
    collections.map((c) => [c, Array.from({ length: 30 }, (_, i) => bson({ _id: i, c, pad: "x".repeat(i) }))]),
  );
  const out: Buffer[] = [
    MAGIC,
    bson({ concurrent_collections: 4, version: "0.1", server_version: "7.0.42", tool_version: "100.10.0" }),
  ];
  for (const collection of collections) out.push(bson({ db: "appdb", collection, metadata: "", size: 0, type: "" }));
  out.push(TERMINATOR);
  // Two segments per collection, interleaved, as parallel collection dumps produce.
  for (const half of [0, 1]) {
    for (const collection of collections) {
      out.push(bson({ db: "appdb", collection, EOF: false, CRC: 0n }));
      out.push(...(docs.get(collection) ?? []).slice(half * 15, half * 15 + 15), TERMINATOR);
    }
  }
  for (const collection of collections) {
    if (collection === options.skipEof) continue;
    let crc = crc64(CRC64_ECMA_GO, Buffer.concat(docs.get(collection) ?? []));
    if (options.badCrc) crc ^= 1n;
    out.push(bson({ db: "appdb", collection, EOF: true, CRC: crc }), TERMINATOR);
  }
  return Buffer.concat(out);
}

function read(input: Buffer, chunkSize = 97) {
  const reader = new ArchiveReader();
  for (let at = 0; at < input.length; at += chunkSize) reader.update(input.subarray(at, at + chunkSize));
  return reader.finish();
}

describe("bsonFields", () => {
  it("reads top-level strings, numbers and booleans and rejects malformed documents", () => {
    const fields = bsonFields(bson({ db: "x", n: 3, big: -2n, EOF: true }));
    expect(Object.fromEntries(fields)).toEqual({ db: "x", n: 3, big: -2n, EOF: true });
    expect(() => bsonFields(Buffer.from([9, 0, 0, 0, 0]))).toThrow(/not a BSON document/);
  });
});

describe("ArchiveReader", () => {
  it("accepts a whole archive in any chunking and sums it up", () => {
    for (const size of [1, 3, 97, 1 << 16]) {
      expect(read(archive(), size)).toEqual({
        formatVersion: "0.1",
        serverVersion: "7.0.42",
        toolVersion: "100.10.0",
        namespaces: ["appdb.items", "appdb.orders"],
        databases: ["appdb"],
        documents: 60,
      });
    }
  });

  it("accepts an archive of a database without collections (the dumper decides what that means)", () => {
    expect(read(archive({ collections: [] }))).toMatchObject({ namespaces: [], documents: 0 });
  });

  it("rejects every truncation", () => {
    const whole = archive();
    // Cutting exactly after a collection's EOF block leaves the other one without its EOF.
    for (let cut = 0; cut < whole.length; cut++) {
      expect(read(whole.subarray(0, cut), 64), `cut at ${cut}`).toHaveProperty("incomplete");
    }
  });

  it("rejects a collection that never reached its EOF block", () => {
    expect(read(archive({ skipEof: "orders" }))).toEqual({
      incomplete: "collection appdb.orders never reached its end-of-data block",
    });
  });

  it("rejects data whose checksum does not match its EOF block", () => {
    expect(read(archive({ badCrc: true }))).toEqual({ incomplete: expect.stringMatching(/checksum of appdb.items/) });
  });

  it("rejects a corrupted length, trailing garbage, and output that is not an archive", () => {
    const corrupted = Buffer.from(archive());
    const firstDoc = corrupted.indexOf(bson({ _id: 0, c: "items", pad: "" }));
    corrupted.writeInt32LE(3, firstDoc);
    expect(read(corrupted)).toEqual({ incomplete: expect.stringMatching(/corrupted: 3 is neither a document length/) });
    expect(read(Buffer.concat([archive(), Buffer.from([1, 2])]))).toHaveProperty("incomplete");
    expect(read(Buffer.from("Failed: error connecting to db server"))).toEqual({
      incomplete: expect.stringMatching(/magic number/),
    });
    expect(read(Buffer.alloc(0))).toEqual({ incomplete: "the output is empty" });
  });
});
