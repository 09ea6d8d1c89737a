import type { BackupSpec } from "@lb/core";
import type { BackupEventPayload } from "./payload.js";

/** `backup.webhook.on`: `always` sends every result, `failure` only the unsuccessful ones. */
export function shouldNotify(on: BackupSpec["webhookOn"], payload: Pick<BackupEventPayload, "success">): boolean {
  return on === "always" || !payload.success;
}
