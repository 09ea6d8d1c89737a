import type { BackupSpec, Writer } from "@lb/core";
import { secretsOfSpec } from "@lb/labels";
import { buildBackupPayload, shouldNotify, type WebhookNotifier } from "@lb/notify";
import type { BackupOutcome } from "./run-backup.js";

/**
 * Sends the run's webhook to `backup.webhook` (unless LABEL_WEBHOOKS=off), else
 * `WEBHOOK_URL`, as `backup.webhook.on` allows. Whether it is signed is the notifier's
 * call, by the URL's origin: a label can choose where a payload goes, never that it is signed.
 */
export function notifyOutcome(
  deps: { notifier: WebhookNotifier; defaultWebhookUrl: string | undefined; labelWebhooks: boolean },
  spec: BackupSpec,
  writer: Writer,
  outcome: BackupOutcome,
  event?: "backup.skipped",
): void {
  const labelUrl = deps.labelWebhooks ? spec.webhookUrl : undefined;
  const url = labelUrl ?? deps.defaultWebhookUrl;
  if (!url) return;
  const payload = buildBackupPayload({
    ...(event ? { event } : {}),
    containerId: spec.containerId,
    containerName: spec.containerName,
    databaseType: spec.engine,
    databaseName: spec.database,
    destinationType: spec.dest,
    destinationUrl: outcome.success ? outcome.artifact.location : writer.locationOf(spec.prefix),
    success: outcome.success,
    error: outcome.success ? null : outcome.error,
    backupSizeBytes: outcome.success ? outcome.artifact.storedBytes : 0,
    durationSeconds: outcome.durationSeconds,
    cronSchedule: spec.cron,
    backupPrefix: spec.prefix,
    checksumSha256: outcome.success ? outcome.artifact.sha256 : null,
    artifactKey: outcome.success ? outcome.artifact.key : null,
    secrets: secretsOfSpec(spec),
  });
  if (shouldNotify(spec.webhookOn, payload)) deps.notifier.notify(url, payload);
}
