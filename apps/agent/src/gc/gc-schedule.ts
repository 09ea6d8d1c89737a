import type { BackupSpec, Schedule, Writer } from "@lb/core";
import { errorMessage } from "@lb/core";
import { buildBackupPayload, type WebhookNotifier } from "@lb/notify";
import type { AgentLogger } from "../logging/create-logger.js";
import { scheduleJob } from "../schedule/schedule-job.js";
import { runGc } from "./run-gc.js";

export interface GcScheduleOptions {
  schedule: Schedule;
  timezone: string;
  dryRun: boolean;
  writers: () => Writer[];
  specs: () => BackupSpec[];
  logger: AgentLogger;
  notifier: WebhookNotifier;
  webhookUrl: string | undefined;
}

/** Prunes every destination on GC_CRON; a run that is still going when the next is due is skipped. */
export function scheduleGc(options: GcScheduleOptions): { stop(): void; runNow(): Promise<void> } {
  let running: Promise<void> | undefined;
  const controller = new AbortController();
  const run = async () => {
    const started = Date.now();
    const results = await runGc(options.writers(), options.specs(), {
      dryRun: options.dryRun,
      timezone: options.timezone,
      logger: options.logger,
      signal: controller.signal,
    });
    for (const result of results) {
      const report = result.report;
      const failures =
        result.error ?? report?.failed.map((f) => `${f.decision.artifact.key}: ${errorMessage(f.error)}`).join("; ");
      options.logger.info(
        {
          event: "gc.completed",
          destination: result.destination,
          dryRun: options.dryRun,
          kept: report?.kept.length ?? 0,
          deleted: report?.deleted.length ?? 0,
          failed: report?.failed.length ?? 0,
          error: failures || undefined,
        },
        "gc completed",
      );
      // Only ever WEBHOOK_URL, whose origin the notifier always signs for; labels cannot redirect GC reports.
      if (!options.webhookUrl) continue;
      const writer = options.writers().find((w) => w.name === result.destination);
      options.notifier.notify(
        options.webhookUrl,
        buildBackupPayload({
          event: "gc.completed",
          containerId: "",
          containerName: "",
          databaseType: "",
          destinationType: result.destination === "local" ? "local" : "remote",
          destinationUrl: writer?.locationOf("") ?? "",
          success: !failures,
          error: failures || null,
          backupSizeBytes: 0,
          durationSeconds: (Date.now() - started) / 1000,
        }),
      );
    }
  };
  const runNow = () => {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  };
  const job = scheduleJob(options.schedule, () => void runNow());
  return {
    runNow,
    stop() {
      job.stop();
      controller.abort();
    },
  };
}
