import type { Logger } from "@lb/core";
import { attemptDelivery } from "./attempt.js";
import { backoffDelayMs, sleep } from "./backoff.js";
import type { ResolvedOptions } from "./options.js";
import type { BackupEventPayload } from "./payload.js";
import { signatureHeaders } from "./signature.js";
import type { WebhookTarget } from "./target.js";

/** The payload's `event`, so receivers can route before parsing. */
export const EVENT_HEADER = "X-LabelBackup-Event";
/** The payload's `id`, the same on every retry: the key for dropping duplicates. */
export const ID_HEADER = "X-LabelBackup-Id";

export interface DeliveryJob {
  target: WebhookTarget;
  payload: BackupEventPayload;
  /** The key to sign with, or undefined to send unsigned (no secret, or an origin not signed for). */
  secret: string | undefined;
  /** Aborted when the delivery is abandoned: the attempt in flight and any backoff stop at once. */
  cancel: AbortSignal;
}

export type DeliveryResult = "delivered" | "gave-up" | "abandoned";

/** Delivers one notification to one URL: the first attempt, then up to `maxRetries` more. */
export async function deliverWithRetries(
  job: DeliveryJob,
  options: ResolvedOptions,
  logger: Logger,
): Promise<DeliveryResult> {
  const { target, payload, cancel, secret } = job;
  // Serialised once: every attempt sends the same bytes, so the plain signature is stable too.
  const body = JSON.stringify(payload);
  const maxAttempts = options.maxRetries + 1;
  const fields = {
    target: target.logTarget,
    notificationId: payload.id,
    event: payload.event,
    signed: secret !== undefined,
    maxAttempts,
  };

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const headers: Record<string, string> = {
      [EVENT_HEADER]: payload.event,
      [ID_HEADER]: payload.id,
      // Signed per attempt: a retry minutes later must still pass the receiver's freshness check.
      ...(secret ? signatureHeaders(secret, body) : {}),
    };
    if (target.authorization) headers.Authorization = target.authorization;

    const outcome = await attemptDelivery({
      url: target.requestUrl,
      body,
      headers,
      timeoutMs: options.timeoutMs,
      cancel,
    });
    if (outcome.ok) {
      logger.info({ ...fields, attempt, status: outcome.status }, "webhook delivered");
      return "delivered";
    }
    if (outcome.cancelled) {
      logger.warn({ ...fields, attempt }, "webhook delivery abandoned");
      return "abandoned";
    }

    const error = target.redact(outcome.reason);
    if (attempt === maxAttempts) {
      logger.error({ ...fields, attempt, status: outcome.status, error }, "webhook delivery failed; giving up");
      return "gave-up";
    }
    const delayMs = backoffDelayMs(attempt - 1, options.backoffBaseMs, options.backoffMaxMs);
    logger.warn({ ...fields, attempt, status: outcome.status, error, retryInMs: delayMs }, "webhook attempt failed");
    if (!(await sleep(delayMs, cancel))) {
      logger.warn({ ...fields, attempt }, "webhook delivery abandoned");
      return "abandoned";
    }
  }
  return "gave-up";
}
