import { errorMessage } from "@lb/core";
import type { AgentContext } from "../agent-context.js";
import { runGc } from "../gc/run-gc.js";
import type { AgentLogger } from "../logging/create-logger.js";
import { currentSpecs } from "./find-target.js";

/** `label-backup gc [--dry-run]`: prunes once and prints every decision with its reasons. */
export async function gcCommand(context: AgentContext, dryRun: boolean, logger: AgentLogger): Promise<number> {
  const results = await runGc(context.destinations.all(), await currentSpecs(context), {
    dryRun,
    timezone: context.settings.timezone,
    logger,
  });
  let failed = false;
  for (const result of results) {
    if (result.error || !result.report) {
      process.stdout.write(`${result.destination}: not pruned: ${result.error}\n`);
      failed = true;
      continue;
    }
    const { report } = result;
    for (const decision of report.decisions) {
      const verb = decision.action === "keep" ? "keep  " : dryRun ? "would delete" : "delete";
      process.stdout.write(
        `${result.destination}: ${verb} ${decision.artifact.key} (${decision.reasons.join("; ")})\n`,
      );
    }
    for (const failure of report.failed) {
      process.stdout.write(
        `${result.destination}: FAILED to delete ${failure.decision.artifact.key}: ${errorMessage(failure.error)}\n`,
      );
    }
    failed ||= report.failed.length > 0;
    const deleted = dryRun ? `${report.skipped.length} would be deleted` : `${report.deleted.length} deleted`;
    process.stdout.write(
      `${result.destination}: ${report.kept.length} kept, ${deleted}${dryRun ? " (dry run)" : ""}\n`,
    );
  }
  return failed ? 1 : 0;
}
