import type { Readable } from "node:stream";
import type { Logger } from "../logger.js";
import type { ContainerInfo, ContainerRuntime } from "./runtime.js";
import type { BackupSpec } from "./spec.js";

/** Bumped when the dumper contract changes in a way third parties must follow. */
export const DUMPER_CONTRACT_VERSION = 1;

export interface DumpContext {
  spec: BackupSpec;
  container: ContainerInfo;
  runtime: ContainerRuntime;
  signal: AbortSignal;
  logger: Logger;
}

/** Facts about a finished dump, recorded in the manifest. */
export interface DumpResult {
  toolVersion?: string;
  serverVersion?: string;
}

/** A dump in progress. */
export interface RunningDump {
  /** The raw dump bytes, uncompressed. */
  stream: Readable;
  /** File name extension of the raw format, such as `sql` or `rdb`. */
  extension: string;
  /**
   * Resolves once the tool exited 0 and the output was complete; rejects with a
   * `DumpError` otherwise. Nothing may be committed before it resolves.
   */
  completed: Promise<DumpResult>;
  /** Ends the dump process early; `completed` then rejects. */
  abort(): Promise<void>;
}

export interface RestoreContext extends DumpContext {
  /** The raw dump, decompressed: what `dump` produced. */
  source: Readable;
  /** Restore even when the target already holds data. */
  force: boolean;
}

export interface Dumper {
  readonly contractVersion: typeof DUMPER_CONTRACT_VERSION;
  /** The `backup.type` value this dumper serves. */
  readonly engine: string;
  dump(context: DumpContext): Promise<RunningDump>;
  /**
   * Loads a dump into the target `context.spec` names. Refuses, with a `RestoreError`,
   * to overwrite a target that already holds data unless `force` is set; rejects with
   * a `DumpError` when the restore tool fails.
   */
  restore(context: RestoreContext): Promise<void>;
}
