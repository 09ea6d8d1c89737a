import type { BackupSpec, Logger, Writer } from "@lb/core";
import { errorMessage } from "@lb/core";
import { type PruneReport, policyFromSpec, prune, type RetentionPolicy } from "@lb/retention";

export interface GcResult {
  destination: string;
  report?: PruneReport;
  error?: string;
}

/** The zone a target's calendar tiers are read in: its schedule's, else the agent's TZ. */
export function targetTimezone(spec: BackupSpec, fallback: string): string {
  return spec.schedule.kind === "cron" ? spec.schedule.timezone : fallback;
}

/**
 * Prunes every destination once. Targets that are running get their labels' policy;
 * artifacts of targets that are gone follow the policy in their newest manifest.
 * A destination that cannot be listed is reported and left untouched.
 */
export async function runGc(
  writers: Writer[],
  specs: BackupSpec[],
  options: { dryRun: boolean; timezone: string; logger: Logger; signal?: AbortSignal },
): Promise<GcResult[]> {
  const policies = new Map<string, RetentionPolicy>(
    specs.map((spec) => [spec.identity, policyFromSpec(spec, targetTimezone(spec, options.timezone))]),
  );
  const results: GcResult[] = [];
  for (const writer of writers) {
    try {
      const report = await prune(writer, "", policies, {
        dryRun: options.dryRun,
        timezone: options.timezone,
        logger: options.logger,
        signal: options.signal,
      });
      results.push({ destination: writer.name, report });
    } catch (error) {
      options.logger.error({ event: "gc.failed", destination: writer.name, error: errorMessage(error) }, "gc failed");
      results.push({ destination: writer.name, error: errorMessage(error) });
    }
  }
  return results;
}
