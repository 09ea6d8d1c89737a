import type { Artifact } from "@lb/core";
import type { AgentContext } from "../agent-context.js";
import { formatBytes } from "../format-bytes.js";
import { findTarget } from "./find-target.js";

/** `label-backup list [container] [--json]`: the backups this agent wrote, oldest first. */
export async function listCommand(
  context: AgentContext,
  container: string | undefined,
  json: boolean,
): Promise<number> {
  let target: string | undefined;
  let prefix = "";
  if (container) {
    const found = await findTarget(context, container);
    if (!found.ok) {
      process.stderr.write(`label-backup: ${found.message}\n`);
      return 1;
    }
    target = found.spec.identity;
    prefix = found.spec.prefix;
  }
  const rows: Array<{ destination: string; artifact: Artifact }> = [];
  for (const writer of context.destinations.all()) {
    for (const artifact of await writer.list(prefix)) {
      if (!target || artifact.manifest.target === target) rows.push({ destination: writer.name, artifact });
    }
  }
  if (json) {
    const out = rows.map(({ destination, artifact }) => ({ destination, key: artifact.key, ...artifact.manifest }));
    process.stdout.write(`${JSON.stringify({ artifacts: out }, null, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) process.stdout.write("No backups found.\n");
  for (const { destination, artifact } of rows) {
    const m = artifact.manifest;
    process.stdout.write(
      `${m.startedAt}  ${destination.padEnd(6)}  ${formatBytes(m.storedBytes).padStart(10)}  ${m.target}  ${artifact.key}\n`,
    );
  }
  return 0;
}
