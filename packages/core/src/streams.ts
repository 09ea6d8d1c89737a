import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

export interface Measured {
  bytes: number;
  sha256: string;
}

/** A pass-through that counts bytes and hashes them; read `result()` after it ends. */
export class MeasuringStream extends Transform {
  private readonly hash = createHash("sha256");
  private bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }

  result(): Measured {
    return { bytes: this.bytes, sha256: this.hash.copy().digest("hex") };
  }
}

/** A pass-through that counts bytes only. */
export class CountingStream extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

/**
 * A pass-through that holds back its end until `verdict` settles: it ends when the
 * verdict resolves and errors when it rejects. Placed in front of a writer, it keeps
 * the writer from committing before the producer is known to have succeeded.
 */
export class EndGate extends Transform {
  constructor(private readonly verdict: () => Promise<unknown>) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.verdict().then(
      () => callback(),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }
}

/**
 * Keeps the first and last `limit` bytes of what is written to it, so a chatty tool's
 * stderr can be reported without holding all of it.
 */
export class BoundedCapture {
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private dropped = 0;

  constructor(private readonly limit = 4096) {}

  push(chunk: Buffer): void {
    if (this.head.length < this.limit) {
      const room = this.limit - this.head.length;
      this.head = Buffer.concat([this.head, chunk.subarray(0, room)]);
      chunk = chunk.subarray(room);
    }
    if (chunk.length === 0) return;
    const joined = Buffer.concat([this.tail, chunk]);
    const excess = Math.max(0, joined.length - this.limit);
    this.dropped += excess;
    this.tail = joined.subarray(excess);
  }

  text(): string {
    const gap = this.dropped > 0 ? `\n[... ${this.dropped} bytes omitted ...]\n` : "";
    return this.head.toString("utf8") + gap + this.tail.toString("utf8");
  }
}
