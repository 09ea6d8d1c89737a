import type { BackupSpec, ContainerRuntime, Dumper, Writer } from "@lb/core";
import { errorMessage } from "@lb/core";
import { secretsOfSpec } from "@lb/labels";
import { buildBackupPayload, shouldNotify, type WebhookNotifier } from "@lb/notify";
import type { AgentLogger } from "../logging/create-logger.js";
import type { SecretSet } from "../logging/secret-set.js";
import { type BackupOutcome, runBackup } from "./run-backup.js";

export interface RunnerDependencies {
  runtime: ContainerRuntime;
  dumpers: Map<string, Dumper>;
  writerFor(spec: BackupSpec): Writer;
  notifier: WebhookNotifier;
  defaultWebhookUrl: string | undefined;
  secrets: SecretSet;
  logger: AgentLogger;
}

/**
 * Runs backups for the scheduler: never two at once for one target, each reported in
 * the log and by webhook, and each abortable when the agent shuts down.
 */
export class BackupRunner {
  private readonly running = new Map<string, Promise<BackupOutcome>>();
  private readonly shutdown = new AbortController();

  constructor(private readonly deps: RunnerDependencies) {}

  /** Starts a run unless one is already going for the target. */
  trigger(spec: BackupSpec): Promise<BackupOutcome> | undefined {
    const log = this.deps.logger.child({ target: spec.identity, container: spec.containerName });
    if (this.running.has(spec.identity)) {
      log.warn({ event: "backup.overlap" }, "previous backup of this target is still running; this run is skipped");
      return undefined;
    }
    const run = this.execute(spec, log).finally(() => this.running.delete(spec.identity));
    this.running.set(spec.identity, run);
    return run;
  }

  private async execute(spec: BackupSpec, log: AgentLogger): Promise<BackupOutcome> {
    this.deps.secrets.add(...secretsOfSpec(spec));
    const writer = this.deps.writerFor(spec);
    log.info({ event: "backup.started", engine: spec.engine, database: spec.database }, "backup started");
    const outcome = await runBackup(spec, {
      runtime: this.deps.runtime,
      dumperFor: (engine) => this.deps.dumpers.get(engine),
      writer,
      logger: log,
      signal: this.shutdown.signal,
    });
    if (outcome.success) {
      log.info(
        {
          event: "backup.succeeded",
          key: outcome.artifact.key,
          bytes: outcome.artifact.storedBytes,
          rawBytes: outcome.artifact.rawBytes,
          sha256: outcome.artifact.sha256,
          durationSeconds: outcome.durationSeconds,
        },
        "backup succeeded",
      );
    } else {
      log.error(
        { event: "backup.failed", error: errorMessage(outcome.error), durationSeconds: outcome.durationSeconds },
        "backup failed",
      );
    }
    this.notify(spec, writer, outcome);
    return outcome;
  }

  private notify(spec: BackupSpec, writer: Writer, outcome: BackupOutcome): void {
    const url = spec.webhookUrl ?? this.deps.defaultWebhookUrl;
    if (!url) return;
    const payload = buildBackupPayload({
      containerId: spec.containerId,
      containerName: spec.containerName,
      databaseType: spec.engine,
      databaseName: spec.database,
      destinationType: spec.dest,
      destinationUrl: outcome.success ? outcome.artifact.location : writer.locationOf(spec.prefix || "."),
      success: outcome.success,
      error: outcome.success ? null : outcome.error,
      backupSizeBytes: outcome.success ? outcome.artifact.storedBytes : 0,
      durationSeconds: outcome.durationSeconds,
      cronSchedule: spec.cron,
      backupPrefix: spec.prefix,
      checksumSha256: outcome.success ? outcome.artifact.sha256 : null,
      artifactKey: outcome.success ? outcome.artifact.key : null,
      secrets: secretsOfSpec(spec),
    });
    if (shouldNotify(spec.webhookOn, payload)) this.deps.notifier.notify(url, payload);
  }

  /** Waits up to `graceMs` for running backups, then aborts the rest and waits for them to clean up. */
  async drain(graceMs: number): Promise<void> {
    const all = () => Promise.allSettled([...this.running.values()]);
    const finished = await Promise.race([
      all().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
    ]);
    if (finished) return;
    this.deps.logger.warn({ running: this.running.size }, "aborting backups still running at shutdown");
    this.shutdown.abort(new Error("the agent is shutting down"));
    await all();
  }
}
