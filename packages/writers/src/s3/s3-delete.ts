import { manifestKeyFor, WriteError } from "@lb/core";
import { type ErrorScope, s3ErrorCode, s3Failure } from "./s3-errors.js";
import type { S3Context } from "./s3-sdk.js";

/** DeleteObjects takes at most 1,000 keys. */
const BATCH = 1000;

/** Deletes the keys in batches; resolves with the keys the server refused to delete and why. */
async function deleteObjects(
  ctx: S3Context,
  bucket: string,
  keys: readonly string[],
  scope: ErrorScope,
): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  for (let start = 0; start < keys.length; start += BATCH) {
    const batch = keys.slice(start, start + BATCH);
    try {
      const answer = await ctx.client.send(
        new ctx.sdk.DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      for (const error of answer.Errors ?? []) {
        if (error.Key) refused.set(error.Key, error.Code ?? error.Message ?? "refused");
      }
    } catch (error) {
      // A bucket that is gone holds nothing to delete.
      if (s3ErrorCode(error) === "NoSuchBucket") return refused;
      throw s3Failure(`cannot delete ${batch.length} objects from bucket "${bucket}"`, error, scope, "delete objects");
    }
  }
  return refused;
}

/**
 * Deletes artifacts and their manifests, artifacts first: a manifest left alone is skipped
 * by `list`, while an artifact without its manifest would no longer be recognised as ours.
 * Deleting what is gone is not an error. Throws a `WriteError` naming the keys it could not delete.
 */
export async function deleteArtifacts(
  ctx: S3Context,
  bucket: string,
  artifactKeys: readonly string[],
  scope: ErrorScope,
): Promise<void> {
  const refused = await deleteObjects(ctx, bucket, artifactKeys, scope);
  const manifests = artifactKeys.filter((key) => !refused.has(key)).map(manifestKeyFor);
  for (const [key, why] of await deleteObjects(ctx, bucket, manifests, scope)) refused.set(key, why);
  if (refused.size === 0) return;
  const shown = [...refused].slice(0, 5).map(([key, why]) => `${key} (${why})`);
  const more = refused.size > shown.length ? ` and ${refused.size - shown.length} more` : "";
  throw new WriteError(`cannot delete from bucket "${bucket}": ${shown.join(", ")}${more}`);
}
