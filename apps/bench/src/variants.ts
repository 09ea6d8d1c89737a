import { join } from "node:path";
import { runAgentBackup } from "./agent-run.js";
import { runBaseline } from "./baseline.js";
import type { Dataset } from "./datasets/dataset.js";
import type { RemoteTarget } from "./remote.js";
import type { Variant } from "./rounds.js";

export interface VariantChoices {
  bin: string;
  /** Also run the agent with COMPRESSION_THREADS=2. */
  threads: boolean;
  remote?: RemoteTarget;
}

/** The ways of backing up one dataset that the rounds alternate between. */
export function backupVariants(dataset: Dataset, choices: VariantChoices): Variant[] {
  const { bin } = choices;
  const target = dataset.container.name;
  const variants: Variant[] = [
    {
      id: "baseline",
      title: "baseline: shell pipeline, gzip -6",
      kind: "baseline",
      run: (dir) => runBaseline(dataset, join(dir, "dump.gz")),
    },
    {
      id: "agent-local",
      title: "agent → local disk",
      kind: "agent",
      run: (dir) => runAgentBackup({ bin, target, backupDir: dir }),
    },
  ];
  if (choices.threads) {
    variants.push({
      id: "agent-threads",
      title: "agent → local disk, COMPRESSION_THREADS=2",
      kind: "agent",
      run: (dir) => runAgentBackup({ bin, target, backupDir: dir, env: { COMPRESSION_THREADS: "2" } }),
    });
  }
  const remote = choices.remote;
  if (remote) {
    variants.push({
      id: "agent-remote",
      title: "agent → MinIO (S3, loopback)",
      kind: "agent",
      run: async (dir) => runAgentBackup({ bin, target: remote.target, backupDir: dir, env: await remote.env() }),
    });
  }
  return variants;
}
