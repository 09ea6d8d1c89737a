import type { PrivateDockerEngine } from "@lb/testing";
import type { AgentProcess } from "../agent-process.js";
import type { LogLine } from "./checks.js";
import type { FaultKind, Injector } from "./faults.js";
import { HOSTILE_MODES, leftoverToolProcesses, startHostileTarget } from "./hostile.js";
import type { SoakMinio } from "./minio.js";
import type { Random } from "./random.js";
import type { TargetSet } from "./targets.js";
import type { SmallDisk } from "./tmpfs.js";

export interface InjectorContext {
  engine: PrivateDockerEngine;
  agent: AgentProcess;
  httpPort: number;
  disk: SmallDisk;
  minio: SoakMinio;
  targets: TargetSet;
  runId: string;
  random: Random;
  log(line: string): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const timeOf = (line: LogLine) => {
  const parsed = Date.parse(String(line.time));
  return Number.isNaN(parsed) ? Date.now() : parsed;
};
const short = (text: unknown) => {
  const s = String(text ?? "");
  return s.length > 220 ? `${s.slice(0, 220)}…` : s;
};
const timeOfOrNaN = (line: LogLine) => Date.parse(String(line.time));
const isEnd = (line: LogLine) => line.event === "backup.succeeded" || line.event === "backup.failed";

/** The first line written at or after `since` that matches, or undefined after `timeoutMs` (or the agent's exit). */
function lineAfter(
  agent: AgentProcess,
  since: number,
  match: (line: LogLine) => boolean,
  timeoutMs: number,
): Promise<LogLine | undefined> {
  return agent
    .waitFor((line) => timeOfOrNaN(line) >= since && match(line), timeoutMs)
    .then(
      (found) => found.line,
      () => undefined,
    );
}
/** How the run of `container` that started at `startedAt` ended, in words. */
async function endOfRun(agent: AgentProcess, container: string, startedAt: number, timeoutMs = 120_000) {
  const end = await lineAfter(agent, startedAt, (l) => isEnd(l) && l.container === container, timeoutMs);
  if (!end) return `no end within ${seconds(timeoutMs)}`;
  const took = seconds(timeOf(end) - startedAt);
  return end.event === "backup.succeeded" ? `succeeded after ${took}` : `failed after ${took}: ${short(end.error)}`;
}

/** Containers with a run in progress at `at`, from the log. */
function runningAt(agent: AgentProcess, at: number): string[] {
  const open = new Set<string>();
  for (const line of agent.lines((l) => l.event === "backup.started" || isEnd(l))) {
    if (timeOf(line) > at) break;
    if (line.event === "backup.started") open.add(String(line.container));
    else open.delete(String(line.container));
  }
  return [...open];
}

/** Raw bytes the running backup of `target` has read, from /metrics. */
async function inProgressBytes(port: number, target: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) });
  const prefix = `label_backup_in_progress_bytes{target="${target}"}`;
  const line = (await response.text()).split("\n").find((l) => l.startsWith(prefix));
  return Number(line?.split(" ").at(-1) ?? 0);
}

const names = (list: string[]) => (list.length > 0 ? list.join(", ") : "none");

function engineFault(ctx: InjectorContext): Injector {
  return async (id) => {
    const { engine, agent, targets, random } = ctx;
    const downMs = Math.round(random.between(3000, 8000));
    const start = Date.now();
    const running = runningAt(agent, start);
    await engine.kill();
    await sleep(downMs);
    await engine.restart();
    const restartedAt = Date.now();
    // Containers without a running server are useless to the agent: wait until each answers.
    const back = await Promise.allSettled(targets.targets.map((t) => t.bringBack(120_000)));
    const startedByUs = targets.targets.filter((_, i) => {
      const b = back[i]!;
      return b.status === "fulfilled" && b.value.startedByUs;
    });
    const lost = targets.targets.filter((_, i) => back[i]!.status === "rejected");
    const end = Date.now();
    const disconnects = agent.lines((l) => l.event === "engine.disconnected" && timeOf(l) >= start).length;
    return {
      id,
      kind: "engine",
      start,
      end,
      containers: "all",
      action: `dockerd SIGKILLed, restarted ${seconds(downMs)} later; every server answering ${seconds(end - restartedAt)} after that`,
      effect: `runs in progress at the kill: ${names(running)}; \`engine.disconnected\` logged ${disconnects}×; containers the engine left stopped, started by the soak: ${startedByUs.length} of ${targets.targets.length}`,
      ...(lost.length > 0 ? { note: `did not come back: ${names(lost.map((t) => t.name))}` } : {}),
    };
  };
}

