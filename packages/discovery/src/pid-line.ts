import { Transform, type TransformCallback } from "node:stream";

/** The line the exec wrapper writes to stderr before it becomes the tool. */
export const PID_LINE_PREFIX = "label-backup-pid ";
// Longer than any pid line: past this, the first line is not ours.
const LIMIT = 64;

/**
 * Takes the wrapper's first stderr line (`label-backup-pid <pid>`) off the stream and
 * reports the pid; everything after it passes through. The pid comes from the process's
 * own output, so killing it needs nothing written in the container, and a container
 * cannot point the kill elsewhere.
 */
export class PidLineFilter extends Transform {
  private head: Buffer | undefined = Buffer.alloc(0);
  private resolvePid!: (pid: number | undefined) => void;
  readonly pid = new Promise<number | undefined>((resolve) => {
    this.resolvePid = resolve;
  });

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.head) {
      callback(null, chunk);
      return;
    }
    const joined = Buffer.concat([this.head, chunk]);
    const newline = joined.indexOf(10);
    if (newline < 0 && joined.length < LIMIT) {
      this.head = joined;
      callback();
      return;
    }
    this.head = undefined;
    const line = newline >= 0 ? joined.toString("latin1", 0, newline) : "";
    const match = /^label-backup-pid (\d{1,10})$/.exec(line);
    if (!match) {
      this.resolvePid(undefined);
      callback(null, joined);
      return;
    }
    this.resolvePid(Number(match[1]));
    callback(null, joined.subarray(newline + 1));
  }

  override _flush(callback: TransformCallback): void {
    if (this.head?.length) this.push(this.head);
    this.head = undefined;
    this.resolvePid(undefined);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.resolvePid(undefined);
    callback(error);
  }
}
