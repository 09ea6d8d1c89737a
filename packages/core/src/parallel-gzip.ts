import { Transform, type TransformCallback } from "node:stream";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

const gzipAsync = promisify(gzip);

export interface ParallelGzipOptions {
  /** Blocks compressed at once; they run on libuv's thread pool (UV_THREADPOOL_SIZE, default 4). */
  threads: number;
  level: number;
  /** Input bytes per block; default 1 MiB. */
  blockSize?: number;
}

/**
 * gzip on several cores: the input is cut into blocks, each compressed on the thread
 * pool as its own gzip member, and the members are written in order. Concatenated
 * members are one standard gzip file (RFC 1952), read whole by gunzip, zcat and Node.
 * Memory stays bounded: at most `threads * 2` blocks are in flight.
 */
export class ParallelGzip extends Transform {
  private readonly blockSize: number;
  private readonly maxInFlight: number;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private readonly inFlight: Array<Promise<Buffer>> = [];
  private wroteAny = false;

  constructor(private readonly options: ParallelGzipOptions) {
    super();
    this.blockSize = options.blockSize ?? 1024 * 1024;
    this.maxInFlight = Math.max(1, options.threads) * 2;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    this.drainBlocks(false).then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.drainBlocks(true)
      .then(async () => {
        while (this.inFlight.length > 0) this.push(await this.inFlight.shift());
        callback();
      })
      .catch(callback);
  }

  private async drainBlocks(final: boolean): Promise<void> {
    while (this.bufferedBytes >= this.blockSize || (final && (this.bufferedBytes > 0 || !this.wroteAny))) {
      const all = Buffer.concat(this.buffered, this.bufferedBytes);
      const block = all.subarray(0, Math.min(this.blockSize, all.length));
      const rest = all.subarray(block.length);
      this.buffered = rest.length ? [rest] : [];
      this.bufferedBytes = rest.length;
      this.wroteAny = true;
      const compressed = gzipAsync(block, { level: this.options.level });
      // Settled early so a failure is reported in order rather than as an unhandled rejection.
      compressed.catch(() => {});
      this.inFlight.push(compressed);
      // Backpressure: wait for the oldest block before taking more than the limit.
      if (this.inFlight.length >= this.maxInFlight) this.push(await this.inFlight.shift());
    }
  }
}
