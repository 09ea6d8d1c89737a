import type { AgentContext } from "../agent-context.js";
import { verifyArtifact } from "./artifact-check.js";

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
