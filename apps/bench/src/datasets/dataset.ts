import type { TestContainer } from "@lb/testing";

export type BuildLog = (line: string) => void;

/** A database filled for the bench, with what it takes to dump it by hand. */
export interface Dataset {
  /** `backup.type` of its container. */
  engine: "postgres" | "mysql" | "redis";
  title: string;
  serverVersion: string;
  container: TestContainer;
  /** What the size measures (on disk, in memory) and the size itself. */
  sizeBytes: number;
  sizeMeaning: string;
  buildSeconds: number;
  /**
   * The dump as the agent runs it, by hand: the same tool and options in the container
   * through `docker exec`, writing to stdout. `$C` names the container.
   */
  dumpCommand: string;
  /** Secrets the command passes with `docker exec -e NAME`, never in its arguments. */
  dumpEnv: Record<string, string>;
  /** Extra containers or servers to remove with the dataset. */
  remove(): Promise<void>;
}

/** Labels that make a container a target without ever firing during the bench. */
export function benchLabels(engine: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    "backup.enabled": "true",
    "backup.type": engine,
    // Midnight on 1 January: far from any bench run, so no scheduled backup interferes.
    "backup.cron": "0 0 1 1 *",
    "lb.bench": "true",
    ...extra,
  };
}
