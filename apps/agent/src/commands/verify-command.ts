import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { Artifact, Writer } from "@lb/core";
import { CountingStream, errorMessage } from "@lb/core";
import type { AgentContext } from "../agent-context.js";

export interface VerifyResult {
  key: string;
  ok: boolean;
  problems: string[];
}

/**
 * Re-reads an artifact: its size and sha256 must match the manifest, and the gzip
 * stream must decompress whole to the raw size the manifest records.
 */
export async function verifyArtifact(writer: Writer, artifact: Artifact): Promise<VerifyResult> {
  const { manifest } = artifact;
  const problems: string[] = [];
  const hash = createHash("sha256");
  const stored = new CountingStream();
  const raw = new CountingStream();
  const sink = new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  stored.on("data", (chunk: Buffer) => hash.update(chunk));
  try {
    const source = await writer.read(artifact.key);
    if (manifest.compression === "gzip") await pipeline(source, stored, createGunzip(), raw, sink);
    else await pipeline(source, stored, raw, sink);
  } catch (error) {
    problems.push(`cannot be read whole: ${errorMessage(error)}`);
  }
  const sha256 = hash.digest("hex");
  if (stored.bytes !== manifest.storedBytes) problems.push(`size ${stored.bytes} != manifest ${manifest.storedBytes}`);
  if (sha256 !== manifest.sha256) problems.push(`sha256 ${sha256} != manifest ${manifest.sha256}`);
  if (problems.length === 0 && raw.bytes !== manifest.rawBytes) {
    problems.push(`decompressed size ${raw.bytes} != manifest ${manifest.rawBytes}`);
  }
  return { key: artifact.key, ok: problems.length === 0, problems };
}

/** `label-backup verify [KEY]`: one artifact, or every artifact this agent wrote. */
export async function verifyCommand(context: AgentContext, key: string | undefined): Promise<number> {
  let checked = 0;
  let bad = 0;
  for (const writer of context.destinations.all()) {
    const artifacts = await writer.list(key ? key.split("/").slice(0, -1).join("/") : "");
    for (const artifact of artifacts) {
      if (key && artifact.key !== key) continue;
      const result = await verifyArtifact(writer, artifact);
      checked++;
      if (!result.ok) bad++;
      process.stdout.write(
        `${result.ok ? "OK     " : "FAILED "} ${writer.name}  ${artifact.key}${result.ok ? "" : `: ${result.problems.join("; ")}`}\n`,
      );
    }
  }
  if (key && checked === 0) {
    process.stderr.write(`label-backup: no backup of ours has the key ${key}\n`);
    return 1;
  }
  process.stdout.write(`${checked} checked, ${bad} failed\n`);
  return bad > 0 ? 1 : 0;
}
