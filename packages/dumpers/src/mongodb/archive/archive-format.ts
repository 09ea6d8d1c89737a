/**
 * The framing of `mongodump --archive` (format "0.1"), as mongo-tools' common/archive reads
 * and writes it: the magic number, a header document, one metadata document per
 * collection and a terminator (the prelude), then blocks of a namespace header, raw
 * documents and a terminator, and per namespace an end-of-data header with a CRC-64.
 */

/** The first four bytes of every archive, written little-endian (6d e2 99 81). */
export const ARCHIVE_MAGIC = 0x8199e26d;
/** Ends the prelude and every block; never a valid document length. */
export const ARCHIVE_TERMINATOR = 0xffffffff;
/** The only archive format version mongo-tools has ever written. */
export const ARCHIVE_FORMAT_VERSION = "0.1";
/** An empty BSON document: a 4-byte length and the trailing NUL. */
export const MIN_DOCUMENT_BYTES = 5;
/**
 * The largest document this package reads: the server's internal maximum (16 MiB plus
 * 16 KiB of slack, which oplog entries may use).
 */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 + 16 * 1024;
/**
 * The largest document mongorestore's archive parser accepts (its buffer is exactly
 * 16 MiB), so the largest one a writer may put in an archive meant for mongorestore.
 */
export const RESTORABLE_DOCUMENT_BYTES = 16 * 1024 * 1024;
/** Where a timeseries collection's data lives on servers before 8.3. */
export const TIMESERIES_BUCKET_PREFIX = "system.buckets.";

/** One prelude entry: a collection (or view, or timeseries) the archive carries. */
export interface PreludeCollection {
  db: string;
  collection: string;
  /** mongodump's metadata JSON text (canonical Extended JSON), or "" when it has none. */
  metadata: string;
  /** "collection", "view", "timeseries", or "" (old servers, the oplog, users and roles). */
  type: string;
  /** mongodump always writes 0 here; kept for readers that show it. */
  size: number;
}

export interface ArchiveHeader {
  formatVersion: string;
  serverVersion: string;
  toolVersion: string;
  concurrentCollections: number;
}

// Recognised across duplicate installs, like @lb/core's errors: instanceof fails there, the marker does not.
const MARKER = Symbol.for("@lb/dumpers/ArchiveError");

/** Bad archive bytes: what readers of an archive (and their callers) should expect to catch. */
export class ArchiveError extends Error {
  readonly [MARKER] = true;
  override readonly name = "ArchiveError";

  static isInstance(error: unknown): error is ArchiveError {
    return typeof error === "object" && error !== null && MARKER in error;
  }
}

/** A key for a namespace that cannot collide, unlike `db + "." + collection` with dotted names. */
export function namespaceKey(db: string, collection: string): string {
  return JSON.stringify([db, collection]);
}

/** Reads the 4-byte little-endian word at `at`, used for lengths, terminators and the magic. */
export function wordAt(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}
