import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { Artifact, BackupSpec, Writer } from "@lb/core";
import { errorMessage, RestoreError } from "@lb/core";
import type { AgentContext } from "../agent-context.js";
import type { AgentLogger } from "../logging/create-logger.js";
import { describeManifestValue, ManifestGuard, verifyArtifact } from "./artifact-check.js";
import { findTarget } from "./find-target.js";

export interface RestoreOptions {
  artifact?: string;
  into?: string;
  force: boolean;
  /** Check the artifact against its manifest before loading it; false only with --no-verify. */
  verify: boolean;
}

async function chooseArtifact(
  context: AgentContext,
  spec: BackupSpec,
  key: string | undefined,
): Promise<{ writer: Writer; artifact: Artifact } | undefined> {
  const writers = [context.destinations.writerFor(spec), ...context.destinations.all()];
  for (const writer of new Set(writers)) {
    const artifacts = (await writer.list(key ? key.split("/").slice(0, -1).join("/") : spec.prefix)).filter((a) =>
      key ? a.key === key : a.manifest.target === spec.identity,
    );
    const newest = artifacts.at(-1);
    if (newest) return { writer, artifact: newest };
  }
  return undefined;
}

/**
 * Before anything reaches the database: the artifact must be the one its manifest
 * describes (size and sha256, and whole when decompressed). A file swapped for another
 * valid dump, or cut short, is refused here rather than half-loaded. The stream is read
 * through once for this and once more to restore, so memory stays flat.
 */
async function artifactIsIntact(writer: Writer, artifact: Artifact, verify: boolean): Promise<boolean> {
  if (!verify) {
    process.stderr.write(
      `label-backup: warning: --no-verify: ${artifact.key} was not checked against its manifest (size, sha256) before restoring\n`,
    );
    return true;
  }
  process.stderr.write(`checking ${artifact.key} against its manifest\n`);
  const check = await verifyArtifact(writer, artifact);
  if (check.ok) return true;
  const { manifest, key } = artifact;
  process.stderr.write(
    `label-backup: refusing to restore ${key}: it does not match its manifest; nothing was written to the database\n` +
      check.problems.map((problem) => `  ${problem}\n`).join("") +
      `  expected ${describeManifestValue(manifest.storedBytes)} bytes, sha256 ${describeManifestValue(manifest.sha256)}\n` +
      `  found    ${check.found.bytes} bytes, sha256 ${check.found.sha256}\n` +
      "label-backup: restore it anyway with --no-verify\n",
  );
  return false;
}

/**
 * `label-backup restore <container> [--artifact KEY] [--into CONTAINER] [--force] [--no-verify]`:
 * loads the newest backup of the container's target (or the one named) into the
 * container itself, or into another one, once it matches its manifest. The dumper
 * refuses a target that holds data unless --force.
 */
export async function restoreCommand(
  context: AgentContext,
  name: string,
  options: RestoreOptions,
  logger: AgentLogger,
): Promise<number> {
  const source = await findTarget(context, name);
  if (!source.ok) {
    process.stderr.write(`label-backup: ${source.message}\n`);
    return 1;
  }
  const chosen = await chooseArtifact(context, source.spec, options.artifact);
  if (!chosen) {
    process.stderr.write(
      `label-backup: ${options.artifact ? `no backup of ours has the key ${options.artifact}` : `no backup of ${source.spec.identity} found`}\n`,
    );
    return 1;
  }
  let target = source.spec;
  if (options.into) {
    const into = await findTarget(context, options.into);
    if (into.ok) target = into.spec;
    else {
      // A container without backup labels: the source's settings, but never its
      // backup.conn, which points at the source server.
      const info = await context.runtime.inspect(options.into).catch(() => undefined);
      if (!info) {
        process.stderr.write(`label-backup: no container named ${options.into}\n`);
        return 1;
      }
      const { conn: _sourceConn, ...rest } = source.spec;
      target = { ...rest, containerId: info.id, containerName: info.name, identity: info.name };
    }
  }
  const dumper = context.dumpers.get(chosen.artifact.manifest.engine);
  if (!dumper) {
    process.stderr.write(`label-backup: no dumper for ${chosen.artifact.manifest.engine}\n`);
    return 1;
  }
  if (!(await artifactIsIntact(chosen.writer, chosen.artifact, options.verify))) return 1;
  process.stderr.write(`restoring ${chosen.artifact.key} into ${target.containerName}\n`);
  const raw = new PassThrough();
  const stored = await chosen.writer.read(chosen.artifact.key);
  const stages: NodeJS.ReadWriteStream[] = [];
  // Storage may hand back other bytes on this second read than on the first: checked again on the way in.
  if (options.verify) stages.push(new ManifestGuard(chosen.artifact.key, chosen.artifact.manifest));
  if (chosen.artifact.manifest.compression === "gzip") stages.push(createGunzip());
  const reading = pipeline([stored, ...stages, raw]);
  try {
    await Promise.all([
      dumper.restore({
        spec: target,
        container: await context.runtime.inspect(target.containerId),
        runtime: context.runtime,
        signal: new AbortController().signal,
        logger,
        source: raw,
        force: options.force,
      }),
      reading,
    ]);
  } catch (error) {
    raw.destroy();
    await reading.catch(() => {});
    process.stderr.write(`label-backup: restore failed: ${errorMessage(error)}\n`);
    // A refusal (the target holds data) is told apart so scripts can retry with --force knowingly.
    return RestoreError.isInstance(error) ? 4 : 1;
  }
  process.stdout.write(`restored ${chosen.artifact.key} into ${target.containerName}\n`);
  return 0;
}
