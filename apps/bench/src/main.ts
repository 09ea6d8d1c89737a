import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectOrStartDockerEngine, databaseImage } from "@lb/testing";
import type Docker from "dockerode";
import { baselineCommand, warmUp } from "./baseline.js";
import { cleanUpOnSignals, onCleanup, runCleanups } from "./cleanup.js";
import { agentReadsCompressionThreads } from "./compression-probe.js";
import type { Dataset } from "./datasets/dataset.js";
import { buildMariadbDataset } from "./datasets/mariadb.js";
import { buildPostgresDataset } from "./datasets/postgres.js";
import { buildRedisDataset } from "./datasets/redis.js";
import { measureIdle } from "./idle.js";
import { describeMachine } from "./machine.js";
import { type BenchOptions, parseBenchOptions, USAGE } from "./options.js";
import { prepareRemoteTarget, type RemoteTarget } from "./remote.js";
import { type BenchReport, renderReport } from "./report.js";
import { runRounds } from "./rounds.js";
import { backupVariants } from "./variants.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = join(ROOT, "apps/agent/bin/label-backup.js");
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
/** An error in one line: its first and last lines (a client's error comes last, after the statement). */
function message(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split("\n").filter((l) => l.trim() !== "");
  const text = lines.length > 2 ? `${lines[0]} … ${lines[lines.length - 1]}` : lines.join(" ");
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

interface Context {
  docker: Docker;
  options: BenchOptions;
  report: BenchReport;
  scratch: string;
  threads: boolean;
}

/** Builds one dataset, times every variant on it, and removes it again. */
async function benchDataset<D extends Dataset>(
  context: Context,
  rounds: number,
  build: () => Promise<D>,
  remoteFor?: (dataset: D) => Promise<RemoteTarget | undefined>,
): Promise<void> {
  const dataset = await build();
  const remove = onCleanup(`container ${dataset.container.name}`, () => dataset.remove());
  let remote: RemoteTarget | undefined;
  try {
    log(
      `${dataset.title}: ${(dataset.sizeBytes / 2 ** 20).toFixed(0)} MiB built in ${dataset.buildSeconds.toFixed(1)} s`,
    );
    remote = await remoteFor?.(dataset);
    await warmUp(dataset);
    const loadAtRounds = loadavg()[0] ?? 0;
    const variants = backupVariants(dataset, { bin: BIN, threads: context.threads, ...(remote ? { remote } : {}) });
    const results = await runRounds(variants, rounds, context.scratch, log);
    for (const v of results) {
      if (v.runs.length === 0)
        context.report.notMeasured.push(`${dataset.title}, ${v.title}: ${v.failure ?? "no run"}`);
    }
    context.report.datasets.push({
      title: dataset.title,
      serverVersion: dataset.serverVersion,
      sizeBytes: dataset.sizeBytes,
      sizeMeaning: dataset.sizeMeaning,
      buildSeconds: dataset.buildSeconds,
      baselineCommand: baselineCommand(dataset),
      variants: results,
      rounds,
      loadAtRounds,
    });
  } finally {
    await remote?.stop();
    await remove();
  }
}

async function section(report: BenchReport, name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    log(`${name} failed: ${message(error)}`);
    report.errors.push(`${name}: ${message(error)}`);
  }
}

/** PostgreSQL of `sizeBytes`, backed up to local disk and to MinIO. */
async function benchPostgres(context: Context, sizeBytes: number, rounds: number): Promise<void> {
  const { docker, report } = context;
  await section(report, "PostgreSQL", () =>
    benchDataset(
      context,
      rounds,
      () => buildPostgresDataset(docker, sizeBytes, log),
      async (dataset) => {
        const prepared = await prepareRemoteTarget(docker, dataset);
        if ("reason" in prepared) {
          report.notMeasured.push(`PostgreSQL, agent → MinIO: ${prepared.reason}`);
          return undefined;
        }
        return prepared.remote;
      },
    ),
  );
}

