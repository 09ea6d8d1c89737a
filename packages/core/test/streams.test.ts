import { createHash } from "node:crypto";
import { PassThrough, Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { BoundedCapture, EndGate, MeasuringStream } from "../src/index.js";

const sink = () =>
  new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });

describe("MeasuringStream", () => {
  it("counts and hashes what passes", async () => {
    const data = Buffer.from("hello world".repeat(1000));
    const measure = new MeasuringStream();
    await pipeline(Readable.from([data.subarray(0, 7), data.subarray(7)]), measure, sink());
    expect(measure.result()).toEqual({ bytes: data.length, sha256: createHash("sha256").update(data).digest("hex") });
  });
});

describe("EndGate", () => {
  it("ends only after the verdict resolves", async () => {
    let release!: () => void;
    const verdict = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gate = new EndGate(() => verdict);
    let ended = false;
    const flowing = pipeline(Readable.from([Buffer.from("x")]), gate, sink()).then(() => {
      ended = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(false);
    release();
    await flowing;
    expect(ended).toBe(true);
  });

  it("errors instead of ending when the verdict rejects", async () => {
    const gate = new EndGate(() => Promise.reject(new Error("tool exited 1")));
    await expect(pipeline(Readable.from([Buffer.from("x")]), gate, sink())).rejects.toThrow("tool exited 1");
  });
});

describe("BoundedCapture", () => {
  it("keeps the head and the tail and says how much it dropped", () => {
    const capture = new BoundedCapture(4);
    const source = new PassThrough();
    source.on("data", (chunk: Buffer) => capture.push(chunk));
    for (const part of ["abcd", "efgh", "ijkl", "mnop"]) source.write(part);
    expect(capture.text()).toBe("abcd\n[... 8 bytes omitted ...]\nmnop");
  });

  it("returns short input unchanged", () => {
    const capture = new BoundedCapture(100);
    capture.push(Buffer.from("short"));
    expect(capture.text()).toBe("short");
  });
});
