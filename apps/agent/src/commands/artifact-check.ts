import { createHash } from "node:crypto";
import { Transform, type TransformCallback, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { Artifact, Manifest, Measured, Writer } from "@lb/core";
import { CountingStream, errorMessage, MeasuringStream } from "@lb/core";

/** What re-reading an artifact found, for `verify` and for `restore` before it loads anything. */
export interface ArtifactCheck {
  key: string;
  ok: boolean;
  /** Each mismatch, naming what the manifest says and what was found. */
  problems: string[];
  /** The stored bytes as read (only as far as the read got, when it failed). */
  found: Measured;
}

/**
 * Re-reads an artifact: its size and sha256 must match the manifest, and the gzip
 * stream must decompress whole to the raw size the manifest records. Streams through,
 * so memory stays flat whatever the size; nothing is allocated from the manifest.
 */
export async function verifyArtifact(writer: Writer, artifact: Artifact): Promise<ArtifactCheck> {
  const { manifest } = artifact;
  const problems: string[] = [];
  const stored = new MeasuringStream();
  const raw = new CountingStream();
  const sink = new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  try {
    const source = await writer.read(artifact.key);
    if (manifest.compression === "gzip") await pipeline(source, stored, createGunzip(), raw, sink);
    else await pipeline(source, stored, raw, sink);
  } catch (error) {
    problems.push(`cannot be read whole: ${errorMessage(error)}`);
  }
  const found = stored.result();
  problems.push(...storedBytesMismatches(manifest, found));
  if (problems.length === 0 && raw.bytes !== manifest.rawBytes) {
    problems.push(
      `decompressed size mismatch: manifest says ${describeManifestValue(manifest.rawBytes)} bytes, found ${raw.bytes}`,
    );
  }
  return { key: artifact.key, ok: problems.length === 0, problems, found };
}

/** How the stored bytes differ from what the manifest records; empty when they match. */
export function storedBytesMismatches(manifest: Pick<Manifest, "storedBytes" | "sha256">, found: Measured): string[] {
  const problems: string[] = [];
  if (found.bytes !== manifest.storedBytes) {
    problems.push(
      `size mismatch: manifest says ${describeManifestValue(manifest.storedBytes)} bytes, found ${found.bytes}`,
    );
  }
  if (found.sha256 !== manifest.sha256) {
    problems.push(`sha256 mismatch: manifest says ${describeManifestValue(manifest.sha256)}, found ${found.sha256}`);
  }
  return problems;
}

/**
 * Checks the stored bytes a second time while they stream into a restore, against
 * storage that hands back other bytes than it did to `verifyArtifact`: a byte past the
 * manifest's size fails at once, and the last chunk is held back until the whole
 * digest matches, so a mismatch stops the stream before its end reaches the database.
 */
export class ManifestGuard extends Transform {
  private readonly hash = createHash("sha256");
  private bytes = 0;
  private held: Buffer | undefined;

  constructor(
    private readonly key: string,
    private readonly manifest: Pick<Manifest, "storedBytes" | "sha256">,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    if (this.bytes > this.manifest.storedBytes) {
      callback(
        this.changed([`more than the ${describeManifestValue(this.manifest.storedBytes)} bytes the manifest says`]),
      );
      return;
    }
    const previous = this.held;
    this.held = chunk;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    const problems = storedBytesMismatches(this.manifest, { bytes: this.bytes, sha256: this.hash.digest("hex") });
    if (problems.length > 0) callback(this.changed(problems));
    else callback(null, this.held);
  }

  private changed(problems: string[]): Error {
    return new Error(`${this.key} changed after it was verified: ${problems.join("; ")}`);
  }
}

/**
 * A manifest value for a message. Manifests come from storage that may be hostile, so
 * anything but a number or a hex digest is quoted (control characters escaped) and cut short.
 */
export function describeManifestValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string" && /^[0-9a-f]{1,128}$/i.test(value)) return value;
  if (value === undefined) return "nothing";
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
