import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { collectChildOutput } from "@lb/testing";
import type { Dataset } from "./datasets/dataset.js";
import { type Measurement, tail } from "./measurement.js";

/** The baseline pipeline: the dataset's dump command piped through `gzip -6` into a file. */
export function baselineCommand(dataset: Dataset): string {
  return `${dataset.dumpCommand} | gzip -6 > "$OUT"`;
}

function runShell(command: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // pipefail: a failing dump fails the pipeline, as it fails the agent's run.
    const child = spawn("bash", ["-o", "pipefail", "-c", command], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const output = collectChildOutput(child);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve((performance.now() - started) / 1000);
      else reject(new Error(`baseline pipeline exited ${code ?? signal}: ${tail(output.stderr())}`));
    });
  });
}

function commandEnv(dataset: Dataset, out: string): Record<string, string> {
  return { ...dataset.dumpEnv, C: dataset.container.name, OUT: out };
}

/** Times the baseline pipeline once, writing to `out`. */
export async function runBaseline(dataset: Dataset, out: string): Promise<Measurement> {
  const seconds = await runShell(baselineCommand(dataset), commandEnv(dataset, out));
  return { seconds, storedBytes: (await stat(out)).size };
}

/** One untimed dump to /dev/null, so every timed run finds the data in the page cache. */
export async function warmUp(dataset: Dataset): Promise<void> {
  await runShell(`${dataset.dumpCommand} > /dev/null`, commandEnv(dataset, "/dev/null"));
}
