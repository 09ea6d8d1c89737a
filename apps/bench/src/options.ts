import { parseArgs } from "node:util";
import { parseSize } from "./stats.js";

export interface BenchOptions {
  /** Target size of the PostgreSQL database on disk. */
  sizeBytes: number;
  sizeText: string;
  /** A second, larger PostgreSQL database, to show that memory stays flat; 0 skips it. */
  largeSizeBytes: number;
  largeRounds: number;
  /** Target size of the MariaDB and Redis datasets; 0 skips them. */
  otherSizeBytes: number;
  rounds: number;
  backups: boolean;
  idle: boolean;
  idleContainers: number;
  reconcileContainers: number;
  idleSeconds: number;
  /** Where the report goes; undefined prints it only. */
  out: string | undefined;
}

export const USAGE = `Usage: pnpm bench [-- options]

  --size SIZE               PostgreSQL database size on disk: 64m (quick), 1g (default), 4g
  --rounds N                timed rounds, alternating baseline and agent (default 3)
  --large-size SIZE         also a second PostgreSQL database of this size (e.g. 4g), to show
                            that the agent's memory does not grow with the database
  --large-rounds N          rounds on the large database (default 1)
  --other-size SIZE         MariaDB and Redis dataset size (default: --size, at most 256m); 0 skips them
  --no-backups              skip the datasets and backups (idle and reconcile only)
  --no-idle                 skip the idle and reconcile measurements
  --idle-containers N       labelled containers for the idle cost (default 200)
  --reconcile-containers N  labelled containers for the reconcile time (default 1000)
  --idle-seconds N          how long idle RSS and CPU are sampled (default 30)
  --out PATH                where the report is written (default BENCHMARKS.md); - prints only`;

function positiveInteger(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number from 1, got "${text}"`);
  return value;
}

function size(text: string, name: string): number {
  const bytes = parseSize(text);
  if (bytes === undefined) throw new Error(`--${name} must be a size such as 64m, 1g or 4g, got "${text}"`);
  return bytes;
}

/** Reads the command line; throws with a message for the user on bad input. */
export function parseBenchOptions(argv: string[], defaultOut: string): BenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      size: { type: "string", default: "1g" },
      rounds: { type: "string" },
      "large-size": { type: "string" },
      "large-rounds": { type: "string" },
      "other-size": { type: "string" },
      "no-backups": { type: "boolean" },
      "no-idle": { type: "boolean" },
      "idle-containers": { type: "string" },
      "reconcile-containers": { type: "string" },
      "idle-seconds": { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const sizeBytes = size(values.size, "size");
  const large = values["large-size"];
  const largeSizeBytes = large === undefined || large === "0" ? 0 : size(large, "large-size");
  if (largeSizeBytes > 0 && largeSizeBytes <= sizeBytes) {
    throw new Error(`--large-size must be larger than --size (${values.size}), got "${large}"`);
  }
  const other = values["other-size"];
  const otherSizeBytes =
    other === undefined ? Math.min(sizeBytes, 256 * 2 ** 20) : other === "0" ? 0 : size(other, "other-size");
  return {
    sizeBytes,
    sizeText: values.size,
    otherSizeBytes,
    rounds: positiveInteger(values.rounds, "rounds", 3),
    largeSizeBytes,
    largeRounds: positiveInteger(values["large-rounds"], "large-rounds", 1),
    backups: values["no-backups"] !== true,
    idle: values["no-idle"] !== true,
    idleContainers: positiveInteger(values["idle-containers"], "idle-containers", 200),
    reconcileContainers: positiveInteger(values["reconcile-containers"], "reconcile-containers", 1000),
    idleSeconds: positiveInteger(values["idle-seconds"], "idle-seconds", 30),
    out: values.out === "-" ? undefined : (values.out ?? defaultOut),
  };
}
