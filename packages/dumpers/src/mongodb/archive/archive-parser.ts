import { type Document, deserialize } from "bson";
import { CRC64_ECMA_GO, Crc64 } from "../../redis/crc64.js";
import {
  ARCHIVE_MAGIC,
  ARCHIVE_TERMINATOR,
  ArchiveError,
  type ArchiveHeader,
  MAX_DOCUMENT_BYTES,
  MIN_DOCUMENT_BYTES,
  namespaceKey,
  type PreludeCollection,
  TIMESERIES_BUCKET_PREFIX,
  wordAt,
} from "./archive-format.js";
import { ArchiveInput } from "./archive-input.js";

export { ArchiveError } from "./archive-format.js";

export interface ArchiveLimits {
  maxDocumentBytes: number;
  maxPreludeEntries: number;
  maxMetadataBytes: number;
  maxNameBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxDocumentBytes: MAX_DOCUMENT_BYTES,
  maxPreludeEntries: 100_000,
  maxMetadataBytes: 16 * 1024 * 1024,
  maxNameBytes: 1024,
};

export type ArchiveEvent =
  | { kind: "header"; header: ArchiveHeader }
  | { kind: "collection"; entry: PreludeCollection }
  | { kind: "prelude-end" }
  | { kind: "document"; db: string; collection: string; bytes: Buffer }
  | { kind: "collection-end"; db: string; collection: string; documents: number };

const CUT_SHORT = "the transfer was cut short";
const corrupted = (detail: string) => new ArchiveError(`the archive is corrupted: ${detail}`);
const endsInside = (what: string) => new ArchiveError(`the archive ends inside ${what}: ${CUT_SHORT}`);
const label = (db: string, collection: string) => `${db}.${collection}`;

interface Namespace {
  name: string;
  crc: Crc64;
  documents: number;
  ended: boolean;
}

/** A prelude entry and the namespaces its data may come under. */
interface Announced {
  name: string;
  /** Timeseries data comes as system.buckets.<name> from servers before 8.3, as <name> after. */
  dataKeys: string[];
}

/**
 * Reads a mongodump archive as events, pulling chunks only as the consumer asks for events.
 * Every problem with the bytes is an ArchiveError; errors of the source itself pass through.
 */
export async function* readArchive(
  source: AsyncIterable<Buffer>,
  limits: Partial<ArchiveLimits> = {},
): AsyncGenerator<ArchiveEvent> {
  const bounds = { ...DEFAULT_ARCHIVE_LIMITS, ...limits };
  const input = new ArchiveInput(source[Symbol.asyncIterator]());
  try {
    yield* readAll(input, bounds);
  } finally {
    await input.close();
  }
}

async function* readAll(input: ArchiveInput, bounds: ArchiveLimits): AsyncGenerator<ArchiveEvent> {
  if (await input.atEnd()) throw new ArchiveError(`the archive is empty: ${CUT_SHORT} or nothing was written`);
  const magic = await input.take(4);
  if (!magic) throw endsInside("its magic number");
  if (wordAt(magic, 0) !== ARCHIVE_MAGIC) {
    throw new ArchiveError("the input is not a mongodump archive: it does not start with the archive magic number");
  }
  const reader = new Reader(input, bounds);
  const headerLength = await reader.length("its header");
  if (headerLength === ARCHIVE_TERMINATOR) throw corrupted("the header document is missing");
  yield { kind: "header", header: readHeader(await reader.document(headerLength, "its header")) };
  const prelude = yield* readPrelude(reader, bounds);
  yield { kind: "prelude-end" };
  yield* readBlocks(input, reader, prelude);
}

interface Prelude {
  announced: Set<Announced>;
  /** Data namespace key → the prelude entries its end-of-data block completes. */
  owners: Map<string, Announced[]>;
}

