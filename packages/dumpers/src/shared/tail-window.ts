import { Transform, type TransformCallback } from "node:stream";

/**
 * A pass-through that remembers the first and the last `size` bytes it saw, so a
 * dumper can read a format's header and check its end marker without buffering.
 */
export class HeadTailWindow extends Transform {
  private headBytes = Buffer.alloc(0);
  private tailBytes = Buffer.alloc(0);
  total = 0;

  constructor(private readonly size = 4096) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.total += chunk.length;
    if (this.headBytes.length < this.size) {
      this.headBytes = Buffer.concat([this.headBytes, chunk.subarray(0, this.size - this.headBytes.length)]);
    }
    const joined = chunk.length >= this.size ? chunk : Buffer.concat([this.tailBytes, chunk]);
    this.tailBytes = Buffer.from(joined.subarray(Math.max(0, joined.length - this.size)));
    callback(null, chunk);
  }

  head(): Buffer {
    return this.headBytes;
  }

  tail(): Buffer {
    return this.tailBytes;
  }
}
