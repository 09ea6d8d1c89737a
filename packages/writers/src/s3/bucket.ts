import type { BucketLocationConstraint, CreateBucketConfiguration } from "@aws-sdk/client-s3";
import type { Logger } from "@lb/core";
import { WriteError } from "@lb/core";
import { type ErrorScope, httpStatusOf, s3ErrorCode, s3Failure } from "./s3-errors.js";
import type { S3Context } from "./s3-sdk.js";

export interface BucketCheck {
  bucket: string;
  region: string;
  create: boolean;
  scope: ErrorScope;
  logger: Logger;
}

/**
 * Makes sure the bucket is there: HeadBucket, and CreateBucket when it is missing and
 * creating is allowed. A 403 on HeadBucket is not fatal: credentials that may write
 * objects but not list the bucket are common, and the write itself will tell.
 */
export async function ensureBucket(ctx: S3Context, check: BucketCheck): Promise<void> {
  const { bucket, scope } = check;
  const where = `cannot use bucket "${bucket}"`;
  try {
    await ctx.client.send(new ctx.sdk.HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 403) {
      await explainForbidden(ctx, check);
      return;
    }
    if (status === 301) {
      throw new WriteError(`${where}: it is in another region than ${check.region}; set REGION to the bucket's region`);
    }
    if (status !== 404) throw s3Failure(where, error, scope, "read");
  }

  if (!check.create) throw new WriteError(`${where}: it does not exist, and this writer does not create buckets`);
  try {
    // us-east-1 is the one region S3 refuses as a LocationConstraint.
    const configuration: CreateBucketConfiguration | undefined =
      check.region === "us-east-1" ? undefined : { LocationConstraint: check.region as BucketLocationConstraint };
    await ctx.client.send(
      new ctx.sdk.CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: configuration }),
    );
    check.logger.info({ bucket }, "created the missing bucket");
  } catch (error) {
    const code = s3ErrorCode(error);
    if (code === "BucketAlreadyOwnedByYou") return;
    if (code === "AccessDenied" || httpStatusOf(error) === 403) {
      throw new WriteError(
        `${where}: it does not exist, and these credentials may not create it (s3:CreateBucket denied); create the bucket or grant s3:CreateBucket`,
      );
    }
    if (code === "BucketAlreadyExists") {
      throw new WriteError(`${where}: the name belongs to another account; choose another BUCKET_NAME`);
    }
    throw s3Failure(`${where}: it does not exist and creating it failed`, error, scope, "create buckets");
  }
}

/**
 * A HEAD answer has no body, so a 403 does not say whether the credentials are wrong or
 * only may not list the bucket. A GET says which: wrong credentials fail here; a mere
 * AccessDenied is fine, since write-only credentials are good practice for backups.
 */
async function explainForbidden(ctx: S3Context, check: BucketCheck): Promise<void> {
  try {
    await ctx.client.send(new ctx.sdk.ListObjectsV2Command({ Bucket: check.bucket, MaxKeys: 1 }));
  } catch (error) {
    if (s3ErrorCode(error) !== "AccessDenied")
      throw s3Failure(`cannot use bucket "${check.bucket}"`, error, check.scope, "read");
    check.logger.debug({ bucket: check.bucket }, "the credentials may not list the bucket; writing anyway");
  }
}
