import type { BackupSpec, ContainerRuntime, Dumper, Writer } from "@lb/core";
import { AbortedError, errorMessage } from "@lb/core";
import { type RuntimeSettings, secretsOfSpec } from "@lb/labels";
import type { WebhookNotifier } from "@lb/notify";
import type { AgentLogger } from "../logging/create-logger.js";
import type { SecretSet } from "../logging/secret-set.js";
import type { StatusBoard } from "../status/status-board.js";
import { ConcurrencyLimit } from "./concurrency-limit.js";
import { notifyOutcome } from "./notify-outcome.js";
import { type BackupOutcome, runBackup } from "./run-backup.js";
import { RunGuard } from "./run-guard.js";

export interface RunnerDependencies {
  runtime: ContainerRuntime;
  dumpers: Map<string, Dumper>;
  writerFor(spec: BackupSpec): Writer;
  notifier: WebhookNotifier;
  defaultWebhookUrl: string | undefined;
  /** LABEL_WEBHOOKS: whether a `backup.webhook` label may redirect the run's webhook. */
  labelWebhooks: boolean;
  secrets: SecretSet;
  logger: AgentLogger;
  status: StatusBoard;
  limits: Pick<
    RuntimeSettings,
    | "maxConcurrentBackups"
    | "backupTimeoutSeconds"
    | "backupStallTimeoutSeconds"
    | "compressionLevel"
    | "compressionThreads"
  >;
}

/** How long a stopped run may take to clean up before it is abandoned. */
const ABANDON_AFTER_MS = 30_000;
/** After the shutdown grace, how long aborted runs may take to clean up before the agent exits anyway. */
const SHUTDOWN_CLEANUP_MS = 8_000;

export type TriggerResult = { accepted: true; run: Promise<BackupOutcome> } | { accepted: false; reason: string };

/**
 * Runs backups: at most MAX_CONCURRENT_BACKUPS at once with the rest queued, never two
 * for one target (an overlapping request is reported, counted and notified), each with
 * a timeout and a stall watchdog, each abortable when the agent shuts down.
 */
export class BackupRunner {
  private readonly inFlight = new Map<string, Promise<BackupOutcome>>();
  private readonly shutdown = new AbortController();
  private readonly limit: ConcurrencyLimit;

  constructor(private readonly deps: RunnerDependencies) {
    this.limit = new ConcurrencyLimit(deps.limits.maxConcurrentBackups);
  }

  trigger(spec: BackupSpec, cause: "schedule" | "api" | "cli" = "schedule"): TriggerResult {
    const log = this.deps.logger.child({ target: spec.identity, container: spec.containerName });
    const status = this.deps.status.entry(spec);
    if (this.inFlight.has(spec.identity)) {
      status.runs.overlapped++;
      const reason = `the previous backup of ${spec.identity} is still ${status.state}; this ${cause} run was skipped`;
      log.warn({ event: "backup.skipped", cause }, reason);
      const skipped = { success: false as const, startedAt: new Date(), durationSeconds: 0, error: new Error(reason) };
      notifyOutcome(this.deps, spec, this.deps.writerFor(spec), skipped, "backup.skipped");
      return { accepted: false, reason };
    }
    status.state = "queued";
    const run = this.limit
      .run(() => this.execute(spec, log, cause))
      .finally(() => {
        this.inFlight.delete(spec.identity);
        status.state = "idle";
        status.progressBytes = 0;
      });
    this.inFlight.set(spec.identity, run);
    return { accepted: true, run };
  }

  get queued(): number {
    return this.limit.queued;
  }

  private async execute(spec: BackupSpec, log: AgentLogger, cause: string): Promise<BackupOutcome> {
    const status = this.deps.status.entry(spec);
    status.state = "running";
    this.deps.secrets.add(...secretsOfSpec(spec));
    const writer = this.deps.writerFor(spec);
    const guard = new RunGuard({
      timeoutSeconds: this.deps.limits.backupTimeoutSeconds,
      stallSeconds: this.deps.limits.backupStallTimeoutSeconds,
      parent: this.shutdown.signal,
    });
    log.info({ event: "backup.started", cause, engine: spec.engine, database: spec.database }, "backup started");
    const startedAt = new Date();
    // A stopped run that does not end (an engine that no longer answers) is abandoned, so
    // its slot is freed and the failure reported; whatever it still holds is let go.
    let wasAbandoned = false;
    const abandoned = guard.abandonAfter(ABANDON_AFTER_MS).then((): BackupOutcome => {
      wasAbandoned = true;
      return {
        success: false,
        startedAt,
        durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
        error: new AbortedError(
          `${guard.reason?.message ?? "stopped"}; it did not end within ${ABANDON_AFTER_MS / 1000} s and was abandoned`,
        ),
      };
    });
    let outcome: BackupOutcome;
    try {
      const running = runBackup(spec, {
        runtime: this.deps.runtime,
        dumperFor: (engine) => this.deps.dumpers.get(engine),
        writer,
        logger: log,
        signal: guard.signal,
        compression: { level: this.deps.limits.compressionLevel, threads: this.deps.limits.compressionThreads },
        onProgress: (bytes) => {
          status.progressBytes = bytes;
          guard.progress();
        },
      });
      outcome = await Promise.race([running, abandoned]);
    } finally {
      guard.dispose();
    }
    // An abort explains itself better than the broken pipe it caused.
    if (!outcome.success && guard.reason && !wasAbandoned) {
      outcome = { ...outcome, error: guard.reason };
    }

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
    this.deps.status.record(spec, {
      success: outcome.success,
      finishedAt: new Date(),
      durationSeconds: outcome.durationSeconds,
      bytes: outcome.success ? outcome.artifact.storedBytes : 0,
      key: outcome.success ? outcome.artifact.key : undefined,
      error: outcome.success ? undefined : errorMessage(outcome.error),
    });
    notifyOutcome(this.deps, spec, writer, outcome);
    return outcome;
  }

  /** Waits up to `graceMs` for running and queued backups, then aborts the rest and waits for them to clean up. */
  async drain(graceMs: number): Promise<void> {
    const all = () => Promise.allSettled([...this.inFlight.values()]);
    const finished = await Promise.race([
      all().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
    ]);
    if (finished) return;
    this.deps.logger.warn({ running: this.inFlight.size }, "aborting backups still running at shutdown");
    this.shutdown.abort();
    const cleaned = await Promise.race([
      all().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), SHUTDOWN_CLEANUP_MS).unref()),
    ]);
    if (!cleaned)
      this.deps.logger.warn({ running: this.inFlight.size }, "backups did not stop in time; exiting anyway");
  }
}