async function benchBackups(context: Context): Promise<void> {
  const { docker, options, report } = context;
  await benchPostgres(context, options.sizeBytes, options.rounds);
  if (options.largeSizeBytes > 0) await benchPostgres(context, options.largeSizeBytes, options.largeRounds);
  else report.notMeasured.push("A larger PostgreSQL database: not asked for (--large-size 4g adds one).");
  if (options.otherSizeBytes > 0) {
    await section(report, "MariaDB", () =>
      benchDataset(context, options.rounds, () => buildMariadbDataset(docker, options.otherSizeBytes, log)),
    );
    await section(report, "Redis", () =>
      benchDataset(context, options.rounds, () => buildRedisDataset(docker, options.otherSizeBytes, log)),
    );
    report.notMeasured.push("MariaDB and Redis to MinIO: only the PostgreSQL dataset is backed up to S3.");
  } else {
    report.notMeasured.push("MariaDB and Redis: skipped (--other-size 0).");
  }
}

async function runBench(options: BenchOptions, command: string): Promise<BenchReport> {
  const began = performance.now();
  const engine = await connectOrStartDockerEngine();
  onCleanup("Docker engine", () => engine.stop());
  // The docker CLI of the baseline and the agent both follow DOCKER_HOST.
  process.env.DOCKER_HOST = engine.dockerHost;
  const docker = engine.docker;
  const report: BenchReport = {
    command,
    date: new Date().toISOString(),
    machine: await describeMachine(docker),
    rounds: options.rounds,
    datasets: [],
    idle: undefined,
    notMeasured: [],
    errors: [],
    durationSeconds: 0,
    loadAtEnd: 0,
  };
  try {
    const scratch = await mkdtemp(join(tmpdir(), "lb-bench-"));
    onCleanup("scratch folder", () => rm(scratch, { recursive: true, force: true }));
    const threads = await agentReadsCompressionThreads(BIN);
    if (!threads) {
      report.notMeasured.push(
        "Parallel compression: this build of the agent does not read COMPRESSION_THREADS, so there is no third way to run it.",
      );
    }
    const context: Context = { docker, options, report, scratch, threads };

    if (options.backups) await benchBackups(context);
    else report.notMeasured.push("Backups: skipped (--no-backups).");

    if (options.idle) {
      await section(report, "Idle", async () => {
        report.idle = await measureIdle(docker, {
          bin: BIN,
          image: await databaseImage(docker, "postgres"),
          runId: Math.random().toString(36).slice(2, 8),
          idleContainers: options.idleContainers,
          reconcileContainers: options.reconcileContainers,
          sampleSeconds: options.idleSeconds,
          starts: 3,
          reserveBytes: 4 * 2 ** 30,
          log,
        });
        if (report.idle.reconcileDurations.length === 0) {
          report.notMeasured.push(
            "Duration of a later reconcile as the agent sees it: the agent logs no reconcile duration (no `reconcile.completed` with `durationMs`); the time for one more container to be scheduled stands in for it.",
          );
        }
      });
    } else {
      report.notMeasured.push("Idle cost and reconcile time: skipped (--no-idle).");
    }
  } finally {
    await runCleanups(log);
  }
  report.durationSeconds = (performance.now() - began) / 1000;
  report.loadAtEnd = loadavg()[0] ?? 0;
  return report;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2).filter((arg) => arg !== "--");
  let options: BenchOptions | "help";
  try {
    options = parseBenchOptions(argv, join(ROOT, "BENCHMARKS.md"));
  } catch (error) {
    process.stderr.write(`bench: ${message(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // The project's own server images, the same on every machine, unless asked otherwise.
  process.env.LB_TEST_STAND_INS ??= "1";
  cleanUpOnSignals(log);
  const report = await runBench(options, ["pnpm bench", ...argv].join(" "));
  const text = renderReport(report);
  process.stdout.write(`\n${text}`);
  if (options.out) {
    await writeFile(options.out, text);
    log(`report written to ${options.out}`);
  }
  // Missed targets are results, not failures: only a section that could not run fails the bench.
  return report.errors.length > 0 ? 1 : 0;
}

// Exit explicitly: idle keep-alive sockets to the engine must not hold the process open.
process.exit(
  await main().catch((error: unknown) => {
    log(`failed: ${message(error)}`);
    return 1;
  }),
);
