import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Measurement } from "./measurement.js";

/** One way of backing up the dataset, timed once per round. */
export interface Variant {
  id: string;
  title: string;
  kind: "baseline" | "agent";
  /** Runs once, writing whatever it writes locally under `dir`. */
  run(dir: string): Promise<Measurement>;
}

export interface VariantResult {
  id: string;
  title: string;
  kind: "baseline" | "agent";
  runs: Measurement[];
  /** Why it has fewer runs than rounds: its first failure. */
  failure?: string;
}

/**
 * `rounds` rounds; in each, every variant runs once, in an order rotated by one per
 * round so that none always goes first (cold) or last. Each run gets an empty folder,
 * deleted afterwards. A variant that fails is not run again.
 */
export async function runRounds(
  variants: Variant[],
  rounds: number,
  scratch: string,
  log: (line: string) => void,
): Promise<VariantResult[]> {
  const results = variants.map((v): VariantResult => ({ id: v.id, title: v.title, kind: v.kind, runs: [] }));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const index = (i + round) % variants.length;
      const variant = variants[index]!;
      const result = results[index]!;
      if (result.failure) continue;
      const dir = join(scratch, `${variant.id}-${round + 1}`);
      await mkdir(dir, { recursive: true });
      try {
        const m = await variant.run(dir);
        result.runs.push(m);
        const rss = m.peakRssBytes ? `, peak RSS ${(m.peakRssBytes / 1e6).toFixed(0)} MB` : "";
        log(`round ${round + 1}/${rounds} ${variant.title}: ${m.seconds.toFixed(2)} s${rss}`);
      } catch (error) {
        result.failure = error instanceof Error ? error.message : String(error);
        log(`round ${round + 1}/${rounds} ${variant.title}: FAILED ${result.failure}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
  return results;
}
