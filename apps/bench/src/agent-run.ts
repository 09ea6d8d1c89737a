import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { collectChildOutput } from "@lb/testing";
import { type Measurement, tail } from "./measurement.js";
import { watchPeakRss } from "./peak-rss.js";

export interface AgentBackupOptions {
  /** apps/agent/bin/label-backup.js */
  bin: string;
  /** The container (or target) name given to `label-backup backup`. */
  target: string;
  /** LOCAL_BACKUP_PATH of this run. */
  backupDir: string;
  /** More agent settings: S3, COMPRESSION_THREADS… */
  env?: Record<string, string>;
}

interface Sizes {
  rawBytes: number;
  storedBytes: number;
}

/** The sizes in the manifest the run left beside its artifact (local runs only). */
async function manifestSizes(dir: string): Promise<Sizes | undefined> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(".json")) continue;
    const parsed = JSON.parse(await readFile(join(entry.parentPath, entry.name), "utf8")) as Partial<Sizes>;
    if (typeof parsed.rawBytes === "number" && typeof parsed.storedBytes === "number") {
      return { rawBytes: parsed.rawBytes, storedBytes: parsed.storedBytes };
    }
  }
  return undefined;
}

const UNITS: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/** "  1.2 GiB dumped, 301.4 MiB stored, sha256 …": the command's summary, to 0.1 of a unit. */
function summaryBytes(stdout: string, what: "dumped" | "stored"): number | undefined {
  const match = new RegExp(`([\\d.]+) (B|KiB|MiB|GiB|TiB) ${what}`).exec(stdout);
  return match ? Number(match[1]) * UNITS[match[2]!]! : undefined;
}

/**
 * `label-backup backup <target>` through the agent's bin, as a user runs it: wall time
 * from spawn to exit, and the process's peak RSS polled from /proc every 50 ms.
 */
export function runAgentBackup(options: AgentBackupOptions): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [options.bin, "backup", options.target], {
      env: {
        PATH: process.env.PATH ?? "",
        DOCKER_HOST: process.env.DOCKER_HOST ?? "",
        LOCAL_BACKUP_PATH: options.backupDir,
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const peak = watchPeakRss(child.pid ?? 0);
    const output = collectChildOutput(child);
    child.on("error", (error) => {
      peak.stop();
      reject(error);
    });
    child.on("exit", (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      const peakRssBytes = peak.stop();
      if (code !== 0) {
        reject(new Error(`label-backup backup exited ${code ?? signal}: ${tail(output.stderr(), 4)}`));
        return;
      }
      // Remote runs leave no manifest here: their sizes come from the command's summary.
      void manifestSizes(options.backupDir).then(
        (sizes) =>
          resolve({
            seconds,
            peakRssBytes,
            rawBytes: sizes?.rawBytes ?? summaryBytes(output.stdout(), "dumped"),
            storedBytes: sizes?.storedBytes ?? summaryBytes(output.stdout(), "stored") ?? Number.NaN,
          }),
        reject,
      );
    });
  });
}
