import { redactUri } from "@lb/core";
import { nextRuns } from "@lb/labels";
import type { TargetStatus } from "../status/status-board.js";

/** A target as the API shows it: what runs when, and how it went; secrets redacted. */
export function targetView(status: TargetStatus, now = new Date()) {
  const { spec } = status;
  const result = (r: TargetStatus["lastResult"]) =>
    r && {
      success: r.success,
      finished_at: r.finishedAt.toISOString(),
      duration_seconds: r.durationSeconds,
      bytes: r.bytes,
      key: r.key ?? null,
      error: r.error ?? null,
    };
  return {
    name: spec.identity,
    container: spec.containerName,
    container_id: spec.containerId,
    type: spec.engine,
    database: spec.database,
    mode: spec.mode,
    cron: spec.cron,
    next_run: nextRuns(spec.schedule, now, 1)[0]?.toISOString() ?? null,
    dest: spec.dest,
    prefix: spec.prefix,
    retention_seconds: spec.retentionSeconds,
    keep: spec.keep,
    conn: spec.conn ? redactUri(spec.conn) : null,
    // Webhook URLs carry tokens in their paths: only the origin is shown.
    webhook: spec.webhookUrl ? new URL(spec.webhookUrl).origin : null,
    state: status.state,
    in_progress_bytes: status.state === "running" ? status.progressBytes : 0,
    last_result: result(status.lastResult) ?? null,
    last_success: result(status.lastSuccess) ?? null,
    runs: status.runs,
  };
}

export type TargetView = ReturnType<typeof targetView>;
