import { Transform, type TransformCallback } from "node:stream";
import { CRC64_JONES, Crc64 } from "./crc64.js";

const EOF_OPCODE = 0xff;
const CHECKSUM_BYTES = 8;
/**
 * A diskless transfer ends with a 40-character random mark that `redis-cli --rdb`
 * truncates away when it writes a file, but copies through when it writes to stdout.
 */
const EOF_MARK_BYTES = 40;
/** Bytes held back so the end can be judged before it is passed on. */
const HOLD = 1 + CHECKSUM_BYTES + EOF_MARK_BYTES;
/** The smallest RDB: `REDIS` + 4 version digits, the EOF opcode and the checksum. */
const SMALLEST_RDB = 9 + 1 + CHECKSUM_BYTES;
const HEAD_BYTES = 1024;

export type RdbVerdict =
  | { incomplete: string }
  | {
      /** The RDB format version from the header, e.g. 10 for Redis 7.0. */
      rdbVersion: number;
      /** The `redis-ver` field the server wrote into the file, when present. */
      redisVersion: string | undefined;
      /** False when the server wrote the checksum as zero (`rdbchecksum no`). */
      checksummed: boolean;
    };

function isHexMark(bytes: Buffer): boolean {
  return bytes.length === EOF_MARK_BYTES && /^[0-9a-f]+$/.test(bytes.toString("latin1"));
}

/** The string after the `redis-ver` auxiliary field, if it is stored as a short plain string. */
function redisVersionIn(head: Buffer): string | undefined {
  const at = head.indexOf("redis-ver");
  if (at < 0) return undefined;
  const lengthByte = head[at + "redis-ver".length];
  if (lengthByte === undefined || lengthByte >> 6 !== 0) return undefined;
  const start = at + "redis-ver".length + 1;
  const value = head.subarray(start, start + (lengthByte & 0x3f)).toString("latin1");
  return /^[0-9][0-9A-Za-z.-]*$/.test(value) ? value : undefined;
}

/**
 * A pass-through that checks a Redis RDB snapshot as it streams: the `REDIS` magic and
 * format version at the start, and at the end the EOF opcode (0xFF) followed by the
 * CRC-64 of everything before it. The checksum is computed on the way through, so
 * nothing is buffered beyond the last 49 bytes. A trailing diskless end mark is removed,
 * so what comes out is always a plain RDB file. Read `verdict()` after the stream ends.
 */
export class RdbVerifier extends Transform {
  private readonly crc = new Crc64(CRC64_JONES);
  private held = Buffer.alloc(0);
  private head = Buffer.alloc(0);
  private seen = 0;
  private outcome: RdbVerdict = { incomplete: "the stream did not end" };

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.head.length < HEAD_BYTES) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES - this.head.length)]);
    }
    const joined = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    const release = joined.length - HOLD;
    if (release <= 0) {
      this.held = Buffer.from(joined);
      callback();
      return;
    }
    const out = joined.subarray(0, release);
    this.crc.update(out);
    this.held = Buffer.from(joined.subarray(release));
    callback(null, out);
  }

  override _flush(callback: TransformCallback): void {
    const { verdict, keep } = this.judge();
    this.outcome = verdict;
    if (keep > 0) this.push(this.held.subarray(0, keep));
    callback();
  }

  verdict(): RdbVerdict {
    return this.outcome;
  }

  /** How the held tail ends the file, and how many of the held bytes belong to it. */
  private judge(): { verdict: RdbVerdict; keep: number } {
    const all = this.held.length;
    const header = /^REDIS(\d{4})$/.exec(this.head.subarray(0, 9).toString("latin1"));
    if (!header) {
      const reason =
        this.seen === 0 ? "the output is empty" : 'it does not start with the RDB magic "REDIS" and a format version';
      return { verdict: { incomplete: reason }, keep: all };
    }
    const found = { rdbVersion: Number(header[1]), redisVersion: redisVersionIn(this.head) };
    // Where the file could end inside the held bytes: at their end, or before an end mark.
    const ends = [all];
    if (this.seen - EOF_MARK_BYTES >= SMALLEST_RDB && isHexMark(this.held.subarray(all - EOF_MARK_BYTES))) {
      ends.push(all - EOF_MARK_BYTES);
    }
    const candidates = ends
      .filter((end) => this.seen - (all - end) >= SMALLEST_RDB && this.held[end - CHECKSUM_BYTES - 1] === EOF_OPCODE)
      .map((end) => ({
        end,
        stored: this.held.readBigUInt64LE(end - CHECKSUM_BYTES),
        computed: this.crc
          .clone()
          .update(this.held.subarray(0, end - CHECKSUM_BYTES))
          .digest(),
      }));
    const matching = candidates.find((c) => c.stored === c.computed);
    if (matching) return { verdict: { ...found, checksummed: true }, keep: matching.end };
    const unchecked = candidates.find((c) => c.stored === 0n);
    if (unchecked) return { verdict: { ...found, checksummed: false }, keep: unchecked.end };
    const [first] = candidates;
    const reason = first
      ? `the RDB checksum does not match (stored ${first.stored.toString(16)}, computed ${first.computed.toString(16)}): the file is corrupted`
      : "it does not end with the RDB end-of-file opcode and checksum: the transfer was cut short";
    return { verdict: { incomplete: reason }, keep: all };
  }
}
