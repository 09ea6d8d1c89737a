import { errorMessage, WriteError } from "@lb/core";

/** What the writer needs to word an error: where, and how to keep secrets out. */
export interface ErrorScope {
  bucket: string;
  /** The endpoint as people should see it (redacted); "AWS S3" when unset. */
  endpoint: string;
  redact(text: string): string;
}

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  errors?: unknown[];
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "connection closed",
};

function asSdkError(error: unknown): SdkLikeError {
  return typeof error === "object" && error !== null ? (error as SdkLikeError) : {};
}

/** The first network error code in an error or, for Node's happy-eyeballs connect, in its parts. */
function networkCode(error: SdkLikeError): string | undefined {
  if (error.code && error.code in NETWORK_CODES) return error.code;
  for (const inner of error.errors ?? []) {
    const code = networkCode(asSdkError(inner));
    if (code) return code;
  }
  return undefined;
}

/** The S3 error code (`AccessDenied`, `NoSuchBucket`, ...) or HTTP status of an SDK error. */
export function s3ErrorCode(error: unknown): string | undefined {
  const e = asSdkError(error);
  if (networkCode(e)) return undefined;
  return e.name && e.name !== "Error" ? e.name : undefined;
}

export function httpStatusOf(error: unknown): number | undefined {
  return asSdkError(error).$metadata?.httpStatusCode;
}

/** Why the request failed, in words that point at the setting to fix. */
export function reasonOf(error: unknown, scope: ErrorScope, action: string): string {
  const e = asSdkError(error);
  const network = networkCode(e);
  if (network) return `cannot reach the S3 endpoint ${scope.endpoint}: ${NETWORK_CODES[network]} (${network})`;
  const status = httpStatusOf(error);
  switch (e.name) {
    case "InvalidAccessKeyId":
      return "the server does not know this access key: check ACCESS_KEY_ID";
    case "SignatureDoesNotMatch":
      return "the server rejected the request signature: SECRET_ACCESS_KEY does not match ACCESS_KEY_ID";
    case "ExpiredToken":
    case "InvalidToken":
      return "the session credentials are expired or invalid";
    case "RequestTimeTooSkewed":
      return "this machine's clock differs too much from the server's";
    case "NoSuchBucket":
      return `bucket "${scope.bucket}" does not exist`;
    case "AccessDenied":
      return `access denied: the credentials may not ${action} in bucket "${scope.bucket}"`;
    case "TimeoutError":
    case "RequestTimeout":
      return `the S3 endpoint ${scope.endpoint} timed out`;
    case "CredentialsProviderError":
      return "no S3 credentials: set ACCESS_KEY_ID and SECRET_ACCESS_KEY, or provide them the AWS SDK way (environment, profile, role)";
  }
  if (status === 403) return `access denied (HTTP 403): the credentials may not ${action} in bucket "${scope.bucket}"`;
  const code = e.name && e.name !== "Error" ? `${e.name}: ` : "";
  const http = status ? ` (HTTP ${status})` : "";
  return `${code}${errorMessage(error)}${http}`;
}

/**
 * A `WriteError` for a failed S3 call. The SDK's error is not kept as the cause: only a
 * redacted copy of its name and message is, so no request detail travels with it.
 */
export function s3Failure(what: string, error: unknown, scope: ErrorScope, action: string): WriteError {
  const reason = scope.redact(reasonOf(error, scope, action));
  const cause = new Error(scope.redact(errorMessage(error)));
  const e = asSdkError(error);
  cause.name = e.name ?? "Error";
  return new WriteError(`${what}: ${reason}`, { cause });
}
