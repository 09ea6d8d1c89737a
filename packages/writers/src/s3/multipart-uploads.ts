import type { S3Context } from "./s3-sdk.js";

export interface PendingUpload {
  key: string;
  uploadId: string;
  initiated: Date | undefined;
}

/** Every multipart upload under `prefix` (as text) that is neither completed nor aborted. */
export async function* pendingUploads(ctx: S3Context, bucket: string, prefix: string): AsyncGenerator<PendingUpload> {
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await ctx.client.send(
      new ctx.sdk.ListMultipartUploadsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const upload of page.Uploads ?? []) {
      if (upload.Key && upload.UploadId) {
        yield { key: upload.Key, uploadId: upload.UploadId, initiated: upload.Initiated };
      }
    }
    if (!page.IsTruncated) return;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
    if (!keyMarker && !uploadIdMarker) return;
  }
}

export async function abortUpload(ctx: S3Context, bucket: string, upload: PendingUpload): Promise<void> {
  await ctx.client.send(
    new ctx.sdk.AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId }),
  );
}

/**
 * Aborts every unfinished upload of exactly `key`. Keys are unique per run, so these are
 * this run's own, including one whose id never reached us (a lost CreateMultipartUpload answer).
 */
export async function abortUploadsOfKey(ctx: S3Context, bucket: string, key: string): Promise<number> {
  let aborted = 0;
  for await (const upload of pendingUploads(ctx, bucket, key)) {
    if (upload.key !== key) continue;
    await abortUpload(ctx, bucket, upload);
    aborted += 1;
  }
  return aborted;
}
