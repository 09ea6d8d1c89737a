import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { BackupSpec, ContainerRuntime, Dumper, Logger, Manifest, RunningDump, Writer } from "@lb/core";
import {
  artifactKeyFor,
  CountingStream,
  DumpError,
  EndGate,
  errorMessage,
  MANIFEST_VERSION,
  MeasuringStream,
  ParallelGzip,
  RuntimeError,
  WriteError,
} from "@lb/core";
import { expectedBytesFor, type S3WriteOptions } from "@lb/writers";

export interface BackupDependencies {
  runtime: ContainerRuntime;
  dumperFor(engine: string): Dumper | undefined;
  writer: Writer;
  logger: Logger;
  signal: AbortSignal;
  /** gzip level, and how many blocks to compress at once (1 = one plain gzip stream). */
  compression: { level: number; threads: number };
  /** Told the raw byte count as the dump flows, for progress and the stall watchdog. */
  onProgress?(rawBytes: number): void;
}

export interface BackupArtifact {
  key: string;
  location: string;
  storedBytes: number;
  rawBytes: number;
  sha256: string;
}

export type BackupOutcome =
  | { success: true; startedAt: Date; durationSeconds: number; artifact: BackupArtifact; manifest: Manifest }
  | { success: false; startedAt: Date; durationSeconds: number; error: Error };

const seconds = (since: Date) => (Date.now() - since.getTime()) / 1000;

/**
 * One backup, fail closed: dump -> gzip -> sha256 -> writer. The writer's input is held
 * open until the dump tool has exited 0 and its output was checked complete, so the
 * destination commits only a whole dump; anything else leaves nothing behind.
 */
export async function runBackup(spec: BackupSpec, deps: BackupDependencies): Promise<BackupOutcome> {
  const startedAt = new Date();
  try {
    const result = await dumpAndStore(spec, deps, startedAt);
    return { success: true, startedAt, durationSeconds: seconds(startedAt), ...result };
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    return { success: false, startedAt, durationSeconds: seconds(startedAt), error: reason };
  }
}

async function dumpAndStore(
  spec: BackupSpec,
  deps: BackupDependencies,
  startedAt: Date,
): Promise<{ artifact: BackupArtifact; manifest: Manifest }> {
  const dumper = deps.dumperFor(spec.engine);
  if (!dumper) throw new DumpError(`no dumper is installed for backup.type "${spec.engine}"`);
  const container = await deps.runtime.inspect(spec.containerId);
  if (!container.running) throw new RuntimeError(`container ${container.name} is not running`);

  // The target's largest earlier backup lets a destination size its upload parts (S3);
  // a listing that fails only loses the hint.
  const earlier = await deps.writer.list(spec.prefix).catch(() => []);
  const writeOptions: S3WriteOptions = { signal: deps.signal, expectedBytes: expectedBytesFor(earlier, spec.identity) };

  const dump = await dumper.dump({ spec, container, runtime: deps.runtime, signal: deps.signal, logger: deps.logger });
  const key = artifactKeyFor({
    prefix: spec.prefix,
    engine: spec.engine,
    database: spec.database,
    startedAt,
    extension: dump.extension,
    compression: "gzip",
  });
  const raw = new CountingStream();
  if (deps.onProgress) raw.on("data", () => deps.onProgress?.(raw.bytes));
  const stored = new MeasuringStream();
  const gate = new EndGate(() => dump.completed);

  const { level, threads } = deps.compression;
  const gzip = threads > 1 ? new ParallelGzip({ threads, level }) : createGzip({ level });
  const flowing = pipeline(dump.stream, raw, gzip, stored, gate);
  const writing = deps.writer.writeArtifact(key, gate, writeOptions);
  // Either side failing stops the other: a writer that gave up (a full disk) no longer
  // reads, and an aborted run (timeout, shutdown) no longer writes.
  const stop = (reason: unknown) => {
    gate.destroy(reason instanceof Error ? reason : new Error(String(reason)));
    dump.stream.destroy();
    void dump.abort().catch(() => {});
  };
  writing.catch(stop);
  const onAbort = () => stop(deps.signal.reason);
  if (deps.signal.aborted) onAbort();
  else deps.signal.addEventListener("abort", onAbort, { once: true });
  const [flowed, written] = await Promise.allSettled([flowing, writing]).finally(() =>
    deps.signal.removeEventListener("abort", onAbort),
  );
  if (flowed.status === "rejected" || written.status === "rejected") {
    // Bounded: an engine that no longer answers must not hold the run.
    await Promise.race([
      dump.abort().catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, VERDICT_WAIT_MS).unref()),
    ]);
    throw await mostTellingError(dump, flowed, written);
  }

  const facts = await dump.completed;
  const measured = stored.result();
  const manifest: Manifest = {
    manifestVersion: MANIFEST_VERSION,
    artifactKey: key,
    target: spec.identity,
    engine: spec.engine,
    database: spec.database,
    containerId: spec.containerId,
    containerName: spec.containerName,
    compression: "gzip",
    rawBytes: raw.bytes,
    storedBytes: measured.bytes,
    sha256: measured.sha256,
    toolVersion: facts.toolVersion,
    serverVersion: facts.serverVersion,
    retentionSeconds: spec.retentionSeconds,
    keep: spec.keep,
    startedAt: startedAt.toISOString(),
    durationSeconds: seconds(startedAt),
  };
  try {
    await deps.writer.writeManifest(manifest);
  } catch (error) {
    // Without its manifest the artifact is not a backup; do not leave it looking like one.
    await deps.writer.delete(key).catch(() => {});
    throw error;
  }
  const artifact = {
    key,
    location: written.value.location,
    storedBytes: measured.bytes,
    rawBytes: raw.bytes,
    sha256: measured.sha256,
  };
  return { artifact, manifest };
}

/** How long a failed run waits for the dump tool's own verdict before it reports without it. */
const VERDICT_WAIT_MS = 10_000;

/** The dump tool's own verdict explains more than "premature close" from a stream. */
async function mostTellingError(
  dump: RunningDump,
  flowed: PromiseSettledResult<unknown>,
  written: PromiseSettledResult<unknown>,
): Promise<Error> {
  const verdict = await Promise.race([
    dump.completed.then(
      () => undefined,
      (error: unknown) => error,
    ),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), VERDICT_WAIT_MS).unref()),
  ]);
  const candidates = [
    written.status === "rejected" && WriteError.isInstance(written.reason) ? written.reason : undefined,
    verdict,
    written.status === "rejected" ? written.reason : undefined,
    flowed.status === "rejected" ? flowed.reason : undefined,
  ];
  const chosen = candidates.find((c) => c !== undefined);
  return chosen instanceof Error ? chosen : new Error(errorMessage(chosen));
}
