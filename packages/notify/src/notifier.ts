import { errorMessage } from "@lb/core";
import { deliverWithRetries } from "./delivery.js";
import { resolveOptions, type WebhookNotifierOptions } from "./options.js";
import type { BackupEventPayload } from "./payload.js";
import { shouldSign } from "./signing-origins.js";
import { parseWebhookTarget, UNPARSABLE_TARGET } from "./target.js";

export interface WebhookNotifier {
  /** Queues a delivery and returns at once: a slow or failing endpoint never delays the caller nor other endpoints. */
  notify(url: string, payload: BackupEventPayload): void;
  /** Waits for pending deliveries up to timeoutMs, then gives up on the rest (logged). */
  flush(timeoutMs: number): Promise<void>;
  /** Deliveries not yet delivered, given up or abandoned. */
  pending(): number;
}

interface InFlight {
  logTarget: string;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Sends signed webhooks. Every notification is its own delivery, running concurrently
 * with all others, so one endpoint's timeouts and backoff never hold up another's
 * (or another notification to the same endpoint). The notifier stays usable after a flush.
 */
export function createWebhookNotifier(options: WebhookNotifierOptions): WebhookNotifier {
  const settings = resolveOptions(options);
  const logger = settings.logger.child({ component: "webhook" });
  const inFlight = new Set<InFlight>();

  function notify(url: string, payload: BackupEventPayload): void {
    const fields = { notificationId: payload.id, event: payload.event };
    const parsed = parseWebhookTarget(url);
    if (!parsed.ok) {
      logger.error({ ...fields, target: UNPARSABLE_TARGET, error: parsed.error }, "webhook not sent");
      return;
    }
    const { target } = parsed;
    if (inFlight.size >= settings.maxPending) {
      logger.warn(
        { ...fields, target: target.logTarget, maxPending: settings.maxPending },
        "webhook not sent: too many deliveries pending",
      );
      return;
    }

    // The secret signs only for origins the caller named, so a URL someone else chose never yields a signature.
    const signs = settings.signedOrigins === undefined || shouldSign(target.requestUrl, settings.signedOrigins);
    const secret = signs ? settings.secret : undefined;
    const entry: InFlight = { logTarget: target.logTarget, controller: new AbortController(), done: Promise.resolve() };
    inFlight.add(entry);
    entry.done = deliverWithRetries({ target, payload, secret, cancel: entry.controller.signal }, settings, logger)
      .then(
        () => undefined,
        // deliverWithRetries reports failures as results; reaching here is a bug, still kept out of the caller.
        (error: unknown) => {
          logger.error(
            { ...fields, target: target.logTarget, error: target.redact(errorMessage(error)) },
            "webhook delivery crashed",
          );
        },
      )
      .finally(() => {
        inFlight.delete(entry);
      });
  }

  async function flush(timeoutMs: number): Promise<void> {
    // NaN or a negative bound means "do not wait"; Infinity waits for as long as it takes.
    const deadline = Date.now() + (Number.isNaN(timeoutMs) ? 0 : Math.max(0, timeoutMs));
    // Loops because deliveries queued while flushing are pending too.
    while (inFlight.size > 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await settledWithin(
        [...inFlight].map((entry) => entry.done),
        remaining,
      );
    }
    if (inFlight.size === 0) return;

    const abandoned = [...inFlight];
    logger.warn(
      { abandoned: abandoned.length, targets: [...new Set(abandoned.map((entry) => entry.logTarget))], timeoutMs },
      "webhook flush timed out; abandoning pending deliveries",
    );
    for (const entry of abandoned) entry.controller.abort();
    await Promise.allSettled(abandoned.map((entry) => entry.done));
  }

  return { notify, flush, pending: () => inFlight.size };
}

async function settledWithin(promises: Promise<void>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    // Past this Node fires the timer after 1 ms; the caller's loop waits again after that.
    timer = setTimeout(resolve, Math.min(ms, 2_147_483_647));
  });
  try {
    await Promise.race([Promise.allSettled(promises), elapsed]);
  } finally {
    clearTimeout(timer);
  }
}
