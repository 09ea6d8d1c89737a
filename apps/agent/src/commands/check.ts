import type { BackupSpec } from "@lb/core";
import { listContainersWithBackupLabels } from "@lb/discovery";
import { formatDuration, type LabelError, nextRuns } from "@lb/labels";
import type { AgentContext } from "../agent-context.js";
import { claimTargets } from "../discovery/claim-targets.js";

export interface CheckedContainer {
  name: string;
  ok: boolean;
  enabled: boolean;
  errors: LabelError[];
  warnings: LabelError[];
  spec: {
    type: string;
    cron: string;
    next_runs: string[];
    retention_seconds: number;
    dest: string;
    prefix: string;
    database: string;
    target: string;
  } | null;
}

export interface CheckReport {
  containers: CheckedContainer[];
}

function describeSpec(spec: BackupSpec, now: Date): NonNullable<CheckedContainer["spec"]> {
  return {
    type: spec.engine,
    cron: spec.cron,
    next_runs: nextRuns(spec.schedule, now, 3).map((date) => date.toISOString()),
    retention_seconds: spec.retentionSeconds,
    dest: spec.dest,
    prefix: spec.prefix,
    database: spec.database,
    target: spec.identity,
  };
}

/** What the agent would make of every running container with `backup.*` labels. */
export async function checkContainers(context: AgentContext, now = new Date()): Promise<CheckReport> {
  const { settings, env } = context;
  const extraEngines = [...context.dumpers.keys()];
  const containers = await listContainersWithBackupLabels(context.docker);
  const claims = claimTargets(containers, { settings, env, extraEngines });
  claims.sort((a, b) => a.container.name.localeCompare(b.container.name));
  const report: CheckReport = { containers: [] };
  for (const { container, verdict } of claims) {
    const entry: CheckedContainer = {
      name: container.name,
      ok: true,
      enabled: true,
      errors: [],
      warnings: [],
      spec: null,
    };
    if (verdict.kind === "disabled") entry.enabled = false;
    else if (verdict.kind === "invalid") entry.errors = verdict.errors;
    else {
      entry.spec = describeSpec(verdict.spec, now);
      entry.warnings = verdict.warnings;
    }
    entry.ok = entry.errors.length === 0;
    report.containers.push(entry);
  }
  return report;
}

/** The report for people: one block per container. */
export function formatCheckReport(report: CheckReport): string {
  if (report.containers.length === 0) return "No running container has backup.* labels.\n";
  const blocks = report.containers.map((c) => {
    if (!c.enabled) return `${c.name}: disabled (backup.enabled is false)`;
    if (!c.ok) return [`${c.name}: INVALID`, ...c.errors.map((e) => `  ${e.label}: ${e.reason}`)].join("\n");
    const s = c.spec!;
    return [
      `${c.name}: ok`,
      `  target     ${s.target}`,
      `  type       ${s.type}${s.database ? ` (database ${s.database})` : ""}`,
      `  schedule   ${s.cron}`,
      `  next runs  ${s.next_runs.join(", ")}`,
      `  retention  ${formatDuration(s.retention_seconds)}`,
      `  dest       ${s.dest}${s.prefix ? `, prefix ${s.prefix}` : ""}`,
      ...c.warnings.map((w) => `  warning    ${w.label}: ${w.reason}`),
    ].join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}