async function* readPrelude(reader: Reader, bounds: ArchiveLimits): AsyncGenerator<ArchiveEvent, Prelude> {
  const keys = new Set<string>();
  const prelude: Prelude = { announced: new Set(), owners: new Map() };
  for (;;) {
    const length = await reader.length("its prelude");
    if (length === ARCHIVE_TERMINATOR) return prelude;
    const entry = reader.preludeEntry(await reader.document(length, "its prelude"));
    const key = namespaceKey(entry.db, entry.collection);
    if (keys.has(key)) throw corrupted(`the prelude lists ${label(entry.db, entry.collection)} twice`);
    if (keys.size >= bounds.maxPreludeEntries) {
      throw new ArchiveError(`the archive lists more than ${bounds.maxPreludeEntries} collections, more than allowed`);
    }
    keys.add(key);
    const item: Announced = { name: label(entry.db, entry.collection), dataKeys: [key] };
    if (entry.type === "timeseries") {
      item.dataKeys.push(namespaceKey(entry.db, TIMESERIES_BUCKET_PREFIX + entry.collection));
    }
    prelude.announced.add(item);
    for (const dataKey of item.dataKeys) prelude.owners.set(dataKey, [...(prelude.owners.get(dataKey) ?? []), item]);
    yield { kind: "collection", entry };
  }
}

async function* readBlocks(input: ArchiveInput, reader: Reader, prelude: Prelude): AsyncGenerator<ArchiveEvent> {
  const namespaces = new Map<string, Namespace>();
  const finished = new Set<Announced>();
  for (;;) {
    if (finished.size === prelude.announced.size) {
      // Every announced collection ended: a valid archive stops here, so anything more is not a block.
      if (await input.atEnd()) return;
      throw corrupted("unexpected bytes follow the last end-of-data block");
    }
    if (await input.atEnd()) {
      const missing = [...prelude.announced].find((item) => !finished.has(item));
      throw new ArchiveError(`the archive ends before ${missing?.name} reached its end-of-data block: ${CUT_SHORT}`);
    }
    const length = await reader.length("a block header");
    if (length === ARCHIVE_TERMINATOR) throw corrupted("two terminators in a row (a block without a header)");
    const header = reader.namespaceHeader(await reader.document(length, "a block header"));
    const key = namespaceKey(header.db, header.collection);
    const owners = prelude.owners.get(key);
    if (!owners) throw corrupted(`data for ${label(header.db, header.collection)}, which the prelude does not list`);
    let ns = namespaces.get(key);
    if (!ns) {
      ns = { name: label(header.db, header.collection), crc: new Crc64(CRC64_ECMA_GO), documents: 0, ended: false };
      namespaces.set(key, ns);
    }
    if (ns.ended) throw corrupted(`data for ${ns.name} after its end-of-data block`);

    if (header.eof) {
      const computed = ns.crc.digest();
      if (header.crc !== computed) {
        throw corrupted(
          `the checksum of ${ns.name} does not match its documents (archive ${header.crc.toString(16)}, data ${computed.toString(16)})`,
        );
      }
      if ((await reader.length(`the end-of-data block of ${ns.name}`)) !== ARCHIVE_TERMINATOR) {
        throw corrupted(`documents follow the end-of-data header of ${ns.name}`);
      }
      ns.ended = true;
      for (const owner of owners) finished.add(owner);
      yield { kind: "collection-end", db: header.db, collection: header.collection, documents: ns.documents };
      continue;
    }
    for (;;) {
      const docLength = await reader.length(`a block of ${ns.name}`);
      if (docLength === ARCHIVE_TERMINATOR) break;
      const bytes = await reader.document(docLength, `a document of ${ns.name}`);
      ns.crc.update(bytes);
      ns.documents++;
      yield { kind: "document", db: header.db, collection: header.collection, bytes };
    }
  }
}

function readHeader(bytes: Buffer): ArchiveHeader {
  const doc = parse(bytes, "the header");
  return {
    concurrentCollections: integerField(doc, "concurrent_collections", "the header"),
    formatVersion: stringField(doc, "version", "the header"),
    serverVersion: stringField(doc, "server_version", "the header"),
    toolVersion: stringField(doc, "tool_version", "the header"),
  };
}

function stringField(doc: Document, name: string, where: string): string {
  const value: unknown = doc[name];
  if (value === undefined) return "";
  if (typeof value !== "string") throw corrupted(`${where} has a ${name} that is not a string`);
  return value;
}

