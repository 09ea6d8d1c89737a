import { createHmac, timingSafeEqual } from "node:crypto";

/** The original agent's header: hex HMAC-SHA256 of the raw body. No replay protection. */
export const SIGNATURE_SHA256_HEADER = "X-LabelBackup-Signature-SHA256";
/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const SIGNATURE_HEADER = "X-LabelBackup-Signature";
/** The `t` of the signature header, on its own for receivers that want it without parsing. */
export const TIMESTAMP_HEADER = "X-LabelBackup-Timestamp";

/** Five minutes either way, enough for clock skew and retries in flight. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Hex HMAC-SHA256 of the raw body, as the original agent defined it. */
export function signBody(secret: string, body: string | Uint8Array): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/** The value of the timestamped signature header for `timestampSeconds`. */
export function signTimestamped(secret: string, body: string | Uint8Array, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${timestampedDigest(secret, body, timestampSeconds)}`;
}

function timestampedDigest(secret: string, body: string | Uint8Array, timestampSeconds: number): string {
  return createHmac("sha256", secret).update(`${timestampSeconds}.`).update(body).digest("hex");
}

/** Every signature header for one attempt; the timestamp is taken per attempt, the body never changes. */
export function signatureHeaders(secret: string, body: string, now: Date = new Date()): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    [SIGNATURE_SHA256_HEADER]: signBody(secret, body),
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: signTimestamped(secret, body, timestamp),
  };
}

/** Fetch `Headers`, or Node's `req.headers` (any case; arrays take their first value). */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** How far the timestamp may be from `now`, either way. Default 300. */
  toleranceSeconds?: number;
  /** The receiver's clock; defaults to the current time. */
  now?: Date | number;
}

export type VerifyFailure = "missing-signature" | "malformed-signature" | "stale-timestamp" | "mismatch";

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: VerifyFailure };

/**
 * Checks the timestamped signature of a delivery: the body is the one signed with
 * `secret`, and it was signed within `toleranceSeconds` of `now`. Pass the raw body
 * exactly as received, before any JSON parsing. Receivers should also drop an `id`
 * they have already seen.
 */
export function verifyWebhookSignature(
  secret: string,
  body: string | Uint8Array,
  headers: HeaderSource,
  options: VerifyOptions = {},
): VerifyResult {
  const value = readHeader(headers, SIGNATURE_HEADER);
  if (value === undefined) return { ok: false, reason: "missing-signature" };

  const parsed = parseSignatureHeader(value);
  if (!parsed) return { ok: false, reason: "malformed-signature" };
  const separate = readHeader(headers, TIMESTAMP_HEADER);
  if (separate !== undefined && separate.trim() !== String(parsed.timestamp)) {
    return { ok: false, reason: "malformed-signature" };
  }

  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowMs = options.now === undefined ? Date.now() : Number(options.now);
  if (Math.abs(nowMs / 1000 - parsed.timestamp) > tolerance) return { ok: false, reason: "stale-timestamp" };

  const expected = Buffer.from(timestampedDigest(secret, body, parsed.timestamp), "hex");
  const matches = parsed.digests.some((digest) => {
    const candidate = Buffer.from(digest, "hex");
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  });
  return matches ? { ok: true, timestamp: parsed.timestamp } : { ok: false, reason: "mismatch" };
}

// Several v1 entries are accepted so that a sender may sign with an old and a new secret
// while receivers rotate.
function parseSignatureHeader(value: string): { timestamp: number; digests: string[] } | undefined {
  let timestamp: number | undefined;
  const digests: string[] = [];
  for (const part of value.split(",")) {
    const [key, item, ...rest] = part.trim().split("=");
    if (item === undefined || rest.length > 0) return undefined;
    if (key === "t") {
      if (!/^\d{1,12}$/.test(item) || timestamp !== undefined) return undefined;
      timestamp = Number(item);
    } else if (key === "v1") {
      if (!/^[0-9a-f]{64}$/i.test(item)) return undefined;
      digests.push(item.toLowerCase());
    }
    // Unknown schemes are skipped, so a future v2 does not break today's receivers.
  }
  if (timestamp === undefined || digests.length === 0) return undefined;
  return { timestamp, digests };
}

function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
