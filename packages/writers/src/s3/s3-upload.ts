import { Readable } from "node:stream";
import type { PutObjectCommandInput } from "@aws-sdk/client-s3";
import type { Logger } from "@lb/core";
import { AbortedError, errorMessage, LabelBackupError, WriteError } from "@lb/core";
import { abortLater } from "./abort-later.js";
import { abortUpload, abortUploadsOfKey } from "./multipart-uploads.js";
import type { PartPlan } from "./part-plan.js";
import { type ErrorScope, httpStatusOf, s3Failure } from "./s3-errors.js";
import type { S3Context } from "./s3-sdk.js";

/** Fields of PutObject / CreateMultipartUpload the writer sets besides the body. */
export type ObjectParams = Pick<
  PutObjectCommandInput,
  "ContentType" | "Metadata" | "ServerSideEncryption" | "SSEKMSKeyId" | "StorageClass"
>;

export interface UploadJob {
  bucket: string;
  key: string;
  body: Readable;
  plan: PartPlan;
  params: ObjectParams;
  signal: AbortSignal | undefined;
  /** The error for a stream that outgrows `plan.limitBytes`. */
  tooLarge(bytes: number): Error;
}

/**
 * Streams `job.body` into one object through lib-storage's Upload: the body is read only
 * as fast as parts go out, `plan.queueSize` at a time, each exactly `plan.partSize`
 * bytes but the last. On any failure, including an abort, the multipart upload is
 * aborted before this rejects, so the bucket holds the whole object or nothing.
 * Resolves with the number of bytes stored.
 */
export async function uploadStream(ctx: S3Context, job: UploadJob, scope: ErrorScope, logger: Logger): Promise<number> {
  const location = `s3://${job.bucket}/${job.key}`;
  if (job.signal?.aborted) {
    job.body.destroy();
    throw new AbortedError(`upload of ${location} aborted before it started`, { cause: job.signal.reason });
  }

  let bytes = 0;
  // The first thing that went wrong on our side of the upload: the body, the size limit, an abort.
  let streamError: unknown;
  async function* counted(): AsyncGenerator<Buffer> {
    // An error thrown in at the yield is lib-storage tearing the source down after its
    // own failure (Node's AbortError): that failure, not this echo of it, is the reason.
    let yielding = false;
    try {
      for await (const chunk of job.body) {
        const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
        bytes += buffer.length;
        if (bytes > job.plan.limitBytes) throw job.tooLarge(bytes);
        yielding = true;
        yield buffer;
        yielding = false;
      }
    } catch (error) {
      if (!yielding) streamError ??= error;
      throw error;
    }
  }
  const source = Readable.from(counted(), { objectMode: false });
  // Its errors reach us through the upload's rejection and `streamError`; this keeps one
  // raised while lib-storage is between reads from becoming an uncaught exception.
  source.on("error", () => {});

  const onAbort = () => {
    streamError ??= new AbortedError(`upload of ${location} aborted`, { cause: job.signal?.reason });
    source.destroy(streamError as Error);
    // Also ends a body that is stalled and would never yield again.
    job.body.destroy();
  };
  job.signal?.addEventListener("abort", onAbort, { once: true });

  const upload = new ctx.storage.Upload({
    client: ctx.client,
    params: { Bucket: job.bucket, Key: job.key, Body: source, ...job.params },
    partSize: job.plan.partSize,
    queueSize: job.plan.queueSize,
    // Aborted here instead, by id and then by key, so an upload whose id never reached us goes too.
    leavePartsOnError: true,
  });

  let failure: unknown;
  try {
    await upload.done();
  } catch (error) {
    failure = error;
  } finally {
    job.signal?.removeEventListener("abort", onAbort);
  }

  if (failure === undefined && job.signal?.aborted) {
    // The abort came while the upload completed: the caller was told to stop, so nothing stays.
    await deleteQuietly(ctx, job.bucket, job.key, scope, logger);
    throw new AbortedError(`upload of ${location} aborted`, { cause: job.signal.reason });
  }

  if (failure !== undefined) {
    source.destroy();
    await abortEverything(ctx, job, upload.uploadId, scope, logger);
    if (LabelBackupError.isInstance(streamError)) throw streamError;
    if (streamError !== undefined) {
      const reason = scope.redact(errorMessage(streamError));
      throw new WriteError(`cannot upload ${location}: the backup stream failed: ${reason}`, {
        cause: streamError,
      });
    }
    throw s3Failure(`cannot upload ${location}`, failure, scope, "write objects");
  }

  await checkStoredSize(ctx, job.bucket, job.key, bytes, scope, logger);
  return bytes;
}

/**
 * Aborts the upload lib-storage started, by its id (needs only s3:AbortMultipartUpload),
 * then any other unfinished upload of the key, found by listing: one whose
 * CreateMultipartUpload answer was lost has an id nobody here knows.
 */
async function abortEverything(
  ctx: S3Context,
  job: UploadJob,
  uploadId: string | undefined,
  scope: ErrorScope,
  logger: Logger,
): Promise<void> {
  let abortedKnown = false;
  if (uploadId) {
    try {
      await abortUpload(ctx, job.bucket, { key: job.key, uploadId, initiated: undefined });
      abortedKnown = true;
    } catch (error) {
      logger.debug({ key: job.key, reason: scope.redact(errorMessage(error)) }, "AbortMultipartUpload failed");
    }
  }
  try {
    const others = await abortUploadsOfKey(ctx, job.bucket, job.key);
    if (others > 0) logger.debug({ key: job.key, aborted: others }, "aborted unfinished uploads of the key");
  } catch (error) {
    if (abortedKnown) return;
    logger.warn(
      { key: job.key, reason: scope.redact(errorMessage(error)) },
      "could not abort the unfinished multipart upload yet; trying again in the background",
    );
    abortLater(ctx, job.bucket, job.key, logger, scope.redact);
  }
}

/** The object must hold what was read; anything else is not a backup. */
async function checkStoredSize(
  ctx: S3Context,
  bucket: string,
  key: string,
  bytes: number,
  scope: ErrorScope,
  logger: Logger,
): Promise<void> {
  let stored: number | undefined;
  try {
    const head = await ctx.client.send(new ctx.sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
    stored = head.ContentLength;
  } catch (error) {
    // Write-only credentials are good practice for a backup agent; the upload itself succeeded.
    if (httpStatusOf(error) === 403) {
      logger.debug({ key }, "HeadObject denied; stored size not checked");
      return;
    }
    throw s3Failure(`cannot check s3://${bucket}/${key} after uploading it`, error, scope, "read objects");
  }
  if (stored !== bytes) {
    await deleteQuietly(ctx, bucket, key, scope, logger);
    throw new WriteError(`s3://${bucket}/${key} holds ${stored} bytes after uploading ${bytes}; removed it`);
  }
}

async function deleteQuietly(
  ctx: S3Context,
  bucket: string,
  key: string,
  scope: ErrorScope,
  logger: Logger,
): Promise<void> {
  await ctx.client.send(new ctx.sdk.DeleteObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
    logger.warn({ key, reason: scope.redact(errorMessage(error)) }, "could not remove an object that must not stay");
  });
}
