import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startPrivateDockerEngine } from "@lb/testing";
import type Docker from "dockerode";
import { type AgentProcess, startAgentProcess } from "../agent-process.js";
import { cleanUpOnSignals, onCleanup, runCleanups } from "../cleanup.js";
import { describeMachine } from "../machine.js";
import { runFaultPlan } from "./faults.js";
import { soakInjectors } from "./injectors.js";
import { watchRss } from "./memory.js";
import { startSoakMinio } from "./minio.js";
import { parseSoakOptions, SOAK_USAGE, type SoakOptions } from "./options.js";
import { seededRandom } from "./random.js";
import { renderSoakSection, replaceSoakSection, type SoakReport } from "./report.js";
import { startTargets } from "./targets.js";
import { mountSmallDisk } from "./tmpfs.js";
import { type SoakRun, verdicts } from "./verdicts.js";
import { startSoakReceiver } from "./webhooks.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const BIN = join(ROOT, "apps/agent/bin/label-backup.js");
const log = (line: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The settings the brief asks for: short limits, so that faults meet them within minutes. */
const LIMITS = {
  MAX_CONCURRENT_BACKUPS: "2",
  BACKUP_TIMEOUT: "60s",
  BACKUP_STALL_TIMEOUT: "20s",
  SHUTDOWN_GRACE_SECONDS: "10",
  RECONCILE_INTERVAL_SECONDS: "2",
  GC_CRON: "30 * * * * *",
  S3_PART_SIZE: "5MiB",
};
const BACKUP_TIMEOUT_SECONDS = 60;
const SHUTDOWN_GRACE_SECONDS = 10;
/**
 * No fault at first (every target runs once undisturbed) nor at the end (every target
 * must succeed again after the last one): 45 s and 75 s, less on a short trial run.
 */
const quietStartMs = (runMs: number) => Math.min(45_000, runMs * 0.15);
const quietEndMs = (runMs: number) => Math.max(45_000, Math.min(75_000, runMs * 0.25));

async function removeLabelled(docker: Docker, runId: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`lb.soak=${runId}`] } });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => {}),
    ),
  );
}

/** The agent's JSON lines, also into a file that outlives the run: the evidence when a check fails. */
function keepLog(agent: AgentProcess, path: string): () => Promise<void> {
  const file = createWriteStream(path);
  agent.child.stdout?.on("data", (chunk: Buffer) => file.write(chunk));
  return () => new Promise((resolve) => file.end(resolve));
}