function diskFault(ctx: InjectorContext): Injector {
  return async (id) => {
    const { disk, agent, targets, random } = ctx;
    const local = targets.targets.filter((t) => t.dest === "local").map((t) => t.name);
    const start = Date.now();
    const running = runningAt(agent, start);
    const filled = await disk.fill();
    const holdMs = Math.round(random.between(18_000, 22_000));
    await sleep(holdMs);
    await disk.free();
    const end = Date.now();
    const failed = agent.lines(
      (l) => l.event === "backup.failed" && local.includes(String(l.container)) && timeOf(l) >= start,
    );
    const reasons = [...new Set(failed.map((l) => short(l.error)))];
    return {
      id,
      kind: "disk",
      start,
      end,
      containers: local,
      action: `${(filled / 2 ** 20).toFixed(1)} MiB written until ENOSPC, freed ${seconds(holdMs)} later`,
      effect: `runs in progress at the fill: ${names(running)}; local runs failed while full: ${failed.length}${reasons.length > 0 ? ` (${reasons.slice(0, 2).join(" / ")})` : ""}`,
    };
  };
}

function minioFault(ctx: InjectorContext): Injector {
  return async (id) => {
    const { agent, minio, targets, random, httpPort } = ctx;
    const big = targets.big.name;
    const remote = targets.targets.filter((t) => t.dest === "remote").map((t) => t.name);
    // Mid-upload: the big dump's run has read 12 MiB, so the first 5 MiB parts are on their way.
    const deadline = Date.now() + 100_000;
    let hit: { startedAt: number; bytes: number } | undefined;
    while (!hit && Date.now() < deadline) {
      const started = await lineAfter(
        agent,
        Date.now(),
        (l) => l.event === "backup.started" && l.container === big,
        deadline - Date.now(),
      );
      if (!started) break;
      const startedAt = timeOf(started);
      for (;;) {
        const bytes = await inProgressBytes(httpPort, big).catch(() => 0);
        if (bytes >= 12 * 2 ** 20) {
          hit = { startedAt, bytes };
          break;
        }
        if (agent.lines((l) => isEnd(l) && l.container === big && timeOf(l) >= startedAt).length > 0) break;
        await sleep(100);
      }
    }
    const start = Date.now();
    const running = runningAt(agent, start);
    await minio.kill();
    const downMs = Math.round(random.between(8000, 12_000));
    await sleep(downMs);
    await minio.restart();
    const end = Date.now();
    const outcome = hit ? await endOfRun(agent, big, hit.startedAt) : "no run of it was caught mid-upload";
    return {
      id,
      kind: "minio",
      start,
      end,
      containers: remote,
      action: `${hit ? `${big} had read ${(hit.bytes / 2 ** 20).toFixed(1)} MiB; ` : ""}MinIO SIGKILLed, restarted ${seconds(downMs)} later on the same port and data`,
      effect: `runs in progress at the kill: ${names(running)}; ${big}'s run ${outcome}`,
      ...(hit ? {} : { note: `no run of ${big} was caught mid-upload within 100 s; MinIO was killed anyway` }),
    };
  };
}

function databaseFault(ctx: InjectorContext): Injector {
  let count = 0;
  return async (id) => {
    const { agent, engine, targets, random } = ctx;
    const big = targets.big;
    // Kill first, the harsher of the two, so a run with one database fault has it; then pause.
    const pause = count++ % 2 === 1;
    const started = await lineAfter(
      agent,
      Date.now(),
      (l) => l.event === "backup.started" && l.container === big.name,
      90_000,
    );
    if (started) await sleep(500);
    const start = Date.now();
    const container = engine.docker.getContainer(big.container.id);
    let action: string;
    if (pause) {
      const holdMs = Math.round(random.between(14_000, 16_000));
      await container.pause();
      await sleep(holdMs);
      await container.unpause();
      action = `${big.name} paused for ${seconds(holdMs)} (under BACKUP_STALL_TIMEOUT)`;
    } else {
      await container.kill();
      await sleep(3000);
      const back = await big.bringBack(120_000);
      action = `${big.name} killed (docker kill), started again${back.startedByUs ? " by the soak" : ""} and answering after ${seconds(Date.now() - start)}`;
    }
    const end = Date.now();
    const outcome = started ? await endOfRun(agent, big.name, timeOf(started)) : "not caught running";
    return {
      id,
      kind: "database",
      start,
      end,
      containers: [big.name],
      action: `${action}${started ? ", 0.5 s after its backup.started" : ""}`,
      effect: `its run ${outcome}`,
      ...(started ? {} : { note: `no run of ${big.name} started within 90 s; the fault struck an idle container` }),
    };
  };
}

