import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { inspect } from "node:util";
import {
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { Logger, Manifest } from "@lb/core";
import { AbortedError, MANIFEST_VERSION, WriteError } from "@lb/core";
import { freePort, type MinioServer, minioMissingReason, startMinioServer } from "@lb/testing";
import { writerConformanceSuite } from "@lb/testing/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3Writer, type S3WriterOptions, type S3WriterSettings, s3Writer } from "../src/index.js";

const MIB = 1024 * 1024;

// Skipped where MinIO cannot be had (no binary, no Go); under CI that throws instead.
const missing = await minioMissingReason();
if (missing) console.warn(`skipping the S3 writer tests against MinIO: ${missing}`);

let minio: MinioServer;
const opened: S3Writer[] = [];

function settingsFor(bucket: string, overrides: Partial<S3WriterSettings> = {}): S3WriterSettings {
  return {
    bucket,
    region: minio.region,
    endpoint: minio.endpoint,
    accessKeyId: minio.root.accessKeyId,
    secretAccessKey: minio.root.secretAccessKey,
    forcePathStyle: true,
    ...overrides,
  };
}

/** An SDK client of the tests' own, for what the harness's small client does not do. */
function inspector(): S3Client {
  return new S3Client({
    region: minio.region,
    endpoint: minio.endpoint,
    forcePathStyle: true,
    credentials: minio.root,
    requestChecksumCalculation: "WHEN_REQUIRED",
  });
}

/** Keys the writers were asked to write, per bucket: MinIO lists unfinished uploads only per key. */
const attempted = new Map<string, Set<string>>();

function writerFor(bucket: string, overrides: Partial<S3WriterSettings> = {}, options?: S3WriterOptions): S3Writer {
  const writer = s3Writer(settingsFor(bucket, overrides), options);
  opened.push(writer);
  const keys = attempted.get(bucket) ?? new Set<string>();
  attempted.set(bucket, keys);
  return {
    ...writer,
    writeArtifact(key, body, writeOptions) {
      keys.add(key);
      return writer.writeArtifact(key, body, writeOptions);
    },
  };
}

/** Objects and unfinished multipart uploads: what a failed write must not leave. */
async function everything(bucket: string): Promise<string[]> {
  const uploads: string[] = [];
  for (const key of attempted.get(bucket) ?? []) {
    for (const upload of await minio.listUploads(bucket, key)) uploads.push(`(unfinished upload) ${upload.key}`);
  }
  return [...(await minio.listKeys(bucket)), ...uploads].sort();
}

/** `total` random bytes in chunks of random sizes, as a dump tool's pipe delivers them. */
function irregularBody(total: number, hash = createHash("sha256")): { body: Readable; sha256: () => string } {
  let left = total;
  const body = Readable.from(
    (function* () {
      while (left > 0) {
        const size = Math.min(left, 1 + Math.floor(Math.random() * 300_000));
        left -= size;
        const chunk = randomBytes(size);
        hash.update(chunk);
        yield chunk;
      }
    })(),
  );
  return { body, sha256: () => hash.digest("hex") };
}

/** A body that never ends on its own. */
function endlessBody(): Readable {
  return new Readable({
    read() {
      this.push(randomBytes(256 * 1024));
    },
  });
}

/** The size of every part of a stored object, read with HeadObject's PartNumber. */
async function partSizes(client: S3Client, bucket: string, key: string): Promise<number[]> {
  const first = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: 1 }));
  const sizes = [first.ContentLength ?? -1];
  for (let part = 2; part <= (first.PartsCount ?? 1); part++) {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: part }));
    sizes.push(head.ContentLength ?? -1);
  }
  return sizes;
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function manifestFor(key: string, storedBytes: number, startedAt: string): Manifest {
  return {
    manifestVersion: MANIFEST_VERSION,
    artifactKey: key,
    target: "db",
    engine: "postgres",
    database: "appdb",
    containerId: "0123456789ab",
    containerName: "db",
    compression: "gzip",
    rawBytes: storedBytes,
    storedBytes,
    sha256: "0".repeat(64),
    retentionSeconds: 3600,
    startedAt,
    durationSeconds: 1,
  };
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const make = (bindings: object): Logger => {
    const at = (obj: object, msg = "") => lines.push(JSON.stringify({ ...bindings, ...obj, msg }));
    return { debug: at, info: at, warn: at, error: at, child: (more) => make({ ...bindings, ...more }) };
  };
  return Object.assign(make({}), { lines });
}

