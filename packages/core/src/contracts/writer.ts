import type { Readable } from "node:stream";
import type { Artifact, Manifest } from "./artifact.js";

export const WRITER_CONTRACT_VERSION = 1;

export interface StoredObject {
  key: string;
  /** Where the object lives, for people: a path or an `s3://` URL. */
  location: string;
  bytes: number;
}

/**
 * A destination. `writeArtifact` commits only when `body` ends cleanly; when `body`
 * errors, or `signal` aborts, nothing is left that looks like the artifact.
 */
export interface Writer {
  readonly contractVersion: typeof WRITER_CONTRACT_VERSION;
  readonly name: string;
  writeArtifact(key: string, body: Readable, options?: { signal?: AbortSignal }): Promise<StoredObject>;
  /** Written after the artifact is committed; its presence marks the artifact complete. */
  writeManifest(manifest: Manifest): Promise<StoredObject>;
  /** Artifacts under `prefix` that carry a manifest of ours. */
  list(prefix: string): Promise<Artifact[]>;
  read(key: string): Promise<Readable>;
  /** Deletes an artifact and its manifest; deleting what is gone is not an error. */
  delete(key: string): Promise<void>;
  /** Where `key` would live, for people. */
  locationOf(key: string): string;
  /** Rejects with a clear error when the destination cannot take a backup now (readiness checks). */
  probe(): Promise<void>;
}
