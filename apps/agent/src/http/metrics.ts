import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { BackupRunner } from "../backup/backup-runner.js";
import type { StatusBoard } from "../status/status-board.js";

/**
 * Prometheus metrics read from the status board at scrape time, so they can never
 * drift from what the API and the status page show.
 */
export function createMetrics(status: StatusBoard, runner: BackupRunner): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "label_backup_" });
  const perTarget = (
    name: string,
    help: string,
    value: (s: ReturnType<StatusBoard["all"]>[number]) => number | undefined,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ["target"],
      registers: [registry],
      collect() {
        this.reset();
        for (const target of status.all()) {
          const v = value(target);
          if (v !== undefined) this.set({ target: target.spec.identity }, v);
        }
      },
    });
  const seconds = (date: Date | undefined) => (date ? date.getTime() / 1000 : undefined);

  new Gauge({
    name: "label_backup_targets",
    help: "Targets with a scheduled backup job",
    registers: [registry],
    collect() {
      this.set(status.all().length);
    },
  });
  new Gauge({
    name: "label_backup_queue_length",
    help: "Backups waiting for a free slot (MAX_CONCURRENT_BACKUPS)",
    registers: [registry],
    collect() {
      this.set(runner.queued);
    },
  });
  perTarget("label_backup_last_success_timestamp_seconds", "When the last successful backup finished", (t) =>
    seconds(t.lastSuccess?.finishedAt),
  );
  perTarget("label_backup_last_run_timestamp_seconds", "When the last backup attempt finished", (t) =>
    seconds(t.lastResult?.finishedAt),
  );
  perTarget("label_backup_last_run_success", "1 when the last attempt succeeded, 0 when it failed", (t) =>
    t.lastResult ? Number(t.lastResult.success) : undefined,
  );
  perTarget("label_backup_last_duration_seconds", "Duration of the last attempt", (t) => t.lastResult?.durationSeconds);
  perTarget("label_backup_last_size_bytes", "Stored size of the last successful backup", (t) => t.lastSuccess?.bytes);
  perTarget("label_backup_running", "1 while a backup of the target runs", (t) => Number(t.state === "running"));
  perTarget("label_backup_queued", "1 while a backup of the target waits for a slot", (t) =>
    Number(t.state === "queued"),
  );
  perTarget("label_backup_in_progress_bytes", "Raw bytes read so far by the running backup", (t) =>
    t.state === "running" ? t.progressBytes : undefined,
  );
  new Counter({
    name: "label_backup_runs_total",
    help: "Backup attempts by result: success, failure, or overlap (skipped because the previous run was still going)",
    labelNames: ["target", "result"],
    registers: [registry],
    collect() {
      this.reset();
      for (const t of status.all()) {
        const target = t.spec.identity;
        this.inc({ target, result: "success" }, t.runs.succeeded);
        this.inc({ target, result: "failure" }, t.runs.failed);
        this.inc({ target, result: "overlap" }, t.runs.overlapped);
      }
    },
  });
  return registry;
}
