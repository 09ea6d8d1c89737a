import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { Artifact, BackupSpec, Writer } from "@lb/core";
import { errorMessage, RestoreError } from "@lb/core";
import type { AgentContext } from "../agent-context.js";
import type { AgentLogger } from "../logging/create-logger.js";
import { findTarget } from "./find-target.js";

export interface RestoreOptions {
  artifact?: string;
  into?: string;
  force: boolean;
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
 * `label-backup restore <container> [--artifact KEY] [--into CONTAINER] [--force]`:
 * loads the newest backup of the container's target (or the one named) into the
 * container itself, or into another one. The dumper refuses a target that holds data
 * unless --force.
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
  process.stderr.write(`restoring ${chosen.artifact.key} into ${target.containerName}\n`);
  const raw = new PassThrough();
  const stored = await chosen.writer.read(chosen.artifact.key);
  const reading =
    chosen.artifact.manifest.compression === "gzip" ? pipeline(stored, createGunzip(), raw) : pipeline(stored, raw);
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
