import { Readable } from "node:stream";
import type { Artifact, Manifest, StoredObject, Writer } from "@lb/core";
import {
  createRedactor,
  errorMessage,
  LabelBackupError,
  manifestKeyFor,
  redactUri,
  silentLogger,
  WRITER_CONTRACT_VERSION,
  WriteError,
} from "@lb/core";
import { ensureBucket } from "./bucket.js";
import { abortUpload, pendingUploads } from "./multipart-uploads.js";
import { formatBytes, type PartPlan, planParts, S3_MAX_PART_SIZE } from "./part-plan.js";
import { deleteArtifacts } from "./s3-delete.js";
import { type ErrorScope, s3ErrorCode, s3Failure } from "./s3-errors.js";
import { checkKey, folderPrefix, hasAgentKeyShape } from "./s3-keys.js";
import { listArtifacts } from "./s3-list.js";
import { createS3Context, type S3Context } from "./s3-sdk.js";
import { checkS3Settings, type S3WriterOptions, type S3WriterSettings } from "./s3-settings.js";
import { type ObjectParams, uploadStream } from "./s3-upload.js";

export interface S3WriteOptions {
  signal?: AbortSignal;
  /**
   * The size the stream is expected to reach, usually the target's previous backup
   * (`expectedBytesFor`). The part size is chosen so that a stream several times larger
   * still fits in the part limit. Writers that do not need it ignore it.
   */
  expectedBytes?: number;
}

export interface S3Writer extends Writer {
  readonly name: "s3";
  readonly bucket: string;
  writeArtifact(key: string, body: Readable, options?: S3WriteOptions): Promise<StoredObject>;
  /** Deletes many artifacts with their manifests, 1,000 keys per request. */
  deleteMany(keys: readonly string[]): Promise<void>;
  /**
   * Aborts the unfinished multipart uploads under `prefix` (a folder; "" for the whole
   * bucket) that the agent started before `olderThan`, recognised by the shape of the
   * agent's object names. Resolves with their keys.
   */
  abortStaleUploads(prefix: string, olderThan: Date): Promise<string[]>;
  /** How an upload with this size hint would be cut into parts. */
  planFor(expectedBytes?: number): PartPlan;
  /** Closes the client's connections. */
  close(): Promise<void>;
}

/** Marks every object the writer stores, for people browsing the bucket. */
const MARKER = "label-backup";

/**
 * Backups as objects in an S3 or S3-compatible bucket. Artifacts stream through multipart
 * uploads with equal parts and are either complete or absent; manifests are written last.
 */
