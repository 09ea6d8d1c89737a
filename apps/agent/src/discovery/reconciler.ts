import type { BackupSpec } from "@lb/core";
import { errorMessage } from "@lb/core";
import { type LabelledContainer, listLabelledContainers } from "@lb/discovery";
import type { AgentSettings, LabelError } from "@lb/labels";
import type Docker from "dockerode";
import type { AgentLogger } from "../logging/create-logger.js";
import type { JobTable } from "../schedule/job-table.js";
import { claimTargets } from "./claim-targets.js";

export interface ReconcilerOptions {
  docker: Docker;
  settings: AgentSettings;
  env: Record<string, string | undefined>;
  jobs: JobTable;
  extraEngines: string[];
  logger: AgentLogger;
  /** Told the scheduled specs after every reconcile. */
  onSynced?(specs: BackupSpec[]): void;
}

/**
 * Makes the job table match the engine: lists labelled containers, validates their
 * labels, and syncs jobs. Invalid labels are logged once per container and problem,
 * with the label and the reason; the other containers are scheduled regardless.
 */
export class Reconciler {
  private readonly reported = new Map<string, string>();
  private running: Promise<void> | undefined;
  private again = false;
  private soonTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ReconcilerOptions) {}

  /** Runs a reconcile now, or right after the one in progress. */
  reconcile(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.reconcileOnce().catch((error: unknown) =>
          this.options.logger.error({ event: "reconcile.failed", error: errorMessage(error) }, "reconcile failed"),
        );
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Coalesces a burst of engine events into one reconcile. */
  reconcileSoon(delayMs = 100): void {
    if (this.soonTimer) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      void this.reconcile();
    }, delayMs);
  }

  cancel(): void {
    if (this.soonTimer) clearTimeout(this.soonTimer);
  }

  private async reconcileOnce(): Promise<void> {
    const { logger, jobs } = this.options;
    const started = performance.now();
    const containers = await listLabelledContainers(this.options.docker);
    const owners = new Map(jobs.specs().map((spec) => [spec.identity, spec.containerId]));
    const wanted = new Map<string, BackupSpec>();
    const present = new Set<string>();
    for (const { container, verdict } of claimTargets(containers, this.options, owners)) {
      present.add(container.id);
      if (verdict.kind === "disabled") continue;
      if (verdict.kind === "invalid") {
        this.report(container, verdict.errors);
        continue;
      }
      if (verdict.warnings.length) this.report(container, verdict.warnings, "warn");
      else this.reported.delete(container.id);
      wanted.set(verdict.spec.identity, verdict.spec);
    }
    for (const id of this.reported.keys()) if (!present.has(id)) this.reported.delete(id);

    const changes = jobs.sync([...wanted.values()]);
    this.options.onSynced?.(jobs.specs());
    for (const spec of changes.added) logger.info({ event: "job.added", ...describe(spec) }, "backup job scheduled");
    for (const spec of changes.updated) logger.info({ event: "job.updated", ...describe(spec) }, "backup job updated");
    for (const spec of changes.removed) logger.info({ event: "job.removed", ...describe(spec) }, "backup job removed");
    logger.debug(
      {
        event: "reconcile.completed",
        containers: containers.length,
        targets: wanted.size,
        durationMs: Math.round(performance.now() - started),
      },
      "reconcile completed",
    );
  }

  private report(container: LabelledContainer, problems: LabelError[], level: "error" | "warn" = "error"): void {
    const fingerprint = JSON.stringify(problems);
    if (this.reported.get(container.id) === fingerprint) return;
    this.reported.set(container.id, fingerprint);
    for (const problem of problems) {
      this.options.logger[level](
        { event: "labels.invalid", container: container.name, label: problem.label, reason: problem.reason },
        level === "error"
          ? `container ${container.name} is not backed up: ${problem.label}: ${problem.reason}`
          : `container ${container.name}: ${problem.label}: ${problem.reason}`,
      );
    }
  }
}

function describe(spec: BackupSpec) {
  return {
    target: spec.identity,
    container: spec.containerName,
    engine: spec.engine,
    cron: spec.cron,
    dest: spec.dest,
    prefix: spec.prefix,
  };
}
