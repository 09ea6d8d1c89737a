import { ConfigError, type Logger } from "@lb/core";
import { S3_MAX_PART_SIZE, S3_MIN_PART_SIZE, S3_PART_COUNT_LIMIT } from "./part-plan.js";

/**
 * What the S3 writer needs, field for field the `S3Settings` that `@lb/labels` reads from
 * the environment (BUCKET_NAME, REGION, ENDPOINT, ACCESS_KEY_ID, SECRET_ACCESS_KEY,
 * S3_USE_PATH_STYLE, S3_PART_SIZE, S3_MAX_PARTS, S3_SSE, S3_SSE_KMS_KEY_ID,
 * S3_STORAGE_CLASS), so the agent hands `settings.s3` over as it is.
 */
export interface S3WriterSettings {
  bucket: string;
  region: string;
  /** An S3-compatible server; unset means AWS. */
  endpoint?: string;
  /** With `secretAccessKey`; when both are unset the SDK's default credential chain is used. */
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Forces the part size in bytes (S3_PART_SIZE); else it is chosen per upload. */
  partSize?: number;
  /** The provider's part-count limit (S3_MAX_PARTS); 10,000 when unset. */
  maxParts?: number;
  sse?: "AES256" | "aws:kms";
  sseKmsKeyId?: string;
  /** Applied to artifacts only: manifests stay in the default class so listing can read them. */
  storageClass?: string;
}

export interface S3WriterOptions {
  logger?: Logger;
  /** Create the bucket when it is missing and the credentials allow it; default true. */
  createBucket?: boolean;
  /** Keys per ListObjectsV2 page; default 1000, the most S3 returns. */
  listPageSize?: number;
}

/** Refuses settings the agent's environment check would have refused, for library callers. */
export function checkS3Settings(settings: S3WriterSettings): void {
  if (!settings.bucket) throw new ConfigError("BUCKET_NAME", "is required for the S3 writer");
  if (!settings.region) throw new ConfigError("REGION", "is required for the S3 writer");
  if ((settings.accessKeyId === undefined) !== (settings.secretAccessKey === undefined)) {
    throw new ConfigError("ACCESS_KEY_ID", "must be set together with SECRET_ACCESS_KEY");
  }
  const { partSize, maxParts } = settings;
  if (
    partSize !== undefined &&
    (!Number.isSafeInteger(partSize) || partSize < S3_MIN_PART_SIZE || partSize > S3_MAX_PART_SIZE)
  ) {
    throw new ConfigError("S3_PART_SIZE", `must be from 5 MiB to 5 GiB, got ${partSize} bytes`);
  }
  if (maxParts !== undefined && (!Number.isInteger(maxParts) || maxParts < 1 || maxParts > S3_PART_COUNT_LIMIT)) {
    throw new ConfigError("S3_MAX_PARTS", `must be a whole number from 1 to ${S3_PART_COUNT_LIMIT}, got ${maxParts}`);
  }
  if (settings.sse !== undefined && settings.sse !== "AES256" && settings.sse !== "aws:kms") {
    throw new ConfigError("S3_SSE", `must be AES256 or aws:kms, got ${JSON.stringify(settings.sse)}`);
  }
  if (settings.sseKmsKeyId !== undefined && settings.sse !== "aws:kms") {
    throw new ConfigError("S3_SSE_KMS_KEY_ID", "needs S3_SSE=aws:kms");
  }
}
