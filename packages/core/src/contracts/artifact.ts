import type { KeepPolicy } from "./spec.js";

/** Bumped when the manifest layout changes; readers accept every version up to theirs. */
export const MANIFEST_VERSION = 1;

/** The record stored beside each artifact; an artifact without one is not ours. */
export interface Manifest {
  manifestVersion: typeof MANIFEST_VERSION;
  /** Key of the artifact this manifest describes, relative to the destination root. */
  artifactKey: string;
  target: string;
  engine: string;
  database: string;
  containerId: string;
  containerName: string;
  compression: "gzip" | "none";
  /** Bytes the dump tool produced, before compression. */
  rawBytes: number;
  /** Bytes stored at the destination. */
  storedBytes: number;
  /** sha256 of the stored bytes, hex. */
  sha256: string;
  toolVersion?: string;
  serverVersion?: string;
  retentionSeconds: number;
  /** The target's keep policy when the backup was made, so pruning can follow it after the container is gone. */
  keep?: KeepPolicy;
  startedAt: string;
  durationSeconds: number;
}

/** A stored backup as a writer lists it. */
export interface Artifact {
  key: string;
  manifest: Manifest;
}
