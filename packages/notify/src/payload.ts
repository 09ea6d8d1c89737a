import { randomUUID } from "node:crypto";
import { createRedactor, type Destination, errorMessage } from "@lb/core";

/**
 * `backup.skipped`: a scheduled or requested run did not start because the previous run
 * of the same target was still going; nothing was dumped, nothing failed.
 */
export type BackupEvent = "backup.succeeded" | "backup.failed" | "backup.skipped" | "gc.completed";

/**
 * The JSON body of every webhook. Field names are the original agent's, so receivers
 * written for it keep working; `event`, `id`, `checksum_sha256` and `artifact_key` are new.
 */
export interface BackupEventPayload {
  event: BackupEvent;
  /** Unique per notification and the same on every retry, so receivers can drop duplicates. */
  id: string;
  container_id: string;
  container_name: string;
  database_type: string;
  database_name: string;
  /** Where the artifact is; passwords, query strings and fragments are removed. */
  destination_url: string;
  destination_type: Destination;
  success: boolean;
  /** Why it failed, redacted; null on success. */
  error: string | null;
  backup_size_bytes: number;
  duration_seconds: number;
  /** ISO 8601, UTC, with milliseconds: `2026-01-24T10:54:00.123Z`. */
  timestamp_utc: string;
  cron_schedule: string;
  backup_prefix: string;
  checksum_sha256: string | null;
  artifact_key: string | null;
}

/** What the agent knows after a run, in its own (camelCase) terms. */
export interface BackupEventInput {
  /** Defaults to `backup.succeeded` or `backup.failed` according to `success`. */
  event?: BackupEvent;
  containerId: string;
  containerName: string;
  databaseType: string;
  databaseName?: string;
  destinationUrl?: string;
  destinationType: Destination;
  success: boolean;
  /** The failure; ignored on success. A failure without one reads `unknown error`. */
  error?: string | Error | null;
  backupSizeBytes?: number;
  durationSeconds: number;
  /** When the run finished; defaults to now. */
  finishedAt?: Date;
  cronSchedule?: string;
  backupPrefix?: string;
  checksumSha256?: string | null;
  artifactKey?: string | null;
  /** Secrets to mask wherever they appear (connection passwords, keys). URI passwords are masked anyway. */
  secrets?: Iterable<string | undefined>;
  /** Defaults to a random UUID. */
  id?: string;
}

/** Builds the payload, removing secrets from the error text and the destination URL. */
export function buildBackupPayload(input: BackupEventInput): BackupEventPayload {
  const event = input.event ?? (input.success ? "backup.succeeded" : "backup.failed");
  const failing = event === "backup.failed" || event === "backup.skipped";
  if ((event === "backup.succeeded" && !input.success) || (failing && input.success)) {
    throw new TypeError(`[notify] event ${event} contradicts success=${input.success}`);
  }
  const redact = createRedactor(input.secrets ?? []);
  const finishedAt = input.finishedAt ?? new Date();
  if (Number.isNaN(finishedAt.getTime())) throw new RangeError("[notify] finishedAt is not a valid date");

  return {
    event,
    id: input.id ?? randomUUID(),
    container_id: input.containerId,
    container_name: input.containerName,
    database_type: input.databaseType,
    database_name: input.databaseName ?? "",
    destination_url: redact(withoutQueryOrFragment(input.destinationUrl ?? "")),
    destination_type: input.destinationType,
    success: input.success,
    error: input.success ? null : redact(failureText(input.error)),
    backup_size_bytes: nonNegative("backupSizeBytes", Math.round(input.backupSizeBytes ?? 0)),
    // Milliseconds are enough, and keep the JSON free of float noise such as 1.2000000000000002.
    duration_seconds: nonNegative("durationSeconds", Math.round(input.durationSeconds * 1000) / 1000),
    timestamp_utc: finishedAt.toISOString(),
    cron_schedule: input.cronSchedule ?? "",
    backup_prefix: input.backupPrefix ?? "",
    checksum_sha256: input.checksumSha256 ?? null,
    artifact_key: input.artifactKey ?? null,
  };
}

function failureText(error: string | Error | null | undefined): string {
  if (error === undefined || error === null) return "unknown error";
  const text = typeof error === "string" ? error : errorMessage(error);
  return text === "" ? "unknown error" : text;
}

// A pre-signed or token-bearing URL carries its credential in the query; the location
// of an artifact never needs it.
function withoutQueryOrFragment(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  return url.replace(/[?#].*$/s, "");
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`[notify] ${name} must be a finite number >= 0, got ${value}`);
  }
  return value;
}
