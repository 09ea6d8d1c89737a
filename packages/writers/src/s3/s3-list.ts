import type { Artifact } from "@lb/core";
import { MANIFEST_SUFFIX } from "@lb/core";
import { parseManifest } from "../manifest.js";
import { s3ErrorCode } from "./s3-errors.js";
import type { S3Context } from "./s3-sdk.js";

/** A manifest is a few hundred bytes; anything far larger under that name is not ours. */
const MAX_MANIFEST_BYTES = 1024 * 1024;
/** Manifests fetched at once while listing. */
const MANIFEST_READS_AT_ONCE = 8;

/** Every key and size under `prefix` (as text), page by page. */
export async function listKeys(
  ctx: S3Context,
  bucket: string,
  prefix: string,
  pageSize: number,
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await ctx.client.send(
      new ctx.sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: pageSize }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined) sizes.set(object.Key, object.Size ?? 0);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return sizes;
}

/** The object's text; "" when it was deleted since the listing (a prune running meanwhile). */
async function readText(ctx: S3Context, bucket: string, key: string): Promise<string> {
  try {
    const answer = await ctx.client.send(new ctx.sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await answer.Body?.transformToString("utf8")) ?? "";
  } catch (error) {
    if (s3ErrorCode(error) === "NoSuchKey") return "";
    throw error;
  }
}

/**
 * The artifacts under `prefix` that this agent wrote: those with a manifest of ours beside
 * them that names them. Oldest first.
 */
export async function listArtifacts(
  ctx: S3Context,
  bucket: string,
  prefix: string,
  pageSize: number,
): Promise<Artifact[]> {
  const sizes = await listKeys(ctx, bucket, prefix, pageSize);
  const candidates = [...sizes.entries()]
    .filter(([key, size]) => key.endsWith(MANIFEST_SUFFIX) && size <= MAX_MANIFEST_BYTES)
    .map(([key]) => key.slice(0, -MANIFEST_SUFFIX.length))
    .filter((artifactKey) => sizes.has(artifactKey));

  const artifacts: Artifact[] = [];
  let next = 0;
  const worker = async () => {
    while (next < candidates.length) {
      const key = candidates[next++]!;
      const manifest = parseManifest(await readText(ctx, bucket, `${key}${MANIFEST_SUFFIX}`));
      if (manifest && manifest.artifactKey === key) artifacts.push({ key, manifest });
    }
  };
  await Promise.all(Array.from({ length: Math.min(MANIFEST_READS_AT_ONCE, candidates.length) }, worker));
  return artifacts.sort((a, b) => a.manifest.startedAt.localeCompare(b.manifest.startedAt));
}
