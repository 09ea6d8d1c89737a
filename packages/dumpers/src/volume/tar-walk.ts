import { Transform, type TransformCallback } from "node:stream";

const BLOCK = 512;
/** Extended (pax, GNU long name) headers are read whole; real ones are a few hundred bytes. */
const MAX_EXTENDED_HEADER = 1024 * 1024;
/** Digits of a pax record's length: twenty already exceed any extended header allowed. */
const MAX_RECORD_DIGITS = 20;
/**
 * Keys a global pax header would set for every later entry. GNU tar applies them and
 * busybox tar ignores them, so the walker and the extracting tar would disagree on the
 * archive's names and structure: such an archive is refused. No writer emits them.
 */
const GLOBAL_REFUSED = new Set(["path", "linkpath", "size"]);
/** A restore holds bytes back until the first entry is checked; it comes in the first few blocks. */
const MAX_HELD = 4 * 1024 * 1024;
/** Types whose size field promises no data after the header, as Go's archive/tar reads them. */
const HEADER_ONLY = new Set(["1", "2", "3", "4", "5", "6"]);

export interface TarWalkOptions {
  /**
   * For restores: every entry must be `root` or lie under it (no absolute names, no
   * `..`); nothing is passed on before the first entry has been checked, and nothing
   * more after a problem, so the extracting tar never sees an entry that was refused.
   */
  root?: string;
}

export type TarVerdict = { complete: true; entries: number } | { complete: false; reason: string };

interface ExtendedHeader {
  type: string;
  /** Where its header block starts, for messages. */
  at: number;
  /** Holds its declared size, at most MAX_EXTENDED_HEADER. */
  data: Buffer;
  read: number;
}

const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;

function cString(bytes: Buffer, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? field.length : nul).toString("utf8");
}

/** A numeric header field: octal text, or GNU base-256 for values octal cannot hold. */
function numberField(block: Buffer, start: number, length: number): number | undefined {
  const field = block.subarray(start, start + length);
  const first = field[0] ?? 0;
  if (first & 0x80) {
    if (first === 0xff) return undefined; // negative
    let value = BigInt(first & 0x7f);
    for (const byte of field.subarray(1)) value = (value << 8n) | BigInt(byte);
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
  }
  const text = cString(field, 0, length).trim();
  if (text === "") return 0;
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : undefined;
}

