import type { Artifact, Manifest } from "@lb/core";
import { MANIFEST_VERSION } from "@lb/core";

export const DAY = 86_400;
export const HOUR = 3_600;
export const NOW = new Date("2026-11-26T12:00:00.000Z");

/** An instant `seconds` before `from`, as a manifest records it. */
export function ago(seconds: number, from: Date = NOW): string {
  return new Date(from.getTime() - seconds * 1000).toISOString();
}

export function manifestOf(key: string, overrides: Partial<Manifest> = {}): Manifest {
  return {
    manifestVersion: MANIFEST_VERSION,
    artifactKey: key,
    target: "app",
    engine: "postgres",
    database: "appdb",
    containerId: "0123456789ab",
    containerName: "app-db-1",
    compression: "gzip",
    rawBytes: 10,
    storedBytes: 5,
    sha256: "0".repeat(64),
    retentionSeconds: 7 * DAY,
    startedAt: NOW.toISOString(),
    durationSeconds: 1,
    ...overrides,
  };
}

let counter = 0;

/** A listed backup of `target` started at `startedAt`, with a key unique to this run. */
export function artifact(target: string, startedAt: string, overrides: Partial<Manifest> = {}): Artifact {
  counter += 1;
  const key = `${target}/postgres-appdb-${counter.toString().padStart(5, "0")}.sql.gz`;
  return { key, manifest: manifestOf(key, { target, startedAt, ...overrides }) };
}

export const keysOf = (items: readonly { artifact: Artifact }[]) => items.map((item) => item.artifact.key);
