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
  const drained = (target: PassThrough) =>
    new Promise<void>((resolve) => {
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
        const target = route();
        if (target && !target.destroyed && !target.write(data.subarray(0, take))) full.add(target);
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
      if (error) {
        stdout.destroy(error);
        stderr.destroy(error);
      } else {
        stdout.end();
        stderr.end();
      }
      callback(error);
    },
  });
  return { input, stdout, stderr };
}
