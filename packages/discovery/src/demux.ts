import { PassThrough, Writable } from "node:stream";

const HEADER = 8;
const STDOUT = 1;
const STDERR = 2;

/**
 * Splits Docker's multiplexed attach stream (8-byte frame headers) into stdout and
 * stderr, with backpressure: when a reader is slow, the socket is paused rather than
 * buffered, so memory stays flat whatever the size of the output.
 */
export function createDemuxer(): { input: Writable; stdout: PassThrough; stderr: PassThrough } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let pending = Buffer.alloc(0);
  let frameType = 0;
  let frameLeft = 0;

  const route = (): PassThrough | undefined =>
    frameType === STDOUT ? stdout : frameType === STDERR ? stderr : undefined;
  // Resolves when the reader wants more, or is gone (then there is nothing to wait for).
  // One gone or drained before the wait starts emits neither event again: no wait then.
  const drained = (target: PassThrough) =>
    new Promise<void>((resolve) => {
      if (target.destroyed || !target.writableNeedDrain) {
        resolve();
        return;
      }
      const done = () => {
        target.off("drain", done);
        target.off("close", done);
        resolve();
      };
      target.on("drain", done);
      target.on("close", done);
    });

  const input = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      let data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      pending = Buffer.alloc(0);
      // Readers that asked to slow down; each is waited for once, however many frames it took.
      const full = new Set<PassThrough>();
      while (data.length > 0) {
        if (frameLeft === 0) {
          if (data.length < HEADER) {
            pending = Buffer.from(data);
            break;
          }
          frameType = data[0] ?? 0;
          frameLeft = data.readUInt32BE(4);
          data = data.subarray(HEADER);
          continue;
        }
        const take = Math.min(frameLeft, data.length);
        // Frames of any other type are skipped as they pass, never buffered.
        const target = route();
        const open = target && !target.destroyed && !target.writableEnded;
        if (open && !target.write(data.subarray(0, take))) full.add(target);
        frameLeft -= take;
        data = data.subarray(take);
      }
      if (full.size === 0) callback();
      else Promise.all([...full].map(drained)).then(() => callback());
    },
    final(callback) {
      stdout.end();
      stderr.end();
      callback();
    },
    destroy(error, callback) {
      // The error goes to stdout, whose reader judges the output. Failing stderr as well
      // would emit 'error' on a stream that usually has no listener: an uncaught
      // exception that ends the whole agent. stderr just ends, keeping what it said.
      if (error) stdout.destroy(error);
      else stdout.end();
      stderr.end();
      callback(error);
    },
  });
  return { input, stdout, stderr };
}
