import { errorMessage } from "@lb/core";
import type { AgentContext } from "../agent-context.js";
import { createRunner } from "../backup/create-runner.js";
import { formatBytes } from "../format-bytes.js";
import type { AgentLogger } from "../logging/create-logger.js";
import type { SecretSet } from "../logging/secret-set.js";
import { findTarget } from "./find-target.js";

/**
 * `label-backup backup <container>`: one backup now, with the same pipeline, limits and
 * webhook as a scheduled run, and progress (bytes and rate) on stderr.
 */
export async function backupCommand(
  context: AgentContext,
  name: string,
  logger: AgentLogger,
  secrets: SecretSet,
): Promise<number> {
  const found = await findTarget(context, name);
  if (!found.ok) {
    process.stderr.write(`label-backup: ${found.message}\n`);
    for (const error of found.errors ?? []) process.stderr.write(`  ${error.label}: ${error.reason}\n`);
    return 1;
  }
  const { settings } = context;
  const { runner, status, notifier } = createRunner(context, logger, secrets);
  const started = Date.now();
  const triggered = runner.trigger(found.spec, "cli");
  if (!triggered.accepted) return 1;
  const interrupt = () => void runner.drain(0);
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  const progress = setInterval(() => {
    const bytes = status.get(found.spec.identity)?.progressBytes ?? 0;
    const rate = bytes / Math.max((Date.now() - started) / 1000, 0.001);
    process.stderr.write(`${found.spec.identity}: ${formatBytes(bytes)} read, ${formatBytes(rate)}/s\n`);
  }, 2000);
  try {
    const outcome = await triggered.run;
    if (outcome.success) {
      const { artifact } = outcome;
      process.stdout.write(
        `${artifact.location}\n  ${formatBytes(artifact.rawBytes)} dumped, ${formatBytes(artifact.storedBytes)} stored, ` +
          `sha256 ${artifact.sha256}, ${outcome.durationSeconds.toFixed(1)} s\n`,
      );
    } else {
      process.stderr.write(`label-backup: backup of ${found.spec.identity} failed: ${errorMessage(outcome.error)}\n`);
    }
    return outcome.success ? 0 : 1;
  } finally {
    clearInterval(progress);
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
    await notifier.flush(settings.webhook.timeoutSeconds * 1000);
  }
}
