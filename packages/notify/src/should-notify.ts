import type { BackupEventPayload } from "./payload.js";

/** `backup.webhook.on`: `always` (the default) sends every result, `failure` only unsuccessful ones. */
export type WebhookOn = "always" | "failure";

export function shouldNotify(on: WebhookOn, payload: Pick<BackupEventPayload, "success">): boolean {
  return on === "always" || !payload.success;
}