async function runSoak(options: SoakOptions, command: string): Promise<{ report: SoakReport; logPath: string }> {
  const began = Date.now();
  const runId = randomBytes(3).toString("hex");
  // A private engine: the soak kills it, which a shared engine and its other users must not suffer.
  const engine = await startPrivateDockerEngine();
  onCleanup("Docker engine", () => engine.stop());
  process.env.DOCKER_HOST = engine.dockerHost;
  const { docker } = engine;
  log(`private engine at ${engine.dockerHost}`);
  const machine = await describeMachine(docker);
  onCleanup("containers", () => removeLabelled(docker, runId));

  const disk = await mountSmallDisk(64);
  onCleanup("tmpfs", () => disk.remove());
  log(`local backups on a 64 MiB tmpfs at ${disk.dir}`);
  const minio = await startSoakMinio();
  onCleanup("MinIO", () => minio.stop());
  log(`MinIO at ${minio.server.endpoint}, bucket ${minio.bucket}, data in ${minio.dataDir}`);
  const receiver = await startSoakReceiver();
  onCleanup("webhook receiver", () => receiver.close());
  const targets = await startTargets(docker, runId, log);
  log(`${targets.targets.length} targets running: ${targets.targets.map((t) => t.name).join(", ")}`);

  const httpPort = await freePort();
  const settings = {
    ...LIMITS,
    LOCAL_BACKUP_PATH: disk.dir,
    HTTP_HOST: "127.0.0.1",
    HTTP_PORT: String(httpPort),
    WEBHOOK_URL: receiver.url,
    BUCKET_NAME: minio.bucket,
    ENDPOINT: minio.server.endpoint,
    REGION: minio.server.region,
    LOG_LEVEL: "info",
  };
  const agent = startAgentProcess(BIN, {
    ...settings,
    ACCESS_KEY_ID: minio.server.root.accessKeyId,
    SECRET_ACCESS_KEY: minio.server.root.secretAccessKey,
  });
  onCleanup(`agent ${agent.pid}`, async () => void (await agent.stop(5000)));
  const logPath = join(tmpdir(), `lb-soak-${runId}-agent.log`);
  const closeLog = keepLog(agent, logPath);
  await agent.waitFor((l) => l.event === "agent.started", 120_000);
  const startedAt = Date.now();
  const setupSeconds = (startedAt - began) / 1000;
  log(`agent started (pid ${agent.pid}); running ${options.minutes} min under faults; its log: ${logPath}`);

  const rss = watchRss(agent.pid);
  const endAt = startedAt + options.minutes * 60_000;
  const diedEarly = () => agent.child.exitCode !== null || agent.child.signalCode !== null;
  const faults = await runFaultPlan({
    random: seededRandom(options.seed),
    from: startedAt + quietStartMs(endAt - startedAt),
    to: endAt - quietEndMs(endAt - startedAt),
    injectors: soakInjectors({
      engine,
      agent,
      httpPort,
      disk,
      minio,
      targets,
      runId,
      random: seededRandom(options.seed + 1),
      log,
    }),
    stopped: () => diedEarly() || Date.now() >= endAt,
    log,
  });
  while (Date.now() < endAt && !diedEarly()) await sleep(500);
  const agentDiedEarly = diedEarly();
  if (agentDiedEarly) log(`the agent exited on its own (${agent.child.exitCode ?? agent.child.signalCode})`);

  // Shutdown: SIGTERM must end it, with exit 0, within the grace period + 10 s.
  const termAt = Date.now();
  const stopProblem = await agent.stop((SHUTDOWN_GRACE_SECONDS + 20) * 1000);
  const shutdownSeconds = (Date.now() - termAt) / 1000;
  rss.stop();
  await closeLog();
  log(`agent stopped after ${shutdownSeconds.toFixed(1)} s${stopProblem ? `: ${stopProblem}` : ""}`);

  const run: SoakRun = {
    lines: agent.lines(() => true),
    startedAt,
    termAt,
    agentDiedEarly,
    exit: { code: agent.child.exitCode, signal: agent.child.signalCode, seconds: shutdownSeconds },
    faults,
    targets: targets.targets.map((t) => t.name),
    rss,
    hooks: receiver.hooks(),
    refused: receiver.refused(),
    disk,
    minio,
    limits: { backupTimeoutSeconds: BACKUP_TIMEOUT_SECONDS, shutdownGraceSeconds: SHUTDOWN_GRACE_SECONDS },
  };
  const { figures, assertions } = await verdicts(run);
  const report: SoakReport = {
    command,
    date: new Date(began).toISOString(),
    machine,
    loadAtEnd: loadavg()[0] ?? 0,
    seed: options.seed,
    minutes: options.minutes,
    setupSeconds,
    runSeconds: (termAt - startedAt) / 1000,
    settings: {
      ...settings,
      LOCAL_BACKUP_PATH: "<64 MiB tmpfs>",
      HTTP_PORT: "<free port>",
      WEBHOOK_URL: "<loopback receiver>",
      BUCKET_NAME: "<fresh bucket>",
      ENDPOINT: "<MinIO on loopback>",
      "ACCESS_KEY_ID, SECRET_ACCESS_KEY": "<MinIO root>",
    },
    targets: targets.targets.map((t) => ({
      name: t.name,
      holds: t.holds,
      engine: t.engine,
      dest: t.dest,
      cron: t.cron,
    })),
    startedAt,
    faults,
    figures,
    assertions,
  };
  return { report, logPath };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2).filter((arg) => arg !== "--");
  let options: SoakOptions | "help";
  try {
    options = parseSoakOptions(argv, join(ROOT, "BENCHMARKS.md"));
  } catch (error) {
    process.stderr.write(`soak: ${message(error)}\n\n${SOAK_USAGE}\n`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(`${SOAK_USAGE}\n`);
    return 0;
  }
  // The project's own server images, the same on every machine.
  process.env.LB_TEST_STAND_INS ??= "1";
  cleanUpOnSignals(log);
  let result: Awaited<ReturnType<typeof runSoak>>;
  try {
    result = await runSoak(options, ["pnpm soak", ...argv].join(" "));
  } finally {
    await runCleanups(log);
  }
  const { report, logPath } = result;
  const section = renderSoakSection(report);
  process.stdout.write(`\n${section}`);
  if (options.out) {
    const before = await readFile(options.out, "utf8").catch(() => "");
    await writeFile(options.out, replaceSoakSection(before, section));
    log(`Soak section written to ${options.out}`);
  }
  const failed = report.assertions.filter((a) => !a.pass);
  for (const a of failed) log(`FAILED: ${a.name}: ${a.detail}`);
  log(`the agent's log is kept at ${logPath}`);
  return failed.length > 0 ? 1 : 0;
}

// Exit explicitly: keep-alive sockets to the engine must not hold the process open.
process.exit(
  await main().catch((error: unknown) => {
    log(`failed: ${message(error)}`);
    return 1;
  }),
);
