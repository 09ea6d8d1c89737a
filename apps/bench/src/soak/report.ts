import type { MachineInfo } from "../machine.js";
import { formatBytes, formatMegabytes, formatSeconds } from "../stats.js";
import type { DestinationCheck, MemoryTrend, Run } from "./checks.js";
import { FAULT_TITLES, type FaultKind, type FaultRecord } from "./faults.js";

export interface Assertion {
  name: string;
  pass: boolean;
  detail: string;
}

export interface SoakFigures {
  started: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** Failed runs each fault explains, by fault id. */
  failedByFault: Map<number, number>;
  unexplained: Run[];
  webhookDeliveries: number;
  notifications: number;
  refusedOnPurpose: number;
  peakRssBytes: number;
  memory: MemoryTrend;
  /** Start of the memory comparison, seconds after `agent.started`. */
  memoryFromSeconds: number;
  local: DestinationCheck;
  remote: DestinationCheck;
  /** Unfinished uploads MinIO holds: named by a listing, counted on disk, and those the agent logged it could not abort. */
  uploads: { listed: number; onDisk: number; loggedByAgent: number };
  shutdown: { exit: string; seconds: number };
}

export interface SoakReport {
  command: string;
  date: string;
  machine: MachineInfo;
  loadAtEnd: number;
  seed: number;
  minutes: number;
  setupSeconds: number;
  /** `agent.started` to SIGTERM. */
  runSeconds: number;
  settings: Record<string, string>;
  targets: Array<{ name: string; holds: string; engine: string; dest: string; cron: string }>;
  /** Date.now() of `agent.started`: fault times are given from it. */
  startedAt: number;
  faults: FaultRecord[];
  figures: SoakFigures;
  assertions: Assertion[];
}

/** Text safe inside a markdown table cell: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\s*\n\s*/g, " / ").replace(/\|/g, "\\|");
const verdict = (pass: boolean) => (pass ? "**PASS**" : "**FAIL**");
const percent = (growth: number) =>
  Number.isFinite(growth) ? `${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(0)} %` : "–";

function failuresByKind(report: SoakReport): string {
  const byKind = new Map<FaultKind, number>();
  for (const fault of report.faults) {
    byKind.set(fault.kind, (byKind.get(fault.kind) ?? 0) + (report.figures.failedByFault.get(fault.id) ?? 0));
  }
  const shutdown = report.figures.failedByFault.get(0) ?? 0;
  const parts = [...byKind].map(([kind, n]) => `${kind} ${n}`);
  if (shutdown > 0) parts.push(`shutdown ${shutdown}`);
  return parts.join(", ") || "none";
}

function figureRows(report: SoakReport): string[] {
  const f = report.figures;
  const expected = f.failed - f.unexplained.length;
  const m = f.memory;
  return [
    "| figure | value |",
    "| --- | ---: |",
    `| runs started | ${f.started} |`,
    `| succeeded | ${f.succeeded} |`,
    `| failed, expected (during a fault that reaches the target) | ${expected}: ${failuresByKind(report)} |`,
    `| failed, not explained by a fault | ${f.unexplained.length} |`,
    `| ticks skipped as overlaps (\`backup.skipped\`) | ${f.skipped} |`,
    `| faults injected | ${report.faults.length} |`,
    `| webhook deliveries / notifications (distinct ids) / first deliveries refused on purpose (503) | ${f.webhookDeliveries} / ${f.notifications} / ${f.refusedOnPurpose} |`,
    `| agent peak RSS (VmHWM) | ${formatMegabytes(f.peakRssBytes)} |`,
    `| agent RSS, median of the first / last fifth (from ${f.memoryFromSeconds.toFixed(0)} s) | ${formatMegabytes(m.firstMedian)} / ${formatMegabytes(m.lastMedian)} (${percent(m.growth)}) |`,
    `| local disk: artifacts / manifests / temp files | ${f.local.artifacts} / ${f.local.manifests} / ${f.local.temps.length} |`,
    `| MinIO: artifacts / manifests / unfinished uploads (listed, on disk) | ${f.remote.artifacts} / ${f.remote.manifests} / ${f.uploads.listed}, ${f.uploads.onDisk} |`,
    `| SIGTERM to exit | ${formatSeconds(f.shutdown.seconds)}, ${f.shutdown.exit} |`,
    `| duration: agent under faults / setup | ${formatSeconds(report.runSeconds)} / ${formatSeconds(report.setupSeconds)} |`,
  ];
}

