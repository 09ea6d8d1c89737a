import { byteMutation, mutateBytes } from "@lb/testing/properties";
import { serialize } from "bson";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ArchiveError,
  type ArchiveEvent,
  ArchiveWriter,
  MAX_DOCUMENT_BYTES,
  type PreludeCollection,
  readArchive,
} from "../src/mongodb/archive/index.js";

const HEADER = { formatVersion: "0.1", serverVersion: "7.0.14", toolVersion: "lb-test", concurrentCollections: 4 };
/** Per parse of a hostile input: generous for a slow CI machine, far below a hang. */
const TIME_BOUND_MS = 2_000;

async function* chunked(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Buffer> {
  let turn = 0;
  for (let at = 0; at < bytes.length; turn++) {
    const size = sizes.length > 0 ? sizes[turn % sizes.length]! : bytes.length;
    yield Buffer.from(bytes.subarray(at, at + size));
    at += size;
  }
}

async function collect(bytes: Uint8Array, sizes: number[]): Promise<ArchiveEvent[]> {
  const events: ArchiveEvent[] = [];
  for await (const event of readArchive(chunked(bytes, sizes))) events.push(event);
  return events;
}

/** Reads hostile bytes: either they parse, or the only error is an ArchiveError, in bounded time. */
async function parsesOrRefuses(bytes: Uint8Array, sizes: number[]): Promise<void> {
  const began = performance.now();
  try {
    await collect(bytes, sizes);
  } catch (error) {
    if (!ArchiveError.isInstance(error)) throw error;
  }
  expect(performance.now() - began).toBeLessThan(TIME_BOUND_MS);
}

const value = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 4 }),
);
const document = fc
  .dictionary(
    fc.string({ maxLength: 8 }).filter((key) => !key.includes("\0")),
    value,
    { maxKeys: 5 },
  )
  .map((fields) => Buffer.from(serialize(fields)));

const collectionSpec = fc.record({
  type: fc.constantFrom("collection", "view", "timeseries", ""),
  documents: fc.array(document, { maxLength: 12 }),
});

/** Collections, the order their blocks interleave in, and how the bytes are chunked. */
const archiveSpec = fc.record({
  collections: fc.array(collectionSpec, { minLength: 0, maxLength: 5 }),
  schedule: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 })), { maxLength: 30 }),
  chunkSizes: fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 5 }),
});

interface Spec {
  type: string;
  documents: Buffer[];
}

function build(collections: Spec[], schedule: [number, number][]) {
  const prelude: PreludeCollection[] = collections.map((c, i) => ({
    db: `db${i % 2}`,
    collection: `c${i}.x`,
    metadata: `{"collectionName":"c${i}.x"}`,
    type: c.type,
    size: 0,
  }));
  const writer = new ArchiveWriter();
  const out = [writer.start(HEADER, prelude)];
  const left = collections.map((c) => [...c.documents]);
  const open = collections.map((_, i) => i);
  const finish = (i: number) => {
    const { db, collection } = prelude[i]!;
    if (left[i]!.length > 0) out.push(writer.block(db, collection, left[i]!.splice(0)));
    out.push(writer.end(db, collection));
    open.splice(open.indexOf(i), 1);
  };
  // Each step gives an open collection a block of 0..4 documents, or (for a count of 4) its end.
  for (const [pick, count] of schedule) {
    if (open.length === 0) break;
    const i = open[pick % open.length]!;
    if (count === 4) finish(i);
    else out.push(writer.block(prelude[i]!.db, prelude[i]!.collection, left[i]!.splice(0, count)));
  }
  for (const i of [...open]) finish(i);
  return { bytes: Buffer.concat(out), prelude };
}

describe("mongodump archive properties", () => {
  afterEach(() => vi.restoreAllMocks());

  it("(a) whatever the collections, interleaving and chunking, reading gives back what was written", async () => {
    await fc.assert(
      fc.asyncProperty(archiveSpec, async ({ collections, schedule, chunkSizes }) => {
        const { bytes, prelude } = build(collections, schedule);
        const events = await collect(bytes, chunkSizes);
        expect(events[0]).toEqual({ kind: "header", header: HEADER });
        expect(events.filter((e) => e.kind === "collection").map((e) => e.entry)).toEqual(prelude);
        prelude.forEach((entry, i) => {
          const mine = (e: ArchiveEvent) =>
            (e.kind === "document" || e.kind === "collection-end") &&
            e.db === entry.db &&
            e.collection === entry.collection;
          const docs = events.filter(mine).flatMap((e) => (e.kind === "document" ? [e.bytes] : []));
          expect(docs).toEqual(collections[i]!.documents);
          expect(events.filter(mine).at(-1)).toMatchObject({ kind: "collection-end", documents: docs.length });
        });
      }),
      { numRuns: 200 },
    );
  });

  it("(b) arbitrary bytes either parse or are refused with an ArchiveError, quickly", async () => {
    const magic = Buffer.from([0x6d, 0xe2, 0x99, 0x81]);
    const sizes = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.boolean(), sizes, async (bytes, withMagic, chunkSizes) => {
        await parsesOrRefuses(withMagic ? Buffer.concat([magic, bytes]) : bytes, chunkSizes);
      }),
      { numRuns: 300 },
    );
  });

  it("(b) mutations of a valid archive either parse or are refused with an ArchiveError, quickly", async () => {
    const { bytes } = build(
      [
        { type: "collection", documents: [0, 1, 2].map((i) => Buffer.from(serialize({ _id: i, s: "x".repeat(i) }))) },
        { type: "view", documents: [] },
        { type: "collection", documents: [Buffer.from(serialize({ n: 1.5 }))] },
      ],
      [
        [0, 2],
        [2, 1],
        [0, 1],
      ],
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(byteMutation, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 80 }),
        (changes, size) => parsesOrRefuses(mutateBytes(bytes, changes), [size]),
      ),
      { numRuns: 500 },
    );
  });

  it("(c) a huge declared length is refused without allocating it", async () => {
    const allocUnsafe = vi.spyOn(Buffer, "allocUnsafe");
    const alloc = vi.spyOn(Buffer, "alloc");
    const magic = Buffer.from([0x6d, 0xe2, 0x99, 0x81]);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_DOCUMENT_BYTES + 1, max: 0xfffffffe }), async (length) => {
        allocUnsafe.mockClear();
        alloc.mockClear();
        const word = Buffer.alloc(4);
        word.writeUInt32LE(length);
        const tail = Buffer.alloc(16, 1);
        const error = await collect(Buffer.concat([magic, word, tail]), [7]).catch((e: unknown) => e);
        expect(ArchiveError.isInstance(error)).toBe(true);
        expect((error as Error).message).toBe(
          `the archive is corrupted: ${length} is neither a document length nor a terminator (in its header)`,
        );
        const sizes = [...allocUnsafe.mock.calls, ...alloc.mock.calls].map(([size]) => size);
        expect(Math.max(0, ...sizes)).toBeLessThan(1024);
      }),
      { numRuns: 200 },
    );
  });
});
