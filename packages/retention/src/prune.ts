import type { Logger, Writer } from "@lb/core";
import { errorMessage, silentLogger } from "@lb/core";
import type { RetentionDecision } from "./decide-retention.js";
import { planPrune } from "./plan-prune.js";
import type { RetentionPolicy } from "./policy.js";

export interface PruneOptions {
  /** Decide and log, delete nothing (`GC_DRY_RUN`, `label-backup gc --dry-run`). */
  dryRun: boolean;
  /** Time zone for targets that have no policy any more (see `planPrune`). */
  timezone: string;
  /** The clock; defaults to the current time. */
  now?: Date;
  logger?: Logger;
  /** Deletes run this many at a time; default 8. */
  batchSize?: number;
  /** Stops before the next batch; deletes not started are reported as skipped. */
  signal?: AbortSignal;
}

export interface PruneFailure {
  decision: RetentionDecision;
  /** The writer's message, for people. */
  error: string;
}

export interface PruneReport {
  dryRun: boolean;
  /** Every decision, kept and deleted, in plan order. */
  decisions: RetentionDecision[];
  kept: RetentionDecision[];
  /** Deletions the writer carried out. */
  deleted: RetentionDecision[];
  /** Deletions the writer refused; the backups are still there. */
  failed: PruneFailure[];
  /** Deletions not attempted: all of them on a dry run, the rest after `signal` aborted. */
  skipped: RetentionDecision[];
}

export const DEFAULT_BATCH_SIZE = 8;

const fieldsOf = (decision: RetentionDecision) => ({
  target: decision.artifact.manifest.target,
  key: decision.artifact.key,
  startedAt: decision.artifact.manifest.startedAt,
  reasons: decision.reasons,
});

/**
 * Lists the backups under `prefix`, decides with `planPrune`, and deletes through the
 * writer. Only what `writer.list` returns (backups with a manifest of ours) can be deleted;
 * a failed delete is reported and the others go on. A failed listing throws before
 * anything is deleted.
 */
export async function prune(
  writer: Writer,
  prefix: string,
  policies: ReadonlyMap<string, RetentionPolicy>,
  options: PruneOptions,
): Promise<PruneReport> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`[retention] batchSize must be a whole number of at least 1, not ${batchSize}`);
  }
  const { dryRun } = options;
  const logger = (options.logger ?? silentLogger).child({ writer: writer.name, prefix, dryRun });

  const decisions = planPrune(await writer.list(prefix), policies, options.now ?? new Date(), {
    timezone: options.timezone,
  });
  const kept = decisions.filter((decision) => decision.action === "keep");
  const planned = decisions.filter((decision) => decision.action === "delete");
  // A dry run exists to show every decision, so it logs them all where operators look.
  for (const decision of kept) {
    if (dryRun) logger.info(fieldsOf(decision), "backup kept");
    else logger.debug(fieldsOf(decision), "backup kept");
  }

  const report: PruneReport = { dryRun, decisions, kept, deleted: [], failed: [], skipped: [] };
  if (dryRun) {
    for (const decision of planned) logger.info(fieldsOf(decision), "backup would be deleted (dry run)");
    report.skipped = planned;
  } else {
    await deleteInBatches(writer, planned, batchSize, options.signal, logger, report);
  }

  logger.info(
    {
      kept: report.kept.length,
      deleted: report.deleted.length,
      failed: report.failed.length,
      skipped: report.skipped.length,
    },
    dryRun ? "prune dry run finished, nothing deleted" : "prune finished",
  );
  return report;
}

async function deleteInBatches(
  writer: Writer,
  planned: RetentionDecision[],
  batchSize: number,
  signal: AbortSignal | undefined,
  logger: Logger,
  report: PruneReport,
): Promise<void> {
  for (let start = 0; start < planned.length; start += batchSize) {
    if (signal?.aborted) {
      report.skipped = planned.slice(start);
      logger.warn({ skipped: report.skipped.length }, "prune stopped before finishing");
      return;
    }
    const batch = planned.slice(start, start + batchSize);
    const results = await Promise.allSettled(batch.map((decision) => writer.delete(decision.artifact.key)));
    for (const [index, result] of results.entries()) {
      const decision = batch[index] as RetentionDecision;
      if (result.status === "fulfilled") {
        report.deleted.push(decision);
        logger.info(fieldsOf(decision), "backup deleted");
      } else {
        const error = errorMessage(result.reason);
        report.failed.push({ decision, error });
        logger.error({ ...fieldsOf(decision), error }, "backup could not be deleted");
      }
    }
  }
}
