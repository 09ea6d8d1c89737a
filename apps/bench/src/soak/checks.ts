import { median } from "../stats.js";

// The soak's verdicts, as pure functions of what it recorded (the agent's log lines, the
// webhooks received, RSS samples, file listings), so that each can be shown to fail in a
// unit test, apart from the hour it takes to produce real inputs.

export type LogLine = Record<string, unknown>;

export interface TimedLine {
  line: LogLine;
  /** Date.now() when the line arrived. */
  at: number;
}

/** When a line was written: the agent's own ISO `time`, else when it arrived. */
export function lineTime({ line, at }: TimedLine): number {
  const parsed = typeof line.time === "string" ? Date.parse(line.time) : Number.NaN;
  return Number.isNaN(parsed) ? at : parsed;
}

export interface Run {
  /** `target` of the log line: the identity the agent keeps one run at a time for. */
  target: string;
  container: string;
  startedAt: number;
  endedAt?: number;
  outcome?: "succeeded" | "failed";
  /** What the agent reported, when it did. */
  durationSeconds?: number;
  error?: string;
}

export interface RunPairing {
  runs: Run[];
  /** `backup.succeeded` or `backup.failed` with no `backup.started` before it: a run the log lost. */
  unmatchedEnds: Array<{ event: string; target: string; at: number }>;
  skipped: Array<{ target: string; container: string; at: number }>;
}

const text = (value: unknown) => (typeof value === "string" ? value : value === undefined ? "" : String(value));

/**
 * Pairs every `backup.started` with the next `backup.succeeded`/`backup.failed` of the same
 * target. The agent never runs two backups of one target at once, so a second start
 * before an end means the first run was never ended: it stays open, and so counts as stuck.
 */
export function pairRuns(lines: readonly TimedLine[]): RunPairing {
  const runs: Run[] = [];
  const open = new Map<string, Run>();
  const unmatchedEnds: RunPairing["unmatchedEnds"] = [];
  const skipped: RunPairing["skipped"] = [];
  for (const timed of lines) {
    const { line } = timed;
    // The webhook notifier logs each delivery with the payload's `event` and its URL as
    // `target`; only the runner's lines carry the container.
    if (typeof line.container !== "string" || line.notificationId !== undefined) continue;
    const event = text(line.event);
    const container = line.container;
    const target = text(line.target ?? container);
    const at = lineTime(timed);
    if (event === "backup.started") {
      const run: Run = { target, container, startedAt: at };
      runs.push(run);
      open.set(target, run);
    } else if (event === "backup.succeeded" || event === "backup.failed") {
      const run = open.get(target);
      if (!run) {
        unmatchedEnds.push({ event, target, at });
        continue;
      }
      open.delete(target);
      run.endedAt = at;
      run.outcome = event === "backup.succeeded" ? "succeeded" : "failed";
      if (typeof line.durationSeconds === "number") run.durationSeconds = line.durationSeconds;
      if (line.error !== undefined) run.error = text(line.error);
    } else if (event === "backup.skipped") {
      skipped.push({ target, container, at });
    }
  }
  return { runs, unmatchedEnds, skipped };
}

export const stuckRuns = (runs: readonly Run[]): Run[] => runs.filter((run) => run.endedAt === undefined);

/** The longer of the agent's own figure and the time between its two log lines. */
export function runSeconds(run: Run): number {
  const logged = run.endedAt === undefined ? Number.NaN : (run.endedAt - run.startedAt) / 1000;
  return Math.max(run.durationSeconds ?? 0, Number.isNaN(logged) ? 0 : logged);
}

export const overlongRuns = (runs: readonly Run[], limitSeconds: number): Run[] =>
  runs.filter((run) => run.endedAt !== undefined && runSeconds(run) > limitSeconds);

// Webhooks.

export interface ReceivedHook {
  body: string;
  /** The status the receiver answered: the agent retries anything else than 2xx, with the same id. */
  answered: number;
}

export interface WebhookTally {
  deliveries: number;
  distinctIds: number;
  /** Distinct notification ids per `notificationKey(event, container)`. */
  counts: Map<string, number>;
  /** Ids accepted (2xx) more than once: one notification delivered twice. */
  duplicates: string[];
  /** Ids sent with a different event or container on another delivery. */
  conflicting: string[];
  unreadable: number;
}

export const notificationKey = (event: string, container: string) => `${event} ${container}`;

/** Counts notifications, not deliveries: retries carry the same `id`, so they count once. */
export function tallyWebhooks(hooks: readonly ReceivedHook[]): WebhookTally {
  const byId = new Map<string, { key: string; accepted: number }>();
  const conflicting = new Set<string>();
  let unreadable = 0;
  for (const hook of hooks) {
    let payload: LogLine;
    try {
      payload = JSON.parse(hook.body) as LogLine;
    } catch {
      unreadable++;
      continue;
    }
    const id = text(payload.id);
    if (id === "") {
      unreadable++;
      continue;
    }
    const key = notificationKey(text(payload.event), text(payload.container_name));
    const seen = byId.get(id) ?? { key, accepted: 0 };
    if (seen.key !== key) conflicting.add(id);
    if (hook.answered >= 200 && hook.answered < 300) seen.accepted++;
    byId.set(id, seen);
  }
  const counts = new Map<string, number>();
  for (const { key } of byId.values()) counts.set(key, (counts.get(key) ?? 0) + 1);
  return {
    deliveries: hooks.length,
    distinctIds: byId.size,
    counts,
    duplicates: [...byId].filter(([, seen]) => seen.accepted > 1).map(([id]) => id),
    conflicting: [...conflicting],
    unreadable,
  };
}