/** Runs `fn` with the AWS SDK's environment credentials set, as the default chain reads them. */
async function withEnvCredentials<T>(
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  fn: () => Promise<T>,
): Promise<T> {
  const names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] as const;
  const saved = names.map((name) => process.env[name]);
  process.env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
  if (creds.sessionToken) process.env.AWS_SESSION_TOKEN = creds.sessionToken;
  try {
    return await fn();
  } finally {
    names.forEach((name, i) => {
      if (saved[i] === undefined) delete process.env[name];
      else process.env[name] = saved[i];
    });
  }
}

const ALLOW_ALL = { Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"] };

describe.skipIf(missing !== undefined)("s3 writer against MinIO", () => {
  beforeAll(async () => {
    // A first `go install` of MinIO takes minutes; later runs find the binary.
    minio = await startMinioServer();
  }, 20 * 60_000);

  afterAll(async () => {
    await Promise.all(opened.map((writer) => writer.close()));
    await minio?.stop();
  });

  writerConformanceSuite("s3", async () => {
    const bucket = await minio.freshBucket();
    return {
      writer: writerFor(bucket),
      putForeign: (key, body) => minio.putObject(bucket, key, body),
      allKeys: () => everything(bucket),
    };
  });

  describe("parts", () => {
    it("cuts a stream into equal parts but the last, whatever sizes its chunks have", async () => {
      const bucket = await minio.freshBucket();
      const writer = writerFor(bucket);
      const key = "parts/postgres-appdb-20261126T000000000Z-aaaaaa.sql.gz";
      const total = 3 * 8 * MIB + 1_234_567;
      const { body, sha256 } = irregularBody(total);
      // A small previous backup: the part size stays at its 8 MiB floor.
      const stored = await writer.writeArtifact(key, body, { expectedBytes: 2 * MIB });
      expect(stored).toEqual({ key, location: `s3://${bucket}/${key}`, bytes: total });
      const sizes = await partSizes(inspector(), bucket, key);
      console.info(`parts of a ${total}-byte stream with an 8 MiB plan: ${sizes.join(", ")}`);
      expect(sizes).toEqual([8 * MIB, 8 * MIB, 8 * MIB, 1_234_567]);
      expect(await sha256Of(await writer.read(key))).toBe(sha256());
    });

    it("grows the part size from the expected size so the stream fits the part limit", async () => {
      const bucket = await minio.freshBucket();
      // 5 MiB expected, room for 4x in 2 parts: 10 MiB parts.
      const writer = writerFor(bucket, { maxParts: 2 });
      expect(writer.planFor(5 * MIB)).toMatchObject({ partSize: 10 * MIB, limitBytes: 20 * MIB });
      const key = "grow/postgres-appdb-20261126T000000000Z-bbbbbb.sql.gz";
      const { body } = irregularBody(15 * MIB);
      await writer.writeArtifact(key, body, { expectedBytes: 5 * MIB });
      const sizes = await partSizes(inspector(), bucket, key);
      console.info(`parts of a 15 MiB stream expected at 5 MiB with S3_MAX_PARTS=2: ${sizes.join(", ")}`);
      expect(sizes).toEqual([10 * MIB, 5 * MIB]);
    });

    it("uses S3_PART_SIZE when it is set", async () => {
      const bucket = await minio.freshBucket();
      const writer = writerFor(bucket, { partSize: 5 * MIB });
      const key = "forced/postgres-appdb-20261126T000000000Z-cccccc.sql.gz";
      await writer.writeArtifact(key, irregularBody(12 * MIB + 3).body, { expectedBytes: 900 * MIB });
      expect(await partSizes(inspector(), bucket, key)).toEqual([5 * MIB, 5 * MIB, 2 * MIB + 3]);
    });

    it("shows equal parts while the upload is still going (ListParts)", async () => {
      const bucket = await minio.freshBucket();
      const writer = writerFor(bucket, { partSize: 5 * MIB });
      const key = "live/postgres-appdb-20261126T000000000Z-dddddd.sql.gz";
      const controller = new AbortController();
      const writing = writer.writeArtifact(key, endlessBody(), { signal: controller.signal });
      const client = inspector();
      let seen: number[] = [];
      const deadline = Date.now() + 30_000;
      while (seen.length < 3 && Date.now() < deadline) {
        const [upload] = await minio.listUploads(bucket, key);
        if (upload) {
          const parts = await client.send(
            new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: upload.uploadId }),
          );
          seen = (parts.Parts ?? []).map((part) => part.Size ?? -1);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      controller.abort();
      await expect(writing).rejects.toThrow(AbortedError);
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(new Set(seen)).toEqual(new Set([5 * MIB]));
      expect(await everything(bucket)).toEqual([]);
    });

    it("fails a stream that outgrows partSize x maxParts, naming the size and the settings, and leaves nothing", async () => {
      const bucket = await minio.freshBucket();
      const writer = writerFor(bucket, { partSize: 5 * MIB, maxParts: 2 });
      const key = "limit/postgres-appdb-20261126T000000000Z-eeeeee.sql.gz";
      const failure = await writer.writeArtifact(key, irregularBody(12 * MIB).body).catch((error: unknown) => error);
      expect(WriteError.isInstance(failure)).toBe(true);
      expect(String((failure as Error).message)).toMatch(
        /passed 10 MiB \(10485760 bytes, \d+ read\).*2 parts \(S3_MAX_PARTS\) of 5 MiB \(set by S3_PART_SIZE\).*S3_PART_SIZE/,
      );
      expect(await everything(bucket)).toEqual([]);
    });
  });

  describe("failures leave nothing behind", () => {
    it("aborts the multipart upload when the body fails after parts went out", async () => {
      const bucket = await minio.freshBucket();
      const writer = writerFor(bucket, { partSize: 5 * MIB });
      let sent = 0;
      const dying = new Readable({
        read() {
          if (sent >= 12 * MIB) {
            this.destroy(new Error("dump died"));
            return;
          }
          sent += MIB;
          this.push(randomBytes(MIB));
        },
      });
      await expect(
        writer.writeArtifact("dying/postgres-appdb-20261126T000000000Z-ffffff.sql.gz", dying),
      ).rejects.toThrow(/the backup stream failed: dump died/);
      expect(await everything(bucket)).toEqual([]);
    });

    it("aborts mid-upload on the signal: no object and no multipart upload", async () => {
      const bucket = await minio.freshBucket();
      const writer = writerFor(bucket, { partSize: 5 * MIB });
      const controller = new AbortController();
      const key = "abort/postgres-appdb-20261126T000000000Z-aaaaaa.sql.gz";
      const writing = writer.writeArtifact(key, endlessBody(), { signal: controller.signal });
      // Wait until at least one part is stored, so there is an upload to abort.
      const client = inspector();
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
        const [upload] = await minio.listUploads(bucket, key);
        const parts = upload
          ? await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: upload.uploadId }))
          : undefined;
        if ((parts?.Parts?.length ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      controller.abort(new Error("timeout"));
      await expect(writing).rejects.toThrow(AbortedError);
      expect(await minio.listUploads(bucket, key)).toEqual([]);
      expect(await everything(bucket)).toEqual([]);
    });

    it("endpoint down: a clear error naming the endpoint, and nothing written", async () => {
      const port = await freePort();
      const bucket = `lb-test-down-${randomBytes(4).toString("hex")}`;
      const writer = writerFor(bucket, { endpoint: `http://127.0.0.1:${port}` });
      const started = Date.now();
      const pattern = new RegExp(`cannot reach the S3 endpoint http://127\\.0\\.0\\.1:${port}: connection refused`);
      await expect(writer.writeArtifact("down/x.sql.gz", irregularBody(MIB).body)).rejects.toThrow(pattern);
      await expect(writer.probe()).rejects.toThrow(pattern);
      await expect(writer.list("down")).rejects.toThrow(pattern);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(await minio.bucketExists(bucket)).toBe(false);
    });

    it("wrong secret: a clear error that never shows the secret, in the error or the log", async () => {
      const bucket = await minio.freshBucket();
      const secret = `wrong-${randomBytes(12).toString("hex")}`;
      const logger = recordingLogger();
      const writer = writerFor(bucket, { secretAccessKey: secret }, { logger });
      for (const attempt of [
        () => writer.writeArtifact("secret/x.sql.gz", irregularBody(6 * MIB).body),
        () => writer.probe(),
        () => writer.list("secret"),
        () => writer.read("secret/x.sql.gz"),
      ]) {
        const failure = (await attempt().catch((error: unknown) => error)) as Error;
        expect(failure.message).toMatch(/SECRET_ACCESS_KEY does not match ACCESS_KEY_ID/);
        expect(inspect(failure, { depth: 20 })).not.toContain(secret);
        expect(JSON.stringify(failure)).not.toContain(secret);
      }
      expect(logger.lines.join("\n")).not.toContain(secret);
      expect(await everything(bucket)).toEqual([]);
    });

    it("bucket missing and the credentials may not create it: a clear error, no bucket", async () => {
      const creds = await minio.credentialsWithPolicy({
        Version: "2012-10-17",
        Statement: [ALLOW_ALL, { Effect: "Deny", Action: ["s3:CreateBucket"], Resource: ["arn:aws:s3:::*"] }],
      });
      const missingBucket = `lb-test-missing-${randomBytes(4).toString("hex")}`;
      const existing = await minio.freshBucket();
      await withEnvCredentials(creds, async () => {
        // No keys in the settings: the SDK's default chain finds them in the environment.
        const denied = writerFor(missingBucket, { accessKeyId: undefined, secretAccessKey: undefined });
        await expect(denied.writeArtifact("m/x.sql.gz", irregularBody(MIB).body)).rejects.toThrow(
          `cannot use bucket "${missingBucket}": it does not exist, and these credentials may not create it (s3:CreateBucket denied)`,
        );
        // The same credentials write where the bucket exists.
        const allowed = writerFor(existing, { accessKeyId: undefined, secretAccessKey: undefined });
        await allowed.writeArtifact("m/x.sql.gz", irregularBody(MIB).body);
      });
      expect(await minio.bucketExists(missingBucket)).toBe(false);
      expect(await minio.listKeys(existing)).toEqual(["m/x.sql.gz"]);
    });

    it("read-only credentials: access denied on write, and nothing left", async () => {
      const bucket = await minio.freshBucket();
      const creds = await minio.credentialsWithPolicy({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
            Resource: ["arn:aws:s3:::*"],
          },
        ],
      });
      await withEnvCredentials(creds, async () => {
        const writer = writerFor(bucket, { accessKeyId: undefined, secretAccessKey: undefined });
        await writer.probe();
        // One PutObject, and a multipart upload.
        for (const size of [1 * MIB, 12 * MIB]) {
          await expect(writer.writeArtifact("ro/x.sql.gz", irregularBody(size).body)).rejects.toThrow(
            `cannot upload s3://${bucket}/ro/x.sql.gz: access denied: the credentials may not write objects in bucket "${bucket}"`,
          );
        }
      });
      expect(await everything(bucket)).toEqual([]);
    });
  });

  describe("bucket", () => {
    it("creates a missing bucket when the credentials allow", async () => {
      const bucket = `lb-test-new-${randomBytes(4).toString("hex")}`;
      const writer = writerFor(bucket);
      await writer.writeArtifact("new/x.sql.gz", irregularBody(1000).body);
      expect(await minio.bucketExists(bucket)).toBe(true);
      expect(await minio.listKeys(bucket)).toEqual(["new/x.sql.gz"]);
    });

    it("does not create one when told not to", async () => {
      const bucket = `lb-test-none-${randomBytes(4).toString("hex")}`;
      const writer = writerFor(bucket, {}, { createBucket: false });
      await expect(writer.probe()).rejects.toThrow(`cannot use bucket "${bucket}": it does not exist`);
      expect(await minio.bucketExists(bucket)).toBe(false);
    });
  });

  describe("stale uploads", () => {
    it("aborts the agent's own unfinished uploads under the folder that started before the cutoff", async () => {
      const bucket = await minio.freshBucket();
      const client = inspector();
      const start = async (key: string) => {
        const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
        await client.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: randomBytes(1000) }),
        );
      };
      const ours = "daily/postgres-appdb-20261126T010000000Z-0a1b2c.sql.gz";
      const foreign = "daily/someone-elses-upload.bin";
      const elsewhere = "weekly/postgres-appdb-20261126T010000000Z-0a1b2c.sql.gz";
      const prefixTwin = "daily2/postgres-appdb-20261126T010000000Z-0a1b2c.sql.gz";
      for (const key of [ours, foreign, elsewhere, prefixTwin]) await start(key);
      const cutoff = new Date(Date.now() + 1000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // Started after the cutoff: another agent's run on the same bucket, still going.
      const running = "daily/mysql-shop-20261126T020000000Z-3d4e5f.sql.gz";
      await start(running);
      const writer = writerFor(bucket);
      for (const key of [ours, foreign, elsewhere, prefixTwin, running]) attempted.get(bucket)?.add(key);
      const pending = async () => (await everything(bucket)).map((entry) => entry.replace("(unfinished upload) ", ""));
      expect(await pending()).toEqual([ours, foreign, elsewhere, prefixTwin, running].sort());

      expect(await writer.abortStaleUploads("daily", cutoff)).toEqual([ours]);
      expect(await pending()).toEqual([foreign, elsewhere, prefixTwin, running].sort());
      expect((await writer.abortStaleUploads("", new Date(Date.now() + 60_000))).sort()).toEqual(
        [elsewhere, prefixTwin, running].sort(),
      );
      expect(await pending()).toEqual([foreign]);
    });
  });

  describe("listing, reading, deleting", () => {
    it("pages through listings and returns only artifacts with a manifest of ours, oldest first", async () => {
      const bucket = await minio.freshBucket();
      const writer = writerFor(bucket, {}, { listPageSize: 2 });
      const keys: string[] = [];
      for (let i = 4; i >= 0; i--) {
        const key = `paged/postgres-appdb-2026112${i}T000000000Z-00000${i}.sql.gz`;
        const body = Buffer.from(`backup ${i}`);
        await writer.writeArtifact(key, Readable.from([body]));
        await writer.writeManifest(manifestFor(key, body.length, `2026-11-2${i}T00:00:00.000Z`));
        keys.unshift(key);
      }
      await minio.putObject(bucket, "paged/notes.txt", Buffer.from("not ours"));
      await minio.putObject(bucket, "paged/zz.sql.gz.manifest.json", Buffer.from("{}"));
      await minio.putObject(bucket, "paged-other/postgres-appdb-x.sql.gz", Buffer.from("another folder"));
      expect((await writer.list("paged")).map((artifact) => artifact.key)).toEqual(keys);
      expect((await writer.list("paged/")).length).toBe(5);
      expect((await writer.list("")).length).toBe(5);
    });

    it("deletes many artifacts with their manifests in one go, and what is gone is no error", async () => {
      const bucket = await minio.freshBucket();
      const writer = writerFor(bucket);
      const keys = ["many/a.sql.gz", "many/b.sql.gz", "many/c.sql.gz"];
      for (const key of keys) {
        await writer.writeArtifact(key, Readable.from([Buffer.from(key)]));
        await writer.writeManifest(manifestFor(key, key.length, new Date().toISOString()));
      }
      await writer.deleteMany(["many/a.sql.gz", "many/b.sql.gz", "many/never-was.sql.gz"]);
      expect(await minio.listKeys(bucket)).toEqual(["many/c.sql.gz", "many/c.sql.gz.manifest.json"]);
      await writer.deleteMany([]);
    });

    it("says which object is missing on read, and refuses keys that are not relative paths", async () => {
      const bucket = await minio.freshBucket();
      const writer = writerFor(bucket);
      await expect(writer.read("nothing/here.sql.gz")).rejects.toThrow(
        `cannot read s3://${bucket}/nothing/here.sql.gz: no such object`,
      );
      for (const key of ["../up.sql.gz", "/abs.sql.gz", "a//b.sql.gz", "a\\b.sql.gz", ""]) {
        await expect(writer.writeArtifact(key, Readable.from([Buffer.from("x")]))).rejects.toThrow(/refusing key/);
      }
      expect(writer.locationOf("a/b.sql.gz")).toBe(`s3://${bucket}/a/b.sql.gz`);
    });
  });

  describe("encryption and storage class", () => {
    it("stores artifacts and manifests with SSE (AES256), multipart included", async () => {
      const bucket = await minio.freshBucket();
      const writer = writerFor(bucket, { sse: "AES256", partSize: 5 * MIB });
      const key = "sse/postgres-appdb-20261126T000000000Z-aaaaaa.sql.gz";
      const { body, sha256 } = irregularBody(6 * MIB);
      await writer.writeArtifact(key, body);
      await writer.writeManifest(manifestFor(key, 6 * MIB, new Date().toISOString()));
      const client = inspector();
      for (const object of [key, `${key}.manifest.json`]) {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: object }));
        expect(head.ServerSideEncryption).toBe("AES256");
      }
      expect(await sha256Of(await writer.read(key))).toBe(sha256());
    });

    it("stores artifacts with SSE-KMS under the given key", async () => {
      const bucket = await minio.freshBucket();
      const writer = writerFor(bucket, { sse: "aws:kms", sseKmsKeyId: minio.kmsKeyId });
      const key = "kms/postgres-appdb-20261126T000000000Z-aaaaaa.sql.gz";
      await writer.writeArtifact(key, irregularBody(1000).body);
      const head = await inspector().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.ServerSideEncryption).toBe("aws:kms");
      expect(head.SSEKMSKeyId).toContain(minio.kmsKeyId);
    });

    it("stores artifacts in the storage class asked for, manifests in the default one", async () => {
      const bucket = await minio.freshBucket();
      const writer = writerFor(bucket, { storageClass: "REDUCED_REDUNDANCY" });
      const key = "class/postgres-appdb-20261126T000000000Z-aaaaaa.sql.gz";
      await writer.writeArtifact(key, irregularBody(1000).body);
      await writer.writeManifest(manifestFor(key, 1000, new Date().toISOString()));
      const client = inspector();
      const artifact = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      const manifest = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: `${key}.manifest.json` }));
      expect(artifact.StorageClass).toBe("REDUCED_REDUNDANCY");
      expect(manifest.StorageClass).toBeUndefined();
    });
  });
});
