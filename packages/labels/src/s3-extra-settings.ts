import { quote } from "./quote.js";

export type S3ServerSideEncryption = "AES256" | "aws:kms";

/** S3 tuning the original agent did not have; every field is optional. */
export interface S3ExtraSettings {
  /** S3_PART_SIZE: forces the multipart part size in bytes (else chosen per upload). */
  partSize?: number;
  /** S3_MAX_PARTS: the provider's part-count limit, 10,000 on AWS. */
  maxParts?: number;
  /** S3_SSE: server-side encryption of every object. */
  sse?: S3ServerSideEncryption;
  /** S3_SSE_KMS_KEY_ID: the KMS key for `aws:kms`; the bucket's default key when unset. */
  sseKmsKeyId?: string;
  /** S3_STORAGE_CLASS: e.g. STANDARD_IA; the bucket's default when unset. */
  storageClass?: string;
}

type Env = Record<string, string | undefined>;

const MIB = 1024 * 1024;
/** S3's own bounds on one part, and on the number of parts of one upload. */
export const S3_MIN_PART_SIZE = 5 * MIB;
export const S3_MAX_PART_SIZE = 5 * 1024 * MIB;
export const S3_PART_COUNT_LIMIT = 10_000;

const UNITS: Record<string, number> = { "": 1, k: 1024, m: MIB, g: 1024 * MIB };

/** `16777216`, `16M`, `16MiB`, `16mb`: units are binary, as S3's own limits are. */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * (UNITS[match[2]!.toLowerCase()] ?? 1);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** Reads S3_PART_SIZE, S3_MAX_PARTS, S3_SSE, S3_SSE_KMS_KEY_ID and S3_STORAGE_CLASS. */
export function readS3ExtraSettings(env: Env, error: (variable: string, reason: string) => void): S3ExtraSettings {
  const extra: S3ExtraSettings = {};

  const partSizeText = read(env, "S3_PART_SIZE");
  if (partSizeText !== undefined) {
    const bytes = parseByteSize(partSizeText);
    if (bytes === undefined || bytes < S3_MIN_PART_SIZE || bytes > S3_MAX_PART_SIZE) {
      error("S3_PART_SIZE", `must be a size from 5MiB to 5GiB (bytes, or with K, M or G), got ${quote(partSizeText)}`);
    } else extra.partSize = bytes;
  }

  const maxPartsText = read(env, "S3_MAX_PARTS");
  if (maxPartsText !== undefined) {
    const value = /^\d+$/.test(maxPartsText) ? Number(maxPartsText) : Number.NaN;
    if (!(value >= 1 && value <= S3_PART_COUNT_LIMIT)) {
      error("S3_MAX_PARTS", `must be a whole number from 1 to ${S3_PART_COUNT_LIMIT}, got ${quote(maxPartsText)}`);
    } else extra.maxParts = value;
  }

  const sseText = read(env, "S3_SSE");
  if (sseText !== undefined) {
    const lower = sseText.toLowerCase();
    if (lower === "aes256") extra.sse = "AES256";
    else if (lower === "aws:kms") extra.sse = "aws:kms";
    else error("S3_SSE", `must be AES256 or aws:kms, got ${quote(sseText)}`);
  }

  // A key id is an ARN or alias, not a secret, so it may be echoed.
  const kmsKeyId = read(env, "S3_SSE_KMS_KEY_ID");
  if (kmsKeyId !== undefined) {
    if (extra.sse === "aws:kms") extra.sseKmsKeyId = kmsKeyId;
    else if (sseText === undefined || extra.sse !== undefined) {
      error("S3_SSE_KMS_KEY_ID", "needs S3_SSE=aws:kms");
    }
  }

  const storageClass = read(env, "S3_STORAGE_CLASS");
  if (storageClass !== undefined) {
    // Providers name their own classes, so only the shape is checked.
    if (/^[A-Za-z0-9_]{1,64}$/.test(storageClass)) extra.storageClass = storageClass.toUpperCase();
    else error("S3_STORAGE_CLASS", `must be a storage class name such as STANDARD_IA, got ${quote(storageClass)}`);
  }

  return extra;
}
