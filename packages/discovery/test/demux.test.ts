import { describe, expect, it } from "vitest";
import { createDemuxer } from "../src/demux.js";

/** One frame of Docker's attach protocol: stream type, three zero bytes, big-endian length, payload. */
function frame(type: 1 | 2, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("createDemuxer", () => {
  it("waits once for a slow reader, however many frames one chunk carries, and loses nothing", async () => {
    const { input, stdout, stderr } = createDemuxer();
    // Past what the reader buffers (its writable and readable sides; 16 KiB each before
    // Node 22, 64 KiB since), whatever that is.
    const frames = Math.ceil((stdout.writableHighWaterMark + stdout.readableHighWaterMark) / 1024) + 20;
    const payloads = Array.from({ length: frames }, (_, i) => Buffer.alloc(1024, i));
    const chunk = Buffer.concat([...payloads.map((p) => frame(1, p)), frame(2, Buffer.from("warning\n"))]);

    const written = new Promise<void>((resolve, reject) =>
      input.write(chunk, (error) => (error ? reject(error) : resolve())),
    );
    // More went in than the reader buffers: the demuxer is now waiting for it.
    await new Promise((resolve) => setImmediate(resolve));
    expect(stdout.listenerCount("drain")).toBe(1);
    expect(stdout.listenerCount("close")).toBe(1);

    const received: Buffer[] = [];
    stdout.on("data", (data: Buffer) => received.push(data));
    let said = "";
    stderr.on("data", (data: Buffer) => {
      said += data.toString();
    });
    await written;
    input.end();
    await new Promise((resolve) => stdout.on("end", resolve));
    expect(Buffer.concat(received).equals(Buffer.concat(payloads))).toBe(true);
    expect(said).toBe("warning\n");
    expect(stdout.listenerCount("drain")).toBe(0);
  });
});
