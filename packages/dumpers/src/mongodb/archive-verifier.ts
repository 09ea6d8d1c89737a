import { Transform, type TransformCallback } from "node:stream";
import { DumpError } from "@lb/core";
import { CRC64_ECMA_GO, Crc64 } from "../redis/crc64.js";
import { type BsonScalar, bsonFields } from "./bson-fields.js";

/** The first four bytes of every mongodump archive (0x8199e26d, little-endian). */
const MAGIC = 0x8199e26d;
/** Ends the prelude, each namespace segment and each namespace's EOF block. */
const TERMINATOR = 0xffffffff;
/** The largest document a server returns (16 MiB) plus the slack mongodump allows. */
const MAX_DOCUMENT = 16 * 1024 * 1024 + 16 * 1024;
/** Far more collections than any deployment holds; a hostile stream cannot grow the map without end. */
const MAX_NAMESPACES = 100_000;
/** A gathering buffer larger than this is not kept for the next document. */
const KEEP_BUFFER = 64 * 1024;

type Place = "magic" | "header" | "prelude" | "block" | "body" | "eof-terminator";

interface Namespace {
  name: string;
  type: string;
  inPrelude: boolean;
  crc: Crc64;
  documents: number;
  /** The CRC the EOF block carried, once seen. */
  eofCrc: bigint | undefined;
}

export interface ArchiveSummary {
  formatVersion: string | undefined;
  serverVersion: string | undefined;
  toolVersion: string | undefined;
  /** Namespaces (`db.collection`) the prelude lists, in order. */
  namespaces: string[];
  databases: string[];
  documents: number;
}

export type ArchiveVerdict = { incomplete: string } | ArchiveSummary;

const text = (value: BsonScalar | undefined) => (typeof value === "string" ? value : undefined);

/**
 * Follows the mongodump archive format as the bytes stream past, without holding any
 * collection data: the magic number, the prelude (header and one metadata document per
 * collection, then a terminator), and then blocks of a namespace header, documents and
 * a terminator. It checks that the stream ends on a block boundary, that every
 * collection the prelude announced reached its EOF block, and that each EOF block's
 * CRC-64 matches the documents that came before it.
 */
export class ArchiveReader {
  private place: Place = "magic";
  /**
   * The word or document being gathered: `filled` bytes of the `need` it takes. It grows
   * by doubling, so a document that comes a byte at a time costs linear copying, not a
   * copy per byte; and it grows with what arrives, since a declared length is no promise.
   */
  private pending = Buffer.alloc(KEEP_BUFFER);
  private filled = 0;
  private need = 4;
  private bodyLeft = 0;
  private current: Namespace | undefined;
  private readonly namespaces = new Map<string, Namespace>();
  private header = new Map<string, BsonScalar>();
  private failure: string | undefined;

  /** Why the bytes so far cannot be an archive, once that is known; nothing after can fix it. */
  get corruption(): string | undefined {
    return this.failure;
  }
  private seen = 0;
  /** True once the prelude has been read whole (its terminator seen). */
  preludeDone = false;

  update(chunk: Buffer): void {
    this.seen += chunk.length;
    // Whatever goes wrong on hostile bytes becomes the verdict, never an exception for the stream.
    try {
      this.walk(chunk);
    } catch (error) {
      this.failure = `the archive is corrupted: ${error instanceof Error ? error.message : String(error)}`;
      this.pending = Buffer.alloc(0);
      this.filled = 0;
    }
  }

