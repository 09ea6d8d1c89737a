import { parseArgs } from "node:util";

export interface SoakOptions {
  /** How long the agent runs under faults, from `agent.started` to SIGTERM. */
  minutes: number;
  /** Fault order and timing; the same seed gives the same plan. */
  seed: number;
  /** Where the Soak section is written; undefined prints it only. */
  out: string | undefined;
}

export const SOAK_USAGE = `Usage: pnpm soak [-- options]

  --minutes N   how long the agent runs while faults are injected (default 10; a fault
                cycle needs about 8)
  --seed N      fault order and timing (default 1): the same seed, the same plan
  --out PATH    the file whose "## Soak" section is written or replaced (default
                BENCHMARKS.md); - prints only`;

export function parseSoakOptions(argv: string[], defaultOut: string): SoakOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      minutes: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const minutes = values.minutes === undefined ? 10 : Number(values.minutes);
  // Fractions are allowed for quick trials; below one minute not even the warm-up fits.
  if (!Number.isFinite(minutes) || minutes < 1) {
    throw new Error(`--minutes must be a number from 1, got "${values.minutes}"`);
  }
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a whole number, got "${values.seed}"`);
  return { minutes, seed, out: values.out === "-" ? undefined : (values.out ?? defaultOut) };
}
