import type { IdleResult } from "./idle.js";
import type { MachineInfo } from "./machine.js";
import type { VariantResult } from "./rounds.js";
import {
  formatBytes,
  formatFixed,
  formatMegabytes,
  formatSeconds,
  max,
  median,
  megabytesPerSecond,
  ratio,
} from "./stats.js";

export interface DatasetReport {
  title: string;
  serverVersion: string;
  sizeBytes: number;
  sizeMeaning: string;
  buildSeconds: number;
  baselineCommand: string;
  variants: VariantResult[];
  /** Rounds asked for on this dataset. */
  rounds: number;
  /** 1-minute load average when its rounds began. */
  loadAtRounds: number;
}

export interface BenchReport {
  command: string;
  date: string;
  machine: MachineInfo;
  rounds: number;
  datasets: DatasetReport[];
  idle: IdleResult | undefined;
  /** What this run could not measure, and why. */
  notMeasured: string[];
  /** Sections that failed outright. */
  errors: string[];
  durationSeconds: number;
  loadAtEnd: number;
}

// The issue's targets.
const MAX_RATIO = 1.1;
const MAX_PEAK_RSS = 150e6;
const MAX_IDLE_RSS = 100e6;
const MAX_RECONCILE_SECONDS = 2;
/** How much more the peak may be on the large database and still count as flat: noise between runs. */
const FLAT_TOLERANCE = 0.1;

const wall = (v: VariantResult) => median(v.runs.map((r) => r.seconds));
const peak = (v: VariantResult) => max(v.runs.flatMap((r) => (r.peakRssBytes ? [r.peakRssBytes] : [])));

/** The dump's raw size: the same database every run, so any agent run's count serves all. */
function rawBytesOf(dataset: DatasetReport): number {
  return median(dataset.variants.flatMap((v) => v.runs.flatMap((r) => (r.rawBytes ? [r.rawBytes] : []))));
}

/** Text safe inside a markdown table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, " / ").replace(/\|/g, "\\|");
}

function verdict(pass: boolean | undefined): string {
  return pass === undefined ? "not measured" : pass ? "**PASS**" : "**FAIL**";
}

function datasetTable(dataset: DatasetReport): string[] {
  const { rounds } = dataset;
  const raw = rawBytesOf(dataset);
  const baseline = dataset.variants.find((v) => v.kind === "baseline");
  const baselineWall = baseline && baseline.runs.length > 0 ? wall(baseline) : Number.NaN;
  const lines = [
    `### ${dataset.title} (${dataset.serverVersion}), ${formatBytes(dataset.sizeBytes)} ${dataset.sizeMeaning}`,
    "",
    `Built in ${formatSeconds(dataset.buildSeconds)}; the dump is ${formatBytes(raw)}; load average ${dataset.loadAtRounds.toFixed(2)} when the rounds began. Baseline: \`${dataset.baselineCommand}\``,
    "",
    "| run | median wall time | dump MB/s | stored | vs baseline | agent peak RSS | rounds |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const v of dataset.variants) {
    if (v.runs.length === 0) {
      lines.push(`| ${v.title} | – | – | – | – | – | not measured: ${cell(v.failure ?? "no run")} |`);
      continue;
    }
    const seconds = wall(v);
    const rss = peak(v);
    const all = v.runs.map((r) => r.seconds.toFixed(2)).join(", ");
    lines.push(
      `| ${v.title} | ${formatSeconds(seconds)} | ${formatFixed(megabytesPerSecond(raw, seconds), 1)} | ` +
        `${formatBytes(median(v.runs.map((r) => r.storedBytes)))} | ` +
        `${v.kind === "baseline" ? "1.00" : formatFixed(ratio(seconds, baselineWall), 2)} | ` +
        `${v.kind === "agent" ? formatMegabytes(rss) : "–"} | ${v.runs.length}/${rounds} (${all} s)${v.failure ? `; then failed: ${cell(v.failure)}` : ""} |`,
    );
  }
  return lines;
}

function targetRows(report: BenchReport): string[] {
  const rows: string[] = ["| target | measured | limit | result |", "| --- | ---: | ---: | --- |"];
  const postgres = report.datasets.find((d) => d.title === "PostgreSQL");
  const baseline = postgres?.variants.find((v) => v.id === "baseline");
  const local = postgres?.variants.find((v) => v.id === "agent-local");
  const threads = postgres?.variants.find((v) => v.id === "agent-threads");
  const measured = (v: VariantResult | undefined) => (v && v.runs.length > 0 ? v : undefined);
  const r = measured(local) && measured(baseline) ? ratio(wall(local!), wall(baseline!)) : Number.NaN;
  rows.push(
    `| PostgreSQL: agent (local disk) / baseline wall time, both gzip level 6 | ${formatFixed(r, 2)} | ≤ ${MAX_RATIO.toFixed(2)} | ${verdict(Number.isNaN(r) ? undefined : r <= MAX_RATIO)} |`,
  );
  // Peak RSS per way of running the agent and per size: the limit holds for each, not for their average.
  const sizes = report.datasets.filter((d) => d.title === "PostgreSQL");
  const worstBySize: number[] = [];
  for (const dataset of sizes) {
    const agents = dataset.variants.filter((v) => v.kind === "agent" && v.runs.length > 0);
    for (const v of agents) {
      const worst = peak(v);
      rows.push(
        `| PostgreSQL ${formatBytes(dataset.sizeBytes)}, ${v.title}: peak RSS, worst of ${v.runs.length} runs | ${formatMegabytes(worst)} | ≤ 150 MB | ${verdict(Number.isNaN(worst) ? undefined : worst <= MAX_PEAK_RSS)} |`,
      );
    }
    worstBySize.push(max(agents.map(peak)));
  }
  if (worstBySize.length === 0) rows.push("| PostgreSQL: agent peak RSS | – | ≤ 150 MB | not measured |");
  if (sizes.length > 1) rows.push(flatnessRow(sizes, worstBySize));
  const t = measured(threads) && measured(baseline) ? ratio(wall(threads!), wall(baseline!)) : Number.NaN;
  rows.push(
    `| PostgreSQL: agent with COMPRESSION_THREADS=2 / baseline (goal: faster than the shell) | ${formatFixed(t, 2)} | < 1.00 | ${verdict(Number.isNaN(t) ? undefined : t < 1)} |`,
  );
  const idle = report.idle;
  rows.push(
    idle
      ? `| idle RSS with ${idle.idleContainers} labelled containers (median of ${idle.sampleSeconds} samples) | ${formatMegabytes(idle.idleRssMedianBytes)} | ≤ 100 MB | ${verdict(idle.idleRssMedianBytes <= MAX_IDLE_RSS)} |`
      : "| idle RSS | – | ≤ 100 MB | not measured |",
  );
  rows.push(
    idle
      ? `| full reconcile of ${idle.reconcileContainers} containers (agent start to \`agent.started\`, median) | ${formatSeconds(idle.startSecondsMedian)} | < 2 s | ${verdict(idle.startSecondsMedian < MAX_RECONCILE_SECONDS)}${idle.reconcileContainers < 1000 ? " (fewer containers than the target names)" : ""} |`
      : "| reconcile of 1,000 containers | – | < 2 s | not measured |",
  );
  return rows;
}

/**
 * Memory must not grow with the database: the worst peak on the largest database against
 * the worst on the smallest, allowing run-to-run noise of `FLAT_TOLERANCE`.
 */
