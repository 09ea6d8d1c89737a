import { type MinioServer, minioMissingReason, startMinioServer } from "@lb/testing";
import { type S3Writer, s3Writer } from "@lb/writers";
import { afterAll, beforeAll, describe } from "vitest";
import { pruneScenarios } from "./prune-scenarios.js";

// Needs vitest to resolve without the `module` export condition (see packages/writers/
// vitest.config.ts): with it, Node loads the AWS SDK's bundler-only ESM build and fails.
// Skipped where MinIO cannot be had (no binary, no Go); under CI that throws instead.
const missing = await minioMissingReason();
if (missing) console.warn(`skipping pruning against MinIO: ${missing}`);

let minio: MinioServer;
const writers: S3Writer[] = [];

describe.skipIf(missing !== undefined)("pruning an S3 bucket", () => {
  beforeAll(async () => {
    // A first `go install` of MinIO takes minutes; later runs find the binary.
    minio = await startMinioServer();
  }, 20 * 60_000);

  afterAll(async () => {
    await Promise.all(writers.map((writer) => writer.close()));
    await minio?.stop();
  });

  pruneScenarios("s3", async () => {
    const bucket = await minio.freshBucket();
    const writer = s3Writer({
      bucket,
      region: minio.region,
      endpoint: minio.endpoint,
      accessKeyId: minio.root.accessKeyId,
      secretAccessKey: minio.root.secretAccessKey,
      forcePathStyle: true,
    });
    writers.push(writer);
    return {
      writer,
      // Foreign objects have no manifest and no marker; S3 keeps no settable file times.
      putForeign: (key, body) => minio.putObject(bucket, key, body),
      allKeys: () => minio.listKeys(bucket),
    };
  });
});
