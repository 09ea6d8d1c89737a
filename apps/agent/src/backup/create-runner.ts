import { createWebhookNotifier, signingOrigins, type WebhookNotifier } from "@lb/notify";
import type { AgentContext } from "../agent-context.js";
import type { AgentLogger } from "../logging/create-logger.js";
import type { SecretSet } from "../logging/secret-set.js";
import { StatusBoard } from "../status/status-board.js";
import { BackupRunner } from "./backup-runner.js";

/** A runner with its status board and webhook notifier, as the agent and `backup` both use it. */
export function createRunner(
  context: AgentContext,
  logger: AgentLogger,
  secrets: SecretSet,
): { runner: BackupRunner; status: StatusBoard; notifier: WebhookNotifier } {
  const { settings } = context;
  const status = new StatusBoard();
  const notifier = createWebhookNotifier({
    secret: settings.webhook.secret,
    // Labels can point webhooks anywhere; the secret signs only for origins the operator named.
    signedOrigins: signingOrigins(settings.webhook.url, settings.webhook.allowedOrigins),
    timeoutSeconds: settings.webhook.timeoutSeconds,
    maxRetries: settings.webhook.maxRetries,
    logger,
  });
  const runner = new BackupRunner({
    runtime: context.runtime,
    dumpers: context.dumpers,
    writerFor: (spec) => context.destinations.writerFor(spec),
    notifier,
    defaultWebhookUrl: settings.webhook.url,
    labelWebhooks: settings.webhook.labelWebhooks,
    secrets,
    logger,
    status,
    limits: settings.runtime,
  });
  return { runner, status, notifier };
}
