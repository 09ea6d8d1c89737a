import type { Logger } from "@lb/core";
import { errorMessage } from "@lb/core";
import { abortUploadsOfKey } from "./multipart-uploads.js";
import type { S3Context } from "./s3-sdk.js";

/** Waits between tries: an endpoint that was down when the upload failed is usually back soon. */
const RETRY_DELAYS_MS = [5_000, 15_000, 45_000, 120_000, 300_000, 900_000];

/**
 * Keeps trying to abort the unfinished uploads of `key` after a failed upload could not
 * abort them itself (the endpoint went away mid-upload), so no multipart upload of ours is
 * left behind once the endpoint answers again. The timers hold no process open; what an
 * agent that stops first leaves is removed by `abortStaleUploads` at its next start.
 */
export function abortLater(
  ctx: S3Context,
  bucket: string,
  key: string,
  logger: Logger,
  redact: (text: string) => string,
  delays: readonly number[] = RETRY_DELAYS_MS,
): void {
  const attempt = (index: number) => {
    const delay = delays[index];
    if (delay === undefined) {
      logger.warn({ key }, "gave up aborting the unfinished multipart upload; abortStaleUploads removes it later");
      return;
    }
    setTimeout(() => {
      abortUploadsOfKey(ctx, bucket, key).then(
        (aborted) => logger.info({ key, aborted }, "aborted the unfinished multipart upload of a failed backup"),
        (error: unknown) => {
          logger.debug({ key, reason: redact(errorMessage(error)) }, "aborting the unfinished upload failed again");
          attempt(index + 1);
        },
      );
    }, delay).unref();
  };
  attempt(0);
}
