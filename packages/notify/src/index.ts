export { USER_AGENT } from "./attempt.js";
export { backoffDelayMs } from "./backoff.js";
export { EVENT_HEADER, ID_HEADER } from "./delivery.js";
export { createWebhookNotifier, type WebhookNotifier } from "./notifier.js";
export type { WebhookNotifierOptions } from "./options.js";
export { type BackupEvent, type BackupEventInput, type BackupEventPayload, buildBackupPayload } from "./payload.js";
export { shouldNotify, type WebhookOn } from "./should-notify.js";
export {
  DEFAULT_TOLERANCE_SECONDS,
  type HeaderSource,
  SIGNATURE_HEADER,
  SIGNATURE_SHA256_HEADER,
  signatureHeaders,
  signBody,
  signTimestamped,
  TIMESTAMP_HEADER,
  type VerifyFailure,
  type VerifyOptions,
  type VerifyResult,
  verifyWebhookSignature,
} from "./signature.js";
export { originOf, parseOrigin, shouldSign, signingOrigins } from "./signing-origins.js";
export { parseWebhookTarget, type WebhookTarget } from "./target.js";