function flatnessRow(sizes: DatasetReport[], worstBySize: number[]): string {
  const small = worstBySize[0] ?? Number.NaN;
  const large = worstBySize[worstBySize.length - 1] ?? Number.NaN;
  const growth = large / small - 1;
  const from = formatBytes(sizes[0]!.sizeBytes);
  const to = formatBytes(sizes[sizes.length - 1]!.sizeBytes);
  const measured = `${formatMegabytes(small)} → ${formatMegabytes(large)} (${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(0)} %)`;
  return `| PostgreSQL: worst agent peak RSS from ${from} to ${to} (flat) | ${measured} | ≤ +${FLAT_TOLERANCE * 100} % | ${verdict(Number.isNaN(growth) ? undefined : growth <= FLAT_TOLERANCE)} |`;
}

/** Each distinct shutdown problem once, with how often it happened. */
function shutdownLines(problems: string[]): string[] {
  const counts = new Map<string, number>();
  for (const p of problems) counts.set(p, (counts.get(p) ?? 0) + 1);
  return [...counts].flatMap(([p, n]) => ["", `Shutdown${n > 1 ? ` (${n} agents)` : ""}: ${p}.`]);
}

function idleLines(idle: IdleResult): string[] {
  const logged = idle.reconcileDurations;
  return [
    "| measure | value |",
    "| --- | ---: |",
    `| agent start-up with no labelled container (Node start, engine connection) | ${formatSeconds(idle.emptyStartSeconds)} |`,
    `| idle RSS with ${idle.idleContainers} labelled containers, median / max over ${idle.sampleSeconds} s | ${formatMegabytes(idle.idleRssMedianBytes)} / ${formatMegabytes(idle.idleRssMaxBytes)} |`,
    `| idle CPU with ${idle.idleContainers} labelled containers (one core = 100 %) | ${idle.idleCpuPercent.toFixed(2)} % |`,
    `| start to \`agent.started\` with ${idle.reconcileContainers} labelled containers (each run; load average ${idle.loadAtStarts.toFixed(2)} before them) | ${idle.startSeconds.map((s) => s.toFixed(2)).join(", ")} s |`,
    `| RSS after start-up with ${idle.reconcileContainers} labelled containers | ${formatMegabytes(idle.rssAtReconcileCountBytes)} |`,
    `| one more container started → its \`job.added\` line, with ${idle.reconcileContainers} others (median of 3) | ${formatSeconds(idle.followSecondsMedian)} |`,
    `| reconcile durations the agent logs | ${logged.length > 0 ? `median ${formatSeconds(median(logged))} over ${logged.length}` : "none: the agent logs no reconcile duration"} |`,
    ...(idle.shortfall ? ["", `Containers: ${idle.shortfall}.`] : []),
    ...shutdownLines(idle.stopProblems),
  ];
}

