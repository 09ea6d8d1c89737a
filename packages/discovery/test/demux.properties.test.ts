import { inPieces } from "@lb/testing/properties";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createDemuxer } from "../src/demux.js";

// The attach stream comes from a container, so its frames may be anything: whatever the
// frames and however the socket splits them, the demuxer must hand each reader exactly
// its bytes, skip the rest, and end.

/** Per run over a few KB: generous for a slow CI machine, far below a hang. */
const TIME_BOUND_MS = 2_000;

function frame(type: number, payload: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Writes the chunks one after another, as a socket would, and collects both outputs until they end. */
async function demux(chunks: Buffer[]): Promise<{ stdout: Buffer; stderr: Buffer }> {
  const began = performance.now();
  const { input, stdout, stderr } = createDemuxer();
  const collect = (stream: NodeJS.ReadableStream) =>
    new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      stream.on("data", (part: Buffer) => parts.push(part));
      stream.on("end", () => resolve(Buffer.concat(parts)));
      stream.on("error", reject);
    });
  const outputs = Promise.all([collect(stdout), collect(stderr)]);
  for (const chunk of chunks) {
    await new Promise<void>((resolve, reject) => input.write(chunk, (error) => (error ? reject(error) : resolve())));
  }
  input.end();
  const [out, err] = await outputs;
  expect(performance.now() - began).toBeLessThan(TIME_BOUND_MS);
  return { stdout: out, stderr: err };
}

const chunking = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 6 });
const frames = fc.array(fc.record({ type: fc.constantFrom(0, 1, 2, 3), payload: fc.uint8Array({ maxLength: 2000 }) }), {
  maxLength: 12,
});

describe("createDemuxer properties", () => {
  it("gives each reader exactly its frames' bytes, whatever the frames and the chunking", async () => {
    await fc.assert(
      fc.asyncProperty(frames, chunking, async (list, sizes) => {
        const wire = Buffer.concat(list.map(({ type, payload }) => frame(type, payload)));
        const only = (type: number) => Buffer.concat(list.filter((f) => f.type === type).map((f) => f.payload));
        const { stdout, stderr } = await demux(inPieces(wire, sizes));
        expect(stdout.equals(only(1))).toBe(true);
        expect(stderr.equals(only(2))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("ends both readers on arbitrary bytes, frame lengths of up to 4 GiB included", async () => {
    const huge = frame(1, Buffer.alloc(0));
    huge.writeUInt32BE(0xffffffff, 4);
    const start = fc.constantFrom(Buffer.alloc(0), huge, frame(7, Buffer.alloc(0)).fill(0xff, 4));
    await fc.assert(
      fc.asyncProperty(start, fc.uint8Array({ maxLength: 4096 }), chunking, async (head, bytes, sizes) => {
        const { stdout, stderr } = await demux(inPieces(Buffer.concat([head, bytes]), sizes));
        // A frame promising more than came hands on what came, no more: nothing is buffered.
        expect(stdout.length + stderr.length).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe("createDemuxer when the socket fails", () => {
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  afterEach(() => {
    process.off("uncaughtException", record);
    uncaught.length = 0;
  });

  it("fails stdout only: stderr, which usually has no error listener, just ends", async () => {
    process.on("uncaughtException", record);
    const { input, stdout, stderr } = createDemuxer();
    // The socket's pipeline listens on the input itself; stderr gets no error listener at all.
    input.on("error", () => {});
    const stdoutError = new Promise<Error>((resolve) => stdout.on("error", resolve));
    const said: Buffer[] = [];
    stderr.on("data", (part: Buffer) => said.push(part));
    const stderrClosed = new Promise<void>((resolve) => stderr.on("close", resolve));
    input.write(frame(2, Buffer.from("partial warning\n")));
    input.destroy(new Error("socket reset"));

    expect((await stdoutError).message).toBe("socket reset");
    // An 'error' nobody listens to throws before 'close' is emitted: wait a little, not forever.
    await Promise.race([stderrClosed, new Promise((resolve) => setTimeout(resolve, 1000))]);
    expect(uncaught).toEqual([]);
    expect(stderr.errored).toBeNull();
    expect(stderr.readableEnded).toBe(true);
    expect(Buffer.concat(said).toString()).toBe("partial warning\n");
  });

  it("stops waiting for a reader that is gone, before or during the wait", async () => {
    const { input, stdout, stderr } = createDemuxer();
    // Nobody reads stderr: a frame past its buffer makes the demuxer wait, until stderr is destroyed.
    const big = frame(2, Buffer.alloc(stderr.writableHighWaterMark + 1024));
    const waiting = new Promise<void>((resolve) => input.write(big, () => resolve()));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stderr.listenerCount("drain")).toBe(1);
    stderr.destroy();
    await waiting;
    // A reader destroyed before its frame comes is skipped without any wait.
    stdout.destroy();
    await new Promise<void>((resolve) => input.write(frame(1, Buffer.alloc(200_000)), () => resolve()));
    input.end();
  });
});