function hostileFault(ctx: InjectorContext): Injector {
  return async (id) => {
    const { agent, engine, runId } = ctx;
    const start = Date.now();
    const container = await startHostileTarget(engine.docker, runId);
    // One run per mode; the ticks in between (every 10 s) find the previous run going and are skipped.
    // Ticks every 10 s, runs of 0, 20 (stall), 60 (timeout) and up to 60 s, a tick's wait before each.
    const deadline = start + 200_000;
    const ends: LogLine[] = [];
    while (ends.length < HOSTILE_MODES.length && Date.now() < deadline) {
      const end = await lineAfter(
        agent,
        ends.length > 0 ? timeOf(ends[ends.length - 1]!) + 1 : start,
        (l) => isEnd(l) && l.container === container.name,
        deadline - Date.now(),
      );
      if (!end) break;
      ends.push(end);
    }
    // When every run has ended, whatever of the tool still runs was left behind.
    const allEnded = ends.length === HOSTILE_MODES.length;
    const leftovers = allEnded
      ? await leftoverToolProcesses(container).catch((error: Error) => [`cannot tell: ${error.message}`])
      : [];
    await container.remove();
    const end = Date.now();
    const skipped = agent.lines(
      (l) => l.event === "backup.skipped" && l.container === container.name && timeOf(l) >= start,
    ).length;
    const runs = ends.map(
      (l, i) =>
        `${HOSTILE_MODES[i]}: ${l.event === "backup.failed" ? `failed after ${Number(l.durationSeconds ?? 0).toFixed(1)} s (${short(l.error)})` : "SUCCEEDED"}`,
    );
    const succeeded = ends.filter((l) => l.event === "backup.succeeded").length;
    // The flood's 15 MiB "document" of zeros is no BSON: the archive check has the stream as
    // corrupt once it is read, yet only the end of the stream turns that into a failure.
    const flood = ends[3];
    const observation =
      flood && String(flood.error ?? "").includes("BACKUP_TIMEOUT")
        ? "observation: the flood ran until BACKUP_TIMEOUT although its archive was already corrupt after 15 MiB; with the default BACKUP_TIMEOUT (12 h) it would run 12 h, with 0 for ever"
        : undefined;
    const problems = [
      ...(succeeded > 0 ? [`${succeeded} run(s) of a hostile tool counted as a success`] : []),
      ...(leftovers.length > 0 ? [`tool processes left running after their runs ended: ${leftovers.join("; ")}`] : []),
    ];
    return {
      id,
      kind: "hostile",
      start,
      end,
      containers: [container.name],
      action: `${container.name} (backup.type=mongodb, backup.mode=exec, every 10 s) with a hostile mongodump, removed after ${ends.length} runs`,
      effect: `${runs.join("; ")}; ${skipped} ticks skipped as overlaps${observation ? `. ${observation}` : ""}`,
      ...(problems.length > 0 ? { problem: problems.join("; ") } : {}),
      // Fewer runs is the queue's doing as much as the agent's: a run that never ends fails the stuck-run check instead.
      ...(ends.length < HOSTILE_MODES.length
        ? {
            note: `only ${ends.length} of ${HOSTILE_MODES.length} runs ended within 200 s; the last was cut by removing the container`,
          }
        : {}),
    };
  };
}

export function soakInjectors(ctx: InjectorContext): Record<FaultKind, Injector> {
  return {
    engine: engineFault(ctx),
    disk: diskFault(ctx),
    minio: minioFault(ctx),
    database: databaseFault(ctx),
    hostile: hostileFault(ctx),
  };
}