const METHOD = `## Method

- **Data.** PostgreSQL: four tables built in batches until \`pg_database_size\` reaches the
  size asked for: customers (text, numeric, timestamps, jsonb), orders (notes of 0 to 2,000
  characters, most short), JSON events, and attachments of random bytes (256 B to 8 KiB,
  about a tenth of the disk size) so compression has incompressible data to get through.
  Text is sliced from a seeded made-up-language corpus that gzip shrinks about 3:1, like prose.
  MariaDB gets the same tables; Redis gets strings, JSON, hashes, lists, sorted sets and
  binary values. Every server is a container of the project's Debian stand-in image
  (\`@lb/testing\`), on the host network, on loopback. The data is built anew on every run.
- **Baseline.** The dump tool with the agent's own options, run inside the database
  container with \`docker exec\` (as the agent runs it, through the engine's exec API),
  piped to \`gzip -6\` into a file, under \`bash -o pipefail\`. The agent compresses with
  zlib's default level, also 6: the same level, but GNU gzip and zlib are different
  implementations of deflate, so part of any difference is theirs (the stored sizes show it).
- **Agent.** \`node apps/agent/bin/label-backup.js backup <container>\`: a fresh process per
  run, timed from spawn to exit, so Node start-up counts against the agent. Its peak RSS
  is the kernel's high-water mark (\`VmHWM\` in \`/proc/<pid>/status\`), read every 50 ms.
  Dump bytes come from the manifest (\`rawBytes\`); MB/s is dump bytes (10^6) per second of
  wall time.
- **Rounds.** One untimed dump to \`/dev/null\` first, so every timed run reads from the
  page cache; then each round runs every variant once, the order rotated each round; the
  table gives the median and every run. Output files are deleted after each run.
- **Idle.** Labelled \`sleep infinity\` containers (no network, a schedule on 1 January),
  the agent started with \`HTTP_PORT=0\`; after \`agent.started\` and 2 s, VmRSS every
  second and utime+stime from \`/proc/<pid>/stat\`. The reconcile time is spawn to the
  \`agent.started\` line, which the agent logs after its first full reconcile, so it includes
  Node's start-up (given alone in the first line of the idle table).
- **Caveat.** The machine is shared with other work; the load average is given at start
  and end and where each measurement began. Load slows every variant of a round alike, so
  the ratios hold better than the times; the reconcile time, measured alone, moves with it.`;

export function renderReport(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    "# Benchmarks",
    "",
    "Throughput and memory of the Label Backup agent against the shell pipeline it replaces.",
    `Produced by \`${report.command}\` on ${report.date}, in ${formatSeconds(report.durationSeconds)} (\`apps/bench\`).`,
    "",
    "## Machine",
    "",
    `- CPU: ${m.cpu}, ${m.cores} cores; memory ${formatBytes(m.memoryBytes)}`,
    `- OS: ${m.os}, kernel ${m.kernel}`,
    `- Node ${m.node}; ${m.engine}; ${m.gzip}`,
    `- Servers: ${[...new Set(report.datasets.map((d) => d.serverVersion))].join(", ") || "–"}`,
    `- Load average (1 min): ${m.loadAtStart.toFixed(2)} at start, ${report.loadAtEnd.toFixed(2)} at end`,
    "",
    "## Targets",
    "",
    ...targetRows(report),
    "",
    "## Backups",
    "",
  ];
  for (const dataset of report.datasets) lines.push(...datasetTable(dataset), "");
  lines.push("## Idle cost and discovery", "");
  lines.push(...(report.idle ? idleLines(report.idle) : ["Not measured in this run."]), "");
  if (report.notMeasured.length > 0 || report.errors.length > 0) {
    lines.push("## Not measured", "");
    for (const note of report.notMeasured) lines.push(`- ${cell(note)}`);
    for (const error of report.errors) lines.push(`- Error: ${cell(error)}`);
    lines.push("");
  }
  lines.push(METHOD, "");
  return lines.join("\n");
}
