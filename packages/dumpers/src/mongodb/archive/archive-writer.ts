import { type Document, EJSON, Int32, Long, serialize } from "bson";
import { CRC64_ECMA_GO, Crc64 } from "../../redis/crc64.js";
import {
  ARCHIVE_FORMAT_VERSION,
  ARCHIVE_MAGIC,
  ARCHIVE_TERMINATOR,
  type ArchiveHeader,
  MIN_DOCUMENT_BYTES,
  namespaceKey,
  type PreludeCollection,
  RESTORABLE_DOCUMENT_BYTES,
  wordAt,
} from "./archive-format.js";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const MAGIC_BYTES = Buffer.alloc(4);
MAGIC_BYTES.writeUInt32LE(ARCHIVE_MAGIC);
const TERMINATOR_BYTES = Buffer.alloc(4);
TERMINATOR_BYTES.writeUInt32LE(ARCHIVE_TERMINATOR);

function bsonBytes(doc: Document): Buffer {
  const bytes = serialize(doc);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Go marshals an `int` as int32 when it fits and int64 otherwise; keep the same bytes. */
function goInt(value: number): Int32 | Long {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not an integer a BSON int can hold`);
  return value >= INT32_MIN && value <= INT32_MAX ? new Int32(value) : Long.fromNumber(value);
}

function namespaceHeader(db: string, collection: string, eof: boolean, crc: bigint): Buffer {
  // Field order and types as mongo-tools marshals its NamespaceHeader; the CRC is a uint64
  // stored in an int64's eight bytes.
  return bsonBytes({ db, collection, EOF: eof, CRC: Long.fromBigInt(BigInt.asIntN(64, crc)) });
}

interface NamespaceState {
  crc: Crc64;
  blocks: number;
  ended: boolean;
}

export interface ArchiveWriterOptions {
  /**
   * Documents longer than this are refused. Defaults to 16 MiB, the most mongorestore's
   * archive parser reads; raise it only for archives no mongorestore will read.
   */
  maxDocumentBytes?: number;
}

/**
 * Builds a mongodump archive piece by piece. Every method returns the bytes to append, so
 * the caller writes them at its own pace (and owns backpressure).
 */
export class ArchiveWriter {
  private readonly namespaces = new Map<string, NamespaceState>();
  private readonly maxDocumentBytes: number;
  private started = false;

  constructor(options: ArchiveWriterOptions = {}) {
    this.maxDocumentBytes = options.maxDocumentBytes ?? RESTORABLE_DOCUMENT_BYTES;
  }

  /** The magic number, the header, one prelude document per collection and the terminator. */
  start(header: ArchiveHeader, collections: PreludeCollection[]): Buffer {
    if (this.started) throw new Error("the archive was already started");
    const { concurrentCollections } = header;
    if ((concurrentCollections | 0) !== concurrentCollections) {
      throw new RangeError(`concurrentCollections ${concurrentCollections} is not an int32`);
    }
    this.started = true;
    const parts = [
      MAGIC_BYTES,
      bsonBytes({
        concurrent_collections: new Int32(concurrentCollections),
        version: header.formatVersion || ARCHIVE_FORMAT_VERSION,
        server_version: header.serverVersion,
        tool_version: header.toolVersion,
      }),
    ];
    for (const entry of collections) {
      // mongodump writes every field, even an empty metadata or type.
      parts.push(
        bsonBytes({
          db: entry.db,
          collection: entry.collection,
          metadata: entry.metadata,
          size: goInt(entry.size),
          type: entry.type,
        }),
      );
    }
    parts.push(TERMINATOR_BYTES);
    return Buffer.concat(parts);
  }

  /**
   * One block: the namespace header, the documents' bytes as given, and the terminator.
   * An empty `documents` gives the empty block mongodump writes for empty collections.
   */
  block(db: string, collection: string, documents: readonly Buffer[]): Buffer {
    const state = this.open(db, collection);
    for (const doc of documents) this.check(doc, db, collection);
    for (const doc of documents) state.crc.update(doc);
    state.blocks++;
    return Buffer.concat([namespaceHeader(db, collection, false, 0n), ...documents, TERMINATOR_BYTES]);
  }

  /**
   * The namespace's end-of-data header (with the CRC-64 of all its documents) and the
   * terminator. A namespace that never had a block first gets an empty one, as mongodump
   * writes for empty collections and views (mongorestore creates a view when it sees it).
   */
  end(db: string, collection: string): Buffer {
    const state = this.open(db, collection);
    const lead = state.blocks === 0 ? this.block(db, collection, []) : Buffer.alloc(0);
    state.ended = true;
    return Buffer.concat([lead, namespaceHeader(db, collection, true, state.crc.digest()), TERMINATOR_BYTES]);
  }

  private open(db: string, collection: string): NamespaceState {
    if (!this.started) throw new Error("start() must come before any block");
    // mongorestore refuses a namespace header without a collection name.
    if (collection === "") throw new Error("a namespace needs a collection name");
    const key = namespaceKey(db, collection);
    let state = this.namespaces.get(key);
    if (!state) {
      state = { crc: new Crc64(CRC64_ECMA_GO), blocks: 0, ended: false };
      this.namespaces.set(key, state);
    }
    if (state.ended) throw new Error(`${db}.${collection} already ended`);
    return state;
  }

  private check(doc: Buffer, db: string, collection: string): void {
    const where = `a document for ${db}.${collection}`;
    if (doc.length < MIN_DOCUMENT_BYTES) throw new RangeError(`${where} is ${doc.length} bytes, too short for BSON`);
    const declared = wordAt(doc, 0);
    if (declared !== doc.length) {
      throw new RangeError(`${where} declares ${declared} bytes but its buffer holds ${doc.length}`);
    }
    if (doc.length > this.maxDocumentBytes) {
      throw new RangeError(`${where} is ${doc.length} bytes, more than the ${this.maxDocumentBytes} allowed`);
    }
    if (doc[doc.length - 1] !== 0) throw new RangeError(`${where} does not end with a NUL byte`);
  }
}

export interface MetadataInput {
  options: Document;
  indexes: Document[];
  uuid?: string;
  collectionName: string;
  type: string;
}

/**
 * The metadata text mongodump writes for a collection: canonical Extended JSON of
 * {options, indexes, uuid, collectionName, type}, with options, uuid and type left out
 * when empty (mongodump's omitempty). mongorestore parses it in canonical mode.
 *
 * Pass documents decoded with `promoteValues: false` (or with bson wrapper values) so an
 * index key's double 1.0 stays `$numberDouble` instead of turning into `$numberInt`.
 * Plain objects cannot keep integer-like keys in their original order (JavaScript lists
 * them first); no MongoDB index or option uses such keys in practice.
 */
export function metadataJson(input: MetadataInput): string {
  const meta: Document = {};
  if (Object.keys(input.options).length > 0) meta.options = input.options;
  // Always an array: mongodump writes `indexes: []` for views, never null.
  meta.indexes = input.indexes;
  if (input.uuid) meta.uuid = input.uuid;
  meta.collectionName = input.collectionName;
  if (input.type) meta.type = input.type;
  return EJSON.stringify(meta, { relaxed: false });
}