  private walk(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.failure) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - at);
        this.current?.crc.update(chunk.subarray(at, at + take));
        at += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0 && this.current) this.current.documents++;
        continue;
      }
      const take = Math.min(this.need - this.filled, chunk.length - at);
      this.gather(chunk.subarray(at, at + take));
      at += take;
      if (this.filled < this.need) break;
      this.step();
    }
  }

  private gather(bytes: Buffer): void {
    if (this.filled + bytes.length > this.pending.length) {
      const size = Math.min(this.need, Math.max(2 * this.pending.length, this.filled + bytes.length));
      const grown = Buffer.alloc(size);
      this.pending.copy(grown, 0, 0, this.filled);
      this.pending = grown;
    }
    this.filled += bytes.copy(this.pending, this.filled);
  }

  /** Namespaces the prelude listed so far, whether or not their data has come. */
  preludeNamespaces(): string[] {
    return [...this.namespaces.values()].filter((ns) => ns.inPrelude).map((ns) => ns.name);
  }

  finish(): ArchiveVerdict {
    if (this.failure) return { incomplete: this.failure };
    if (this.seen === 0) return { incomplete: "the output is empty" };
    if (this.place === "magic" || this.place === "header" || this.place === "prelude") {
      return { incomplete: "the archive ends inside its prelude: the transfer was cut short" };
    }
    if (this.place !== "block" || this.filled > 0 || this.bodyLeft > 0) {
      return {
        incomplete: "the archive does not end with a terminator after a whole block: the transfer was cut short",
      };
    }
    let documents = 0;
    for (const ns of this.namespaces.values()) {
      if (ns.eofCrc === undefined) return { incomplete: `collection ${ns.name} never reached its end-of-data block` };
      const computed = ns.crc.digest();
      if (ns.eofCrc !== computed) {
        return {
          incomplete: `the checksum of ${ns.name} does not match (archive ${ns.eofCrc.toString(16)}, data ${computed.toString(16)})`,
        };
      }
      documents += ns.documents;
    }
    const namespaces = this.preludeNamespaces();
    return {
      formatVersion: text(this.header.get("version")),
      serverVersion: text(this.header.get("server_version")),
      toolVersion: text(this.header.get("tool_version")),
      namespaces,
      databases: [...new Set(namespaces.map((name) => name.slice(0, name.indexOf("."))))],
      documents,
    };
  }

  /** The gathered bytes, to be used before the next `gather`; the reader then waits for a word again. */
  private take(): Buffer {
    const bytes = this.pending.subarray(0, this.filled);
    if (this.pending.length > KEEP_BUFFER) this.pending = Buffer.alloc(KEEP_BUFFER);
    this.filled = 0;
    this.need = 4;
    return bytes;
  }

  /** Turns a just-read 4-byte length into a wait for the whole document. */
  private awaitDocument(length: number): void {
    if (length < 5 || length > MAX_DOCUMENT) throw new Error(`${length} is neither a document length nor a terminator`);
    this.need = length;
  }

  private namespace(fields: Map<string, BsonScalar>): Namespace {
    const name = `${text(fields.get("db")) ?? ""}.${text(fields.get("collection")) ?? ""}`;
    let ns = this.namespaces.get(name);
    if (!ns) {
      if (this.namespaces.size >= MAX_NAMESPACES) throw new Error(`it names more than ${MAX_NAMESPACES} collections`);
      ns = { name, type: "", inPrelude: false, crc: new Crc64(CRC64_ECMA_GO), documents: 0, eofCrc: undefined };
      this.namespaces.set(name, ns);
    }
    return ns;
  }

  private step(): void {
    switch (this.place) {
      case "magic":
        if (this.take().readUInt32LE(0) !== MAGIC)
          throw new Error("it does not start with the mongodump archive magic number");
        this.place = "header";
        return;
      case "eof-terminator":
        if (this.take().readUInt32LE(0) !== TERMINATOR) {
          throw new Error("an end-of-data block is not followed by a terminator");
        }
        this.place = "block";
        return;
      case "body":
        this.bodyLength(this.take().readUInt32LE(0));
        return;
    }
    // header, prelude, block: four bytes say what follows, then a whole document.
    if (this.filled === 4) {
      const word = this.pending.readUInt32LE(0);
      if (word === TERMINATOR) this.terminator();
      else this.awaitDocument(word);
      return;
    }
    this.document(bsonFields(this.take()));
  }

  private terminator(): void {
    this.take();
    if (this.place === "prelude") {
      this.place = "block";
      this.preludeDone = true;
    } else if (this.place === "header") {
      throw new Error("the archive header is missing");
    } else {
      throw new Error("two terminators in a row");
    }
  }

  private document(fields: Map<string, BsonScalar>): void {
    if (this.place === "header") {
      this.header = fields;
      this.place = "prelude";
      return;
    }
    const ns = this.namespace(fields);
    if (this.place === "prelude") {
      ns.inPrelude = true;
      ns.type = text(fields.get("type")) ?? "";
      return;
    }
    if (ns.eofCrc !== undefined) throw new Error(`data for ${ns.name} after its end-of-data block`);
    if (fields.get("EOF") === true) {
      const crc = fields.get("CRC");
      ns.eofCrc = BigInt.asUintN(64, typeof crc === "bigint" ? crc : BigInt(Number(crc ?? 0)));
      this.place = "eof-terminator";
    } else {
      this.current = ns;
      this.place = "body";
    }
  }

  /** Inside a segment: a terminator ends it, anything else is the next document's length. */
  private bodyLength(word: number): void {
    if (word === TERMINATOR) {
      this.place = "block";
      return;
    }
    if (word < 5 || word > MAX_DOCUMENT) throw new Error(`${word} is neither a document length nor a terminator`);
    // The checksum covers whole documents, length prefix included; the rest streams past.
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32LE(word);
    this.current?.crc.update(prefix);
    this.bodyLeft = word - 4;
  }
}

/** A pass-through that runs an `ArchiveReader` over the stream; read `verdict()` after it ends. */
export class ArchiveVerifier extends Transform {
  readonly reader = new ArchiveReader();
  private outcome: ArchiveVerdict = { incomplete: "the stream did not end" };

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.reader.update(chunk);
    // A tool whose output is already known to be broken is stopped now, not when it ends:
    // a hostile one might never end.
    const corruption = this.reader.corruption;
    if (corruption) {
      this.outcome = { incomplete: corruption };
      // A dump error, so a destination that sees it passes it on rather than blaming itself.
      callback(new DumpError(corruption));
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.outcome = this.reader.finish();
    callback();
  }

  verdict(): ArchiveVerdict {
    return this.outcome;
  }
}
