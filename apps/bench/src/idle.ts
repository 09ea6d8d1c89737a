import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { type AgentProcess, startAgentProcess } from "./agent-process.js";
import { onCleanup } from "./cleanup.js";
import { cpuSeconds, statusBytes } from "./proc.js";
import { growSleepers, removeContainers } from "./sleepers.js";
import { max, median } from "./stats.js";

export interface IdleOptions {
  bin: string;
  image: string;
  runId: string;
  idleContainers: number;
  reconcileContainers: number;
  sampleSeconds: number;
  /** Agent starts timed per container count. */
  starts: number;
  reserveBytes: number;
  log: (line: string) => void;
}

export interface IdleResult {
  idleContainers: number;
  idleRssMedianBytes: number;
  idleRssMaxBytes: number;
  idleCpuPercent: number;
  sampleSeconds: number;
  /** Spawn to "agent.started" with no labelled container: Node start-up and engine connection. */
  emptyStartSeconds: number;
  reconcileContainers: number;
  /** 1-minute load average just before those starts: the time is sensitive to it. */
  loadAtStarts: number;
  /** Spawn to "agent.started" (which follows the first full reconcile), median of `starts`. */
  startSecondsMedian: number;
  startSeconds: number[];
  /** Container started to its "job.added" line, with the agent running over all the others. */
  followSecondsMedian: number;
  /** VmRSS after start-up with `reconcileContainers` targets. */
  rssAtReconcileCountBytes: number;
  /** Why fewer containers than asked were started, if so. */
  shortfall?: string;
  /** Reconcile durations the agent logged (seconds), first included; empty when it logs none. */
  reconcileDurations: number[];
  /** Agents that did not stop cleanly on SIGTERM. */
  stopProblems: string[];
}

const isEvent = (event: string) => (line: Record<string, unknown>) => line.event === event;

/** Problems seen while stopping agents: a hung shutdown is a finding, not a reason to hang. */
const stopProblems: string[] = [];

async function withAgent<T>(bin: string, run: (agent: AgentProcess) => Promise<T>): Promise<T> {
  const backups = await mkdtemp(join(tmpdir(), "lb-bench-idle-"));
  // HTTP off (HTTP_PORT=0): the idle cost of discovery and scheduling alone.
  const agent = startAgentProcess(bin, { HTTP_PORT: "0", LOCAL_BACKUP_PATH: backups, LOG_LEVEL: "info" });
  const stop = onCleanup(`agent ${agent.pid}`, async () => {
    const problem = await agent.stop();
    if (problem) stopProblems.push(problem);
  });
  try {
    return await run(agent);
  } finally {
    await stop();
    await rm(backups, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Time from spawn to "agent.started", in seconds. */
async function timedStart(bin: string, keepRunning?: (agent: AgentProcess) => Promise<void>): Promise<number> {
  return withAgent(bin, async (agent) => {
    const { at } = await agent.waitFor(isEvent("agent.started"));
    await keepRunning?.(agent);
    return (at - agent.startedAt) / 1000;
  });
}

/**
 * The agent's cost at rest and its discovery speed: start-up with no targets; RSS and
 * CPU over `sampleSeconds` with `idleContainers` labelled containers; start-up (first
 * full reconcile) with `reconcileContainers`; and how fast it picks up one more.
 */
export async function measureIdle(docker: Docker, options: IdleOptions): Promise<IdleResult> {
  const { bin, log } = options;
  const ids: string[] = [];
  const removeAll = onCleanup("labelled containers", () => removeContainers(docker, ids));
  const sleepers = {
    image: options.image,
    namePrefix: `lb-bench-idle-${options.runId}`,
    reserveBytes: options.reserveBytes,
    log,
  };
  try {
    const emptyStartSeconds = await timedStart(bin);
    log(`agent start-up with no targets: ${emptyStartSeconds.toFixed(2)} s`);

    let shortfall = await growSleepers(docker, ids, options.idleContainers, sleepers);
    const idleContainers = ids.length;
    const idle = await withAgent(bin, async (agent) => {
      await agent.waitFor(isEvent("agent.started"));
      await sleep(2000);
      const cpuBefore = cpuSeconds(agent.pid) ?? 0;
      const t0 = performance.now();
      const rss: number[] = [];
      while (performance.now() - t0 < options.sampleSeconds * 1000) {
        await sleep(1000);
        const value = statusBytes(agent.pid, "VmRSS");
        if (value !== undefined) rss.push(value);
      }
      const cpu = (cpuSeconds(agent.pid) ?? cpuBefore) - cpuBefore;
      return { rss, cpuPercent: (cpu / ((performance.now() - t0) / 1000)) * 100 };
    });
    log(
      `idle with ${idleContainers} targets: RSS ${(median(idle.rss) / 1e6).toFixed(0)} MB, CPU ${idle.cpuPercent.toFixed(2)} %`,
    );

    shortfall = (await growSleepers(docker, ids, options.reconcileContainers, sleepers)) ?? shortfall;
    const reconcileContainers = ids.length;
    const loadAtStarts = loadavg()[0] ?? 0;
    const startSeconds: number[] = [];
    for (let i = 0; i < options.starts - 1; i++) startSeconds.push(await timedStart(bin));
    const follow: number[] = [];
    let rssAtReconcileCountBytes = 0;
    let reconcileDurations: number[] = [];
    startSeconds.push(
      await timedStart(bin, async (agent) => {
        await sleep(2000);
        rssAtReconcileCountBytes = statusBytes(agent.pid, "VmRSS") ?? 0;
        log(`RSS after start-up: ${(rssAtReconcileCountBytes / 1e6).toFixed(0)} MB; adding one container at a time`);
        // One more target, three times: event, coalescing delay, then a full reconcile of all of them.
        for (let i = 0; i < 3; i++) {
          const index = ids.length;
          const grown = await growSleepers(docker, ids, index + 1, sleepers, 1);
          if (grown) throw new Error(grown);
          const t = performance.now();
          const name = `${sleepers.namePrefix}-${index}`;
          const { at } = await agent.waitFor((line) => line.event === "job.added" && line.container === name, 60_000);
          follow.push((at - t) / 1000);
        }
        log(`one more container scheduled after ${follow.map((f) => f.toFixed(2)).join(", ")} s`);
        // If the agent logs how long a reconcile took, wait for a periodic one and keep them all.
        const timed = (line: Record<string, unknown>) =>
          typeof line.event === "string" && line.event.startsWith("reconcile.") && typeof line.durationMs === "number";
        await agent.waitFor(timed, 15_000).catch(() => undefined);
        reconcileDurations = agent.lines(timed).map((line) => Number(line.durationMs) / 1000);
      }),
    );
    log(`agent start-up with ${reconcileContainers} targets: ${startSeconds.map((s) => s.toFixed(2)).join(", ")} s`);
    return {
      idleContainers,
      idleRssMedianBytes: median(idle.rss),
      idleRssMaxBytes: max(idle.rss),
      idleCpuPercent: idle.cpuPercent,
      sampleSeconds: options.sampleSeconds,
      emptyStartSeconds,
      reconcileContainers,
      loadAtStarts,
      startSecondsMedian: median(startSeconds),
      startSeconds,
      followSecondsMedian: median(follow),
      rssAtReconcileCountBytes,
      ...(shortfall ? { shortfall } : {}),
      reconcileDurations,
      stopProblems: [...stopProblems],
    };
  } finally {
    log(`removing ${ids.length} labelled containers…`);
    // What was measured stays measured when the engine fails to remove them.
    await removeAll().catch((error: unknown) => {
      log(`could not remove every labelled container: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}