/** What the log says should have been notified: one per finished run, one per skipped tick. */
export function expectedNotifications(pairing: RunPairing): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const run of pairing.runs) if (run.outcome) add(notificationKey(`backup.${run.outcome}`, run.container));
  for (const skip of pairing.skipped) add(notificationKey("backup.skipped", skip.container));
  return counts;
}

export interface NotificationMismatch {
  key: string;
  logged: number;
  notified: number;
}

/** Every backup event whose count in the log differs from the notifications received (GC's are not runs). */
export function compareNotifications(
  expected: ReadonlyMap<string, number>,
  notified: ReadonlyMap<string, number>,
): NotificationMismatch[] {
  const keys = new Set([...expected.keys(), ...notified.keys()].filter((key) => key.startsWith("backup.")));
  return [...keys]
    .sort()
    .map((key) => ({ key, logged: expected.get(key) ?? 0, notified: notified.get(key) ?? 0 }))
    .filter((m) => m.logged !== m.notified);
}

// Memory.

export interface RssSample {
  at: number;
  bytes: number;
}

export interface MemoryTrend {
  firstMedian: number;
  lastMedian: number;
  /** lastMedian / firstMedian - 1. */
  growth: number;
  firstCount: number;
  lastCount: number;
  pass: boolean;
  /** Why it cannot be judged, when it cannot. */
  reason?: string;
}

/**
 * RSS in the first fifth of [from, to] against the last fifth, by median (one sample taken
 * during a big dump must not decide it). Memory that keeps growing fails; fewer than three
 * samples in either fifth fail too, since nothing was shown.
 */
export function memoryTrend(samples: readonly RssSample[], from: number, to: number, maxGrowth = 0.25): MemoryTrend {
  const fifth = (to - from) / 5;
  const first = samples.filter((s) => s.at >= from && s.at < from + fifth).map((s) => s.bytes);
  const last = samples.filter((s) => s.at > to - fifth && s.at <= to).map((s) => s.bytes);
  const firstMedian = median(first);
  const lastMedian = median(last);
  const growth = lastMedian / firstMedian - 1;
  const base = { firstMedian, lastMedian, growth, firstCount: first.length, lastCount: last.length };
  if (first.length < 3 || last.length < 3) {
    return { ...base, pass: false, reason: `too few samples (${first.length} first, ${last.length} last)` };
  }
  return { ...base, pass: growth <= maxGrowth };
}

// Destinations.

export interface DestinationCheck {
  artifacts: number;
  manifests: number;
  temps: string[];
  artifactsWithoutManifest: string[];
  manifestsWithoutArtifact: string[];
}

/**
 * Sorts a destination's listing (paths or keys): the writer's temp files (by their
 * prefix), manifests (`<artifact>.manifest.json`) and artifacts, and pairs the last two.
 */
export function checkDestination(
  paths: readonly string[],
  tempPrefix = ".lb-partial-",
  manifestSuffix = ".manifest.json",
): DestinationCheck {
  const temps: string[] = [];
  const manifests = new Set<string>();
  const artifacts = new Set<string>();
  for (const path of paths) {
    const name = path.slice(path.lastIndexOf("/") + 1);
    if (name.startsWith(tempPrefix)) temps.push(path);
    else if (path.endsWith(manifestSuffix)) manifests.add(path.slice(0, -manifestSuffix.length));
    else artifacts.add(path);
  }
  return {
    artifacts: artifacts.size,
    manifests: manifests.size,
    temps,
    artifactsWithoutManifest: [...artifacts].filter((a) => !manifests.has(a)).sort(),
    manifestsWithoutArtifact: [...manifests]
      .filter((m) => !artifacts.has(m))
      .map((m) => `${m}${manifestSuffix}`)
      .sort(),
  };
}

// Faults.

export interface FaultWindow {
  id: number;
  kind: string;
  start: number;
  end: number;
  /** Containers the fault can make fail. */
  containers: "all" | readonly string[];
}

export interface Attribution {
  /** Failed runs per fault id. */
  byFault: Map<number, Run[]>;
  /** Failed runs no fault explains. */
  unexplained: Run[];
}

/**
 * A failed run is expected when it overlapped a fault that reaches its container: it ran
 * at some moment in [start, end + slack]. The first such fault takes it.
 */
export function attributeFailures(runs: readonly Run[], faults: readonly FaultWindow[], slackMs: number): Attribution {
  const byFault = new Map<number, Run[]>();
  const unexplained: Run[] = [];
  for (const run of runs) {
    if (run.outcome !== "failed" || run.endedAt === undefined) continue;
    const fault = faults.find(
      (f) =>
        (f.containers === "all" || f.containers.includes(run.container)) &&
        run.startedAt <= f.end + slackMs &&
        run.endedAt! >= f.start,
    );
    if (fault) byFault.set(fault.id, [...(byFault.get(fault.id) ?? []), run]);
    else unexplained.push(run);
  }
  return { byFault, unexplained };
}

/** Containers with no successful run started after `after`: the agent did not come back to them. */
export function notRecovered(runs: readonly Run[], containers: readonly string[], after: number): string[] {
  return containers.filter(
    (container) => !runs.some((r) => r.container === container && r.outcome === "succeeded" && r.startedAt > after),
  );
}
