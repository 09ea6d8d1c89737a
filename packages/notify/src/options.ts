import { ConfigError, type Logger, silentLogger } from "@lb/core";
import { parseOrigin } from "./signing-origins.js";

export interface WebhookNotifierOptions {
  /** `WEBHOOK_SECRET`. Without it deliveries are sent unsigned. */
  secret?: string;
  /**
   * Origins (`https://hooks.example.com`) whose requests are signed; requests to any other
   * origin get the same body unsigned. Set it whenever someone other than you can choose
   * a URL (the agent passes `WEBHOOK_URL`'s origin and `WEBHOOK_ALLOWED_ORIGINS`).
   * Unset: every request is signed, for callers that choose every URL themselves.
   */
  signedOrigins?: readonly string[];
  /** `WEBHOOK_TIMEOUT_SECONDS`: the limit of one attempt, response included. Fractions allowed. */
  timeoutSeconds: number;
  /** `WEBHOOK_MAX_RETRIES`: attempts after the first; 0 means one attempt only. */
  maxRetries: number;
  logger?: Logger;
  /** Backoff ceiling before the first retry, doubled each retry. Default 1000. */
  backoffBaseMs?: number;
  /** Backoff ceiling never exceeds this. Default 30000. */
  backoffMaxMs?: number;
  /** Deliveries in flight beyond this are dropped, with a warning, to keep memory bounded. Default 1000. */
  maxPending?: number;
}

export interface ResolvedOptions {
  secret: string | undefined;
  /** Normalised origins; undefined signs every request. */
  signedOrigins: readonly string[] | undefined;
  timeoutMs: number;
  maxRetries: number;
  logger: Logger;
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxPending: number;
}

/** Node timers overflow past this and fire after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

/** Checks the options once, naming the environment variable at fault. */
export function resolveOptions(options: WebhookNotifierOptions): ResolvedOptions {
  const { timeoutSeconds, maxRetries } = options;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds * 1000 > MAX_TIMER_MS) {
    throw new ConfigError(
      "WEBHOOK_TIMEOUT_SECONDS",
      `must be a number of seconds > 0 and <= ${Math.floor(MAX_TIMER_MS / 1000)}, got ${timeoutSeconds}`,
    );
  }
  if (!Number.isSafeInteger(maxRetries) || maxRetries < 0) {
    throw new ConfigError("WEBHOOK_MAX_RETRIES", `must be a whole number >= 0, got ${maxRetries}`);
  }
  const backoffBaseMs = options.backoffBaseMs ?? 1000;
  const backoffMaxMs = options.backoffMaxMs ?? 30_000;
  const maxPending = options.maxPending ?? 1000;
  for (const [name, value] of [
    ["backoffBaseMs", backoffBaseMs],
    ["backoffMaxMs", backoffMaxMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0 || value > MAX_TIMER_MS) {
      throw new ConfigError(name, `must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${value}`);
    }
  }
  if (!Number.isSafeInteger(maxPending) || maxPending < 1) {
    throw new ConfigError("maxPending", `must be a whole number >= 1, got ${maxPending}`);
  }
  return {
    // An empty WEBHOOK_SECRET means unset, as in the original agent.
    secret: options.secret ? options.secret : undefined,
    signedOrigins: options.signedOrigins === undefined ? undefined : resolveOrigins(options.signedOrigins),
    timeoutMs: timeoutSeconds * 1000,
    maxRetries,
    logger: options.logger ?? silentLogger,
    backoffBaseMs,
    backoffMaxMs,
    maxPending,
  };
}

function resolveOrigins(origins: readonly string[]): string[] {
  return origins.map((text, index) => {
    const origin = parseOrigin(text);
    // Not quoted: a mistaken entry may carry credentials.
    if (origin === undefined) {
      throw new ConfigError(
        "signedOrigins",
        `entry ${index + 1} is not an http(s) origin like https://hooks.example.com (no path, query or credentials)`,
      );
    }
    return origin;
  });
}