function integerField(doc: Document, name: string, where: string): number {
  const value: unknown = doc[name];
  if (value === undefined) return 0;
  const number = typeof value === "bigint" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number)) {
    throw corrupted(`${where} has a ${name} that is not an integer`);
  }
  return number;
}

/** Reads lengths and documents, and the small framing documents, within the limits. */
class Reader {
  constructor(
    private readonly input: ArchiveInput,
    private readonly bounds: ArchiveLimits,
  ) {}

  /** The next 4-byte word: a terminator or a checked document length. */
  async length(where: string): Promise<number> {
    const bytes = await this.input.take(4);
    if (!bytes) throw endsInside(where);
    const word = wordAt(bytes, 0);
    if (word === ARCHIVE_TERMINATOR) return word;
    if (word < MIN_DOCUMENT_BYTES || word > this.bounds.maxDocumentBytes) {
      throw corrupted(`${word} is neither a document length nor a terminator (in ${where})`);
    }
    return word;
  }

  /** The rest of a document whose length was just read; checked only by its framing. */
  async document(length: number, where: string): Promise<Buffer> {
    const lead = Buffer.alloc(4);
    lead.writeUInt32LE(length, 0);
    const bytes = await this.input.take(length - 4, lead);
    if (!bytes) throw endsInside(where);
    if (bytes[length - 1] !== 0) throw corrupted(`a document in ${where} does not end with a NUL byte`);
    return bytes;
  }

  preludeEntry(bytes: Buffer): PreludeCollection {
    const doc = parse(bytes, "a prelude entry");
    const entry: PreludeCollection = {
      db: this.name(stringField(doc, "db", "a prelude entry")),
      collection: this.name(stringField(doc, "collection", "a prelude entry")),
      metadata: stringField(doc, "metadata", "a prelude entry"),
      type: stringField(doc, "type", "a prelude entry"),
      size: integerField(doc, "size", "a prelude entry"),
    };
    if (Buffer.byteLength(entry.metadata) > this.bounds.maxMetadataBytes) {
      throw corrupted(`the metadata of ${label(entry.db, entry.collection)} is longer than allowed`);
    }
    return entry;
  }

  /** A block's header, as strict as mongorestore: known fields of the right types only. */
  namespaceHeader(bytes: Buffer): { db: string; collection: string; eof: boolean; crc: bigint } {
    const doc = parse(bytes, "a block header");
    const unknown = Object.keys(doc).find((key) => !["db", "collection", "EOF", "CRC"].includes(key));
    if (unknown !== undefined) throw corrupted(`a block header has an unknown field ${JSON.stringify(unknown)}`);
    const eof: unknown = doc.EOF ?? false;
    const crc: unknown = doc.CRC ?? 0n;
    if (typeof eof !== "boolean") throw corrupted("a block header has an EOF that is not a boolean");
    if (typeof crc !== "bigint") throw corrupted("a block header has a CRC that is not an int64");
    const collection = this.name(stringField(doc, "collection", "a block header"));
    if (collection === "") throw corrupted("a block header has no collection name");
    return { db: this.name(stringField(doc, "db", "a block header")), collection, eof, crc: BigInt.asUintN(64, crc) };
  }

  private name(value: string): string {
    if (Buffer.byteLength(value) > this.bounds.maxNameBytes) {
      throw corrupted(`a database or collection name is longer than ${this.bounds.maxNameBytes} bytes`);
    }
    return value;
  }
}

/** Decodes a framing document; bson's own errors (bad UTF-8, bad lengths) become ArchiveErrors. */
function parse(bytes: Buffer, what: string): Document {
  try {
    // int64 as bigint: the CRC needs all 64 bits, and an int64 must stay apart from an int32.
    return deserialize(bytes, { useBigInt64: true, promoteBuffers: false, bsonRegExp: true });
  } catch (error) {
    throw corrupted(`${what} is not valid BSON (${error instanceof Error ? error.message : String(error)})`);
  }
}
