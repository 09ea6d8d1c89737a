import { describe, expect, it } from "vitest";
import { checkS3Settings, expectedBytesFor, formatBytes, planParts } from "../src/index.js";

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

describe("S3 part plan", () => {
  it("uses 8 MiB parts, one at a time, when nothing is known", () => {
    expect(planParts()).toEqual({
      partSize: 8 * MIB,
      maxParts: 10_000,
      limitBytes: 80_000 * MIB,
      queueSize: 1,
      source: "default",
    });
  });

  it("never chooses parts under 8 MiB, and sends every part one at a time", () => {
    for (const expectedBytes of [0, 1, 100 * MIB, 19 * GIB]) {
      expect(planParts({ expectedBytes })).toMatchObject({ partSize: 8 * MIB, queueSize: 1 });
    }
    expect(planParts({ expectedBytes: 500 * GIB }).queueSize).toBe(1);
  });

  it("leaves room for a stream four times the expected size, in whole MiB", () => {
    for (const expectedBytes of [50 * GIB, 123_456_789_012, 900 * GIB]) {
      const plan = planParts({ expectedBytes });
      expect(plan.limitBytes).toBeGreaterThanOrEqual(expectedBytes * 4);
      expect(plan.partSize % MIB).toBe(0);
      expect(plan.partSize - MIB).toBeLessThan((expectedBytes * 4) / 10_000);
    }
  });

  it("sizes parts for a provider's lower part limit", () => {
    const plan = planParts({ expectedBytes: 20 * GIB, maxParts: 1000 });
    expect(plan.partSize).toBe(82 * MIB);
    expect(plan.limitBytes).toBeGreaterThanOrEqual(80 * GIB);
    expect(plan.queueSize).toBe(1);
  });

  it("takes S3_PART_SIZE as it is", () => {
    expect(planParts({ forcedPartSize: 5 * MIB, expectedBytes: 100 * GIB, maxParts: 3 })).toMatchObject({
      partSize: 5 * MIB,
      limitBytes: 15 * MIB,
      source: "S3_PART_SIZE",
    });
  });

  it("caps parts at S3's 5 GiB", () => {
    expect(planParts({ expectedBytes: 100 * 1024 * GIB, maxParts: 10 }).partSize).toBe(5 * GIB);
  });

  it("takes the size hint from the target's largest listed backup", () => {
    const artifact = (target: string, storedBytes: number) =>
      ({ key: `${target}-${storedBytes}`, manifest: { target, storedBytes } }) as never;
    const listed = [artifact("db", 10), artifact("db", 30), artifact("db-replica", 99), artifact("db", 20)];
    expect(expectedBytesFor(listed, "db")).toBe(30);
    expect(expectedBytesFor(listed, "other")).toBeUndefined();
  });

  it("formats sizes for people", () => {
    expect([formatBytes(17), formatBytes(8 * MIB), formatBytes(1.5 * GIB)]).toEqual(["17 bytes", "8 MiB", "1.5 GiB"]);
  });
});

describe("S3 writer settings", () => {
  const base = { bucket: "b", region: "us-east-1", forcePathStyle: true };

  it("names the variable of a setting it refuses", () => {
    expect(() => checkS3Settings({ ...base, partSize: 1024 })).toThrow(/^S3_PART_SIZE: /);
    expect(() => checkS3Settings({ ...base, maxParts: 10_001 })).toThrow(/^S3_MAX_PARTS: /);
    expect(() => checkS3Settings({ ...base, sseKmsKeyId: "k" })).toThrow(/^S3_SSE_KMS_KEY_ID: needs S3_SSE=aws:kms/);
    expect(() => checkS3Settings({ ...base, accessKeyId: "a" })).toThrow(/^ACCESS_KEY_ID: /);
    expect(() => checkS3Settings({ ...base, bucket: "" })).toThrow(/^BUCKET_NAME: /);
    expect(() => checkS3Settings({ ...base, sse: "aws:kms", sseKmsKeyId: "k", partSize: 5 * MIB })).not.toThrow();
  });
});
