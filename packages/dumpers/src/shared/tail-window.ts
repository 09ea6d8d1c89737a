import { Transform, type TransformCallback } from "node:stream";

/**
 * A pass-through that remembers the first and the last `size` bytes it saw, so a
 * dumper can read a format's header and check its end marker without buffering.
 * Both live in buffers allocated once; a chunk costs at most `size` bytes of copying,
 * however small the chunks come (a process writing a byte at a time included).
 */
export class HeadTailWindow extends Transform {
  private readonly headBytes: Buffer;
  private headLength = 0;
  /** The last bytes as a ring: `ringEnd` is where the next byte goes. */
  private readonly ring: Buffer;
  private ringEnd = 0;
  total = 0;

  constructor(private readonly size = 4096) {
    super();
    this.headBytes = Buffer.alloc(size);
    this.ring = Buffer.alloc(size);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.total += chunk.length;
    if (this.headLength < this.size) this.headLength += chunk.copy(this.headBytes, this.headLength);
    // Only the last `size` bytes of a chunk can be part of the tail.
    const last = chunk.subarray(Math.max(0, chunk.length - this.size));
    if (last.length > 0) {
      const first = last.copy(this.ring, this.ringEnd);
      last.copy(this.ring, 0, first);
      this.ringEnd = (this.ringEnd + last.length) % this.size;
    }
    callback(null, chunk);
  }

  head(): Buffer {
    return this.headBytes.subarray(0, this.headLength);
  }

  tail(): Buffer {
    // Until the ring has wrapped once, it holds everything from its start.
    if (this.total < this.size) return Buffer.from(this.ring.subarray(0, this.ringEnd));
    return Buffer.concat([this.ring.subarray(this.ringEnd), this.ring.subarray(0, this.ringEnd)]);
  }
}