function checksumMatches(block: Buffer): boolean {
  const stored = numberField(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    // The checksum field itself counts as eight spaces.
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

function entryName(block: Buffer): string {
  const name = cString(block, 0, 100);
  // POSIX ustar keeps long names' leading folders in a prefix field; GNU tar uses that space otherwise.
  if (block.toString("latin1", 257, 263) === "ustar\0") {
    const prefix = cString(block, 345, 155);
    if (prefix) return `${prefix}/${name}`;
  }
  return name;
}

const isZero = (block: Buffer) => block.every((byte) => byte === 0);

/**
 * A pass-through that follows a tar archive's structure as it streams: each header's
 * checksum, each entry's size (pax and GNU extensions included), and the end-of-archive
 * marker of two zero blocks. Only that proves an archive whole: a check of the last
 * bytes alone passes an archive cut on a block boundary inside zero-filled file data,
 * which database files and disk images are full of. Holds one header at a time.
 */
export class TarWalk extends Transform {
  /** Entries seen so far (extended headers not counted). */
  entries = 0;
  /** Bytes passed on. */
  forwarded = 0;
  private readonly root: string | undefined;
  private position = 0;
  /** A header block that arrives in pieces: `headerFilled` bytes of it so far. */
  private readonly header = Buffer.alloc(BLOCK);
  private headerFilled = 0;
  private skip = 0;
  private extended: ExtendedHeader | undefined;
  private next: { path?: string; linkpath?: string; size?: number } = {};
  private zeroBlocks = 0;
  private ended = false;
  private problem: string | undefined;
  private held: Buffer[] | undefined;
  private heldBytes = 0;

  constructor(options: TarWalkOptions = {}) {
    super();
    this.root = options.root;
    if (options.root !== undefined) this.held = [];
  }

  /** Why the archive is not a whole, acceptable tar; undefined while nothing is wrong. */
  get refused(): string | undefined {
    return this.problem;
  }

  /** The verdict once all bytes went through. */
  verdict(): TarVerdict {
    if (this.problem) return { complete: false, reason: this.problem };
    if (!this.ended) {
      let reason = `it stops at byte ${this.position} without the two zero blocks that end an archive`;
      if (this.zeroBlocks === 1) reason = "it stops after the first of the two zero blocks that end an archive";
      else if (this.skip > 0 || this.headerFilled > 0 || this.extended) {
        reason = `it stops inside an entry, at byte ${this.position}`;
      }
      return { complete: false, reason };
    }
    if (this.entries === 0) return { complete: false, reason: "it holds no entries" };
    return { complete: true, entries: this.entries };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // Hostile bytes end in a verdict; nothing the walk does may fail the stream instead.
    try {
      if (!this.problem) this.walk(chunk);
    } catch (error) {
      this.fail(
        `it cannot be read at byte ${this.position}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    this.forward(chunk);
    callback();
  }

  private forward(chunk: Buffer): void {
    if (this.root === undefined) {
      // Dumping: every byte goes on; the verdict decides whether any of it is committed.
      this.forwarded += chunk.length;
      this.push(chunk);
      return;
    }
    if (this.problem) return;
    if (this.held) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      if (this.entries === 0) {
        if (this.heldBytes > MAX_HELD) this.fail(`no entry header in the first ${MAX_HELD} bytes`);
        return;
      }
      const held = this.held;
      this.held = undefined;
      for (const part of held) {
        this.forwarded += part.length;
        this.push(part);
      }
      return;
    }
    this.forwarded += chunk.length;
    this.push(chunk);
  }

  private fail(reason: string): void {
    if (this.problem) return;
    this.problem = reason;
    // A restore's tar gets the end of its input now, rather than after the rest of the archive.
    if (this.root !== undefined) this.push(null);
  }

  private walk(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.problem) {
      if (this.ended) {
        // Only padding (to a record size) may follow the end marker.
        const rest = chunk.subarray(at);
        const stray = rest.findIndex((byte) => byte !== 0);
        if (stray >= 0) this.fail(`data follows the end-of-archive marker, at byte ${this.position + stray}`);
        this.position += rest.length;
        return;
      }
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        const extended = this.extended;
        if (extended && extended.read < extended.data.length) {
          extended.read += chunk.copy(extended.data, extended.read, at, at + n);
        }
        this.skip -= n;
        at += n;
        this.position += n;
        if (this.skip === 0 && this.extended) this.endExtended();
        continue;
      }
      const n = Math.min(BLOCK - this.headerFilled, chunk.length - at);
      const part = chunk.subarray(at, at + n);
      at += n;
      this.position += n;
      if (this.headerFilled === 0 && n === BLOCK) {
        this.onHeader(part);
        continue;
      }
      this.headerFilled += part.copy(this.header, this.headerFilled);
      if (this.headerFilled === BLOCK) {
        this.headerFilled = 0;
        this.onHeader(this.header);
      }
    }
  }

  private onHeader(block: Buffer): void {
    const at = this.position - BLOCK;
    if (isZero(block)) {
      this.zeroBlocks += 1;
      if (this.zeroBlocks === 2) this.ended = true;
      return;
    }
    if (this.zeroBlocks > 0) {
      this.fail(`a single zero block at byte ${at - BLOCK} is followed by more entries`);
      return;
    }
    if (!checksumMatches(block)) {
      this.fail(`the header at byte ${at} is damaged: its checksum does not match`);
      return;
    }
    const size = numberField(block, 124, 12);
    if (size === undefined) {
      this.fail(`the header at byte ${at} has an unreadable size`);
      return;
    }
    const type = block[156] === 0 ? "0" : String.fromCharCode(block[156] as number);

    if (type === "x" || type === "g" || type === "L" || type === "K") {
      // Read whole, so its size is bounded before anything is allocated for it.
      if (size > MAX_EXTENDED_HEADER) {
        this.fail(`the extended header at byte ${at} is too large (${size} bytes)`);
        return;
      }
      this.extended = { type, at, data: Buffer.alloc(size), read: 0 };
      this.skip = padded(size);
      if (this.skip === 0) this.endExtended();
      return;
    }

    const next = this.next;
    this.next = {};
    const dataSize = next.size ?? size;
    this.entries += 1;
    if (this.root !== undefined) {
      this.checkName(next.path ?? entryName(block), at);
      if (type === "1") this.checkName(next.linkpath ?? cString(block, 157, 100), at);
    }
    this.skip = HEADER_ONLY.has(type) ? 0 : padded(dataSize);
  }

  private endExtended(): void {
    const extended = this.extended as ExtendedHeader;
    this.extended = undefined;
    const { data } = extended;
    if (extended.type === "L") this.next.path = cString(data, 0, data.length);
    else if (extended.type === "K") this.next.linkpath = cString(data, 0, data.length);
    else this.readPaxRecords(data, extended);
  }

  /**
   * Records of the form "<length> <key>=<value>\n"; only size, path and linkpath matter
   * here. Each record's length is checked against what is left, so every record moves on.
   */
  private readPaxRecords(data: Buffer, { type, at: headerAt }: ExtendedHeader): void {
    const malformed = () => this.fail(`a pax extended header near byte ${this.position} is malformed`);
    let at = 0;
    while (at < data.length) {
      if (data[at] === 0) return;
      const space = data.subarray(at, at + MAX_RECORD_DIGITS + 1).indexOf(0x20);
      const digits = space < 0 ? "" : data.toString("latin1", at, at + space);
      const length = /^[0-9]+$/.test(digits) ? Number(digits) : Number.NaN;
      // At least the digits, the space, one key byte, "=" and the closing newline.
      if (!(length >= space + 4) || at + length > data.length || data[at + length - 1] !== 0x0a) {
        malformed();
        return;
      }
      const record = data.subarray(at + space + 1, at + length - 1);
      const equals = record.indexOf(0x3d);
      if (equals < 1) {
        malformed();
        return;
      }
      const key = record.toString("utf8", 0, equals);
      const value = record.toString("utf8", equals + 1);
      at += length;
      if (type === "g") {
        if (GLOBAL_REFUSED.has(key)) {
          this.fail(
            `the global pax header at byte ${headerAt} sets ${key} for every entry, which tar programs disagree on`,
          );
          return;
        }
        continue;
      }
      if (key === "path") this.next.path = value;
      else if (key === "linkpath") this.next.linkpath = value;
      else if (key === "size") {
        if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
          this.fail(`a pax extended header near byte ${this.position} has an unreadable size`);
          return;
        }
        this.next.size = Number(value);
      }
    }
  }

  private checkName(name: string, at: number): void {
    const root = this.root as string;
    const parts = name.split("/").filter((part) => part !== "" && part !== ".");
    const first = parts[0] ?? "";
    if (name.startsWith("/") || parts.includes("..")) {
      this.fail(`the entry "${name}" at byte ${at} would be written outside ${root}`);
      return;
    }
    if (first !== root) {
      this.fail(
        this.entries === 1
          ? `the archive holds "${first}", not "${root}": restore it into a path named ${first}`
          : `the entry "${name}" at byte ${at} lies outside ${root}`,
      );
      return;
    }
  }

  override _flush(callback: TransformCallback): void {
    // A restore whose archive never showed an entry passes nothing on.
    this.held = undefined;
    callback();
  }
}