export function s3Writer(settings: S3WriterSettings, options: S3WriterOptions = {}): S3Writer {
  checkS3Settings(settings);
  const { bucket } = settings;
  const logger = (options.logger ?? silentLogger).child({ writer: "s3", bucket });
  const listPageSize = options.listPageSize ?? 1000;
  const scope: ErrorScope = {
    bucket,
    endpoint: settings.endpoint ? redactUri(settings.endpoint) : `AWS S3 (${settings.region})`,
    redact: createRedactor([settings.secretAccessKey]),
  };
  const location = (key: string) => `s3://${bucket}/${key}`;

  let context: Promise<S3Context> | undefined;
  const ctx = (): Promise<S3Context> => {
    context ??= createS3Context(settings).catch((error: unknown) => {
      context = undefined;
      throw new WriteError(`cannot load the AWS SDK: ${errorMessage(error)}`, { cause: error });
    });
    return context;
  };

  const checkBucket = async (c: S3Context) =>
    ensureBucket(c, { bucket, region: settings.region, create: options.createBucket ?? true, scope, logger });
  // Checked once, before the first write; a failed check is tried again next time.
  let bucketReady: Promise<void> | undefined;
  const readyBucket = async (): Promise<S3Context> => {
    const c = await ctx();
    bucketReady ??= checkBucket(c).catch((error: unknown) => {
      bucketReady = undefined;
      throw error;
    });
    await bucketReady;
    return c;
  };

  const encryption: ObjectParams = {};
  if (settings.sse) encryption.ServerSideEncryption = settings.sse;
  if (settings.sseKmsKeyId) encryption.SSEKMSKeyId = settings.sseKmsKeyId;

  const planFor = (expectedBytes?: number) =>
    planParts({ forcedPartSize: settings.partSize, maxParts: settings.maxParts, expectedBytes });

  const tooLarge = (key: string, plan: PartPlan, expectedBytes: number | undefined) => (bytes: number) => {
    const parts = `${plan.maxParts} parts${settings.maxParts === undefined ? "" : " (S3_MAX_PARTS)"}`;
    const why =
      plan.source === "S3_PART_SIZE"
        ? "set by S3_PART_SIZE"
        : plan.source === "expected size"
          ? `chosen from the expected size, ${formatBytes(expectedBytes ?? 0)}`
          : "the default when no earlier backup gives a size";
    const suggestion = formatBytes(Math.min(S3_MAX_PART_SIZE, plan.partSize * 4));
    return new WriteError(
      `cannot upload ${location(key)}: the backup passed ${formatBytes(plan.limitBytes)} (${plan.limitBytes} bytes, ` +
        `${bytes} read), the most one upload can hold with ${parts} of ${formatBytes(plan.partSize)} (${why}); ` +
        `set S3_PART_SIZE to ${suggestion} or more`,
    );
  };

  async function deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) checkKey(key);
    if (keys.length === 0) return;
    await deleteArtifacts(await ctx(), bucket, keys, scope);
  }

  return {
    contractVersion: WRITER_CONTRACT_VERSION,
    name: "s3",
    bucket,
    locationOf: location,
    planFor,

    /** Reachable, credentials accepted, bucket there (created when missing and allowed): checked afresh. */
    async probe() {
      await checkBucket(await ctx());
    },

    async writeArtifact(key, body, writeOptions = {}): Promise<StoredObject> {
      let c: S3Context;
      try {
        checkKey(key);
        c = await readyBucket();
      } catch (error) {
        body.destroy();
        throw error;
      }
      const plan = planFor(writeOptions.expectedBytes);
      logger.debug(
        { key, partSize: plan.partSize, maxParts: plan.maxParts, queueSize: plan.queueSize, source: plan.source },
        "uploading",
      );
      const bytes = await uploadStream(
        c,
        {
          bucket,
          key,
          body,
          plan,
          signal: writeOptions.signal,
          params: {
            ContentType: "application/octet-stream",
            Metadata: { [MARKER]: "artifact" },
            ...encryption,
            ...(settings.storageClass ? { StorageClass: settings.storageClass as ObjectParams["StorageClass"] } : {}),
          },
          tooLarge: tooLarge(key, plan, writeOptions.expectedBytes),
        },
        scope,
        logger,
      );
      return { key, location: location(key), bytes };
    },

    async writeManifest(manifest: Manifest): Promise<StoredObject> {
      const key = manifestKeyFor(manifest.artifactKey);
      checkKey(key);
      const body = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
      const c = await readyBucket();
      try {
        // Never in a cold storage class: listing reads every manifest.
        await c.client.send(
          new c.sdk.PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: "application/json",
            Metadata: { [MARKER]: "manifest" },
            ...encryption,
          }),
        );
      } catch (error) {
        throw s3Failure(`cannot write manifest ${location(key)}`, error, scope, "write objects");
      }
      return { key, location: location(key), bytes: body.length };
    },

    async list(prefix): Promise<Artifact[]> {
      const folder = folderPrefix(prefix);
      const c = await ctx();
      try {
        return await listArtifacts(c, bucket, folder, listPageSize);
      } catch (error) {
        if (LabelBackupError.isInstance(error)) throw error;
        throw s3Failure(`cannot list ${location(folder)}`, error, scope, "list objects");
      }
    },

    async read(key) {
      checkKey(key);
      const c = await ctx();
      try {
        const answer = await c.client.send(new c.sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!(answer.Body instanceof Readable)) throw new Error("the answer has no body stream");
        return answer.Body;
      } catch (error) {
        if (s3ErrorCode(error) === "NoSuchKey") throw new WriteError(`cannot read ${location(key)}: no such object`);
        throw s3Failure(`cannot read ${location(key)}`, error, scope, "read objects");
      }
    },

    delete: (key) => deleteMany([key]),
    deleteMany,

    async abortStaleUploads(prefix, olderThan) {
      const folder = folderPrefix(prefix);
      const c = await ctx();
      const aborted: string[] = [];
      try {
        // The whole bucket, filtered here: MinIO lists uploads by prefix only for one exact
        // object, but lists all of a bucket's when asked without one. Unfinished uploads are few.
        for await (const upload of pendingUploads(c, bucket, "")) {
          if (!upload.key.startsWith(folder) || !hasAgentKeyShape(upload.key)) continue;
          if (!upload.initiated || upload.initiated >= olderThan) continue;
          await abortUpload(c, bucket, upload);
          aborted.push(upload.key);
          logger.info(
            { key: upload.key, initiated: upload.initiated.toISOString() },
            "aborted a stale multipart upload",
          );
        }
      } catch (error) {
        if (s3ErrorCode(error) === "NoSuchBucket") return aborted;
        throw s3Failure(`cannot clean up unfinished uploads under ${location(folder)}`, error, scope, "list uploads");
      }
      return aborted;
    },

    async close() {
      if (context) (await context.catch(() => undefined))?.client.destroy();
      context = undefined;
    },
  };
}
