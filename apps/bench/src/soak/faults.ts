import type { FaultWindow } from "./checks.js";
import type { Random } from "./random.js";

export const FAULT_KINDS = ["engine", "disk", "minio", "database", "hostile"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_TITLES: Record<FaultKind, string> = {
  engine: "Docker engine killed (SIGKILL) and restarted",
  disk: "local disk (tmpfs) filled to the last byte, then freed",
  minio: "MinIO killed (SIGKILL) mid-upload, restarted on the same port and data",
  database: "database container killed or paused while its dump runs",
  hostile: "hostile mongodump: garbage, silent hang, endless trickle, endless flood",
};

/**
 * How long each fault may take, waiting for its moment included: a fault is only begun
 * when it can end before the quiet tail, in which every target must succeed again.
 */
const ESTIMATE_SECONDS: Record<FaultKind, number> = { engine: 35, disk: 25, minio: 60, database: 60, hostile: 200 };

export interface FaultRecord extends FaultWindow {
  kind: FaultKind;
  /** What was done, with its timings. */
  action: string;
  /** What it did to the agent's runs. */
  effect: string;
  /** Something the agent did wrong that this fault showed (a hostile tool left running…): fails the soak. */
  problem?: string;
  /** The fault did not go as planned (no run to catch in time…): said, not held against the agent. */
  note?: string;
}

export type Injector = (id: number) => Promise<FaultRecord>;

export interface FaultPlanOptions {
  random: Random;
  /** Date.now() bounds: the first fault begins at `from`, the last must end by `to`. */
  from: number;
  to: number;
  injectors: Record<FaultKind, Injector>;
  /** True once the soak must stop injecting (the agent died, Ctrl-C). */
  stopped(): boolean;
  log(line: string): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Injects faults one at a time in a seeded order: every kind once per cycle, cycles
 * reshuffled, seeded gaps of 15–30 s between the end of one and the start of the next.
 * A kind whose estimate does not fit before `to` gives way to one that does.
 */
export async function runFaultPlan(options: FaultPlanOptions): Promise<FaultRecord[]> {
  const { random, injectors, log } = options;
  const records: FaultRecord[] = [];
  let pending: FaultKind[] = [];
  let next = options.from;
  for (;;) {
    if (pending.length === 0) pending = random.shuffle(FAULT_KINDS);
    const fits = (kind: FaultKind) => next + ESTIMATE_SECONDS[kind] * 1000 <= options.to;
    // When none left in this cycle fits, the kind injected least so far that does.
    const times = (kind: FaultKind) => records.filter((r) => r.kind === kind).length;
    const kind =
      pending.find(fits) ??
      random
        .shuffle(FAULT_KINDS)
        .filter(fits)
        .sort((a, b) => times(a) - times(b))[0];
    if (!kind) break;
    pending = pending.filter((k) => k !== kind);
    while (Date.now() < next && !options.stopped()) await sleep(Math.min(500, next - Date.now()));
    if (options.stopped()) break;
    const id = records.length + 1;
    log(`fault ${id} (${kind}): ${FAULT_TITLES[kind]}`);
    const began = Date.now();
    // A fault that could not be carried out is reported as such; the soak goes on with the rest.
    const record = await injectors[kind](id).catch(
      (error: unknown): FaultRecord => ({
        id,
        kind,
        start: began,
        end: Date.now(),
        containers: "all",
        action: FAULT_TITLES[kind],
        effect: "not carried out",
        note: `the soak could not inject it: ${error instanceof Error ? error.message : String(error)}`,
      }),
    );
    records.push(record);
    log(`fault ${id} (${kind}) over after ${((record.end - record.start) / 1000).toFixed(1)} s: ${record.effect}`);
    if (record.problem) log(`fault ${id} (${kind}) PROBLEM: ${record.problem}`);
    if (record.note) log(`fault ${id} (${kind}) note: ${record.note}`);
    next = Math.max(Date.now(), record.end) + random.between(15_000, 30_000);
  }
  return records;
}