function faultRows(report: SoakReport): string[] {
  if (report.faults.length === 0) return ["No fault was injected."];
  const rows = [
    "| # | at | fault | what was done | what it did | failed runs |",
    "| ---: | ---: | --- | --- | --- | ---: |",
  ];
  for (const fault of report.faults) {
    const at = (fault.start - report.startedAt) / 1000;
    const remarks = [
      fault.effect,
      ...(fault.problem ? [`**agent problem:** ${fault.problem}`] : []),
      ...(fault.note ? [`note: ${fault.note}`] : []),
    ].join(". ");
    rows.push(
      `| ${fault.id} | ${at.toFixed(0)} s | ${fault.kind} | ${cell(fault.action)} | ${cell(remarks)} | ${report.figures.failedByFault.get(fault.id) ?? 0} |`,
    );
  }
  return rows;
}

function unexplainedLines(report: SoakReport): string[] {
  const runs = report.figures.unexplained;
  if (runs.length === 0) return [];
  return [
    "",
    "Failed runs no fault explains:",
    "",
    ...runs.map(
      (r) =>
        `- ${((r.startedAt - report.startedAt) / 1000).toFixed(0)} s, ${r.container}: ${cell(r.error ?? "no error given")}`,
    ),
  ];
}

export function renderSoakSection(report: SoakReport): string {
  const m = report.machine;
  const settings = Object.entries(report.settings)
    .map(([k, v]) => `\`${k}=${v}\``)
    .join(", ");
  const allPass = report.assertions.every((a) => a.pass);
  const lines = [
    "## Soak",
    "",
    `Produced by \`${report.command}\` on ${report.date} (\`apps/bench/src/soak\`): the agent ran ${formatSeconds(report.runSeconds)} against its own private Docker engine with ${report.targets.length} targets on short schedules while faults were injected one at a time (seed ${report.seed}). ${allPass ? "Every check passed." : "**Some checks failed.**"}`,
    "",
    `Machine: ${m.cpu}, ${m.cores} cores, ${formatBytes(m.memoryBytes)}; ${m.os}, kernel ${m.kernel}; Node ${m.node}; ${m.engine}. Load average (1 min) ${m.loadAtStart.toFixed(2)} at start, ${report.loadAtEnd.toFixed(2)} at end: other work shared the machine, so durations move with it.`,
    "",
    "### Checks",
    "",
    "| check | result | detail |",
    "| --- | --- | --- |",
    ...report.assertions.map((a) => `| ${a.name} | ${verdict(a.pass)} | ${cell(a.detail)} |`),
    "",
    "### Figures",
    "",
    ...figureRows(report),
    ...unexplainedLines(report),
    "",
    "### Faults",
    "",
    ...faultRows(report),
    "",
    `Kinds: ${Object.entries(FAULT_TITLES)
      .map(([kind, title]) => `${kind}: ${title}`)
      .join("; ")}.`,
    "",
    "### Settings",
    "",
    `Agent: ${settings}.`,
    "",
    "| target | holds | `backup.type` | `backup.dest` | `backup.cron` |",
    "| --- | --- | --- | --- | --- |",
    ...report.targets.map((t) => `| ${t.name} | ${t.holds} | ${t.engine} | ${t.dest} | \`${t.cron}\` |`),
    "",
    "Local backups go to a 64 MiB tmpfs, remote ones to MinIO; every target has `backup.retention=5m`, so the GC that runs every minute prunes while backups run. The webhook receiver answers 503 to the first delivery of every fifth notification, so retries (same `id`) happen throughout.",
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * `text` with its "## Soak" section (up to the next "## " heading) replaced by `section`,
 * or with `section` added at the end when it has none.
 */
export function replaceSoakSection(text: string, section: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.trim() === "## Soak");
  if (start < 0) return `${text.trimEnd()}${text.trim() === "" ? "" : "\n\n"}${section}`;
  let end = lines.findIndex((line, i) => i > start && /^## /.test(line));
  if (end < 0) end = lines.length;
  const before = lines.slice(0, start).join("\n").trimEnd();
  const after = lines.slice(end).join("\n").trim();
  return [before, section.trimEnd(), after]
    .filter((part) => part !== "")
    .join("\n\n")
    .concat("\n");
}
