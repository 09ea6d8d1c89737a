import { MAX_DURATION_SECONDS, parseDuration } from "./duration.js";

export const DEFAULT_RETENTION_SECONDS = 7 * 86_400;

export type RetentionResult =
  | { source: "label"; seconds: number }
  /** Empty, zero or negative: the user asked for the global value. */
  | { source: "global"; seconds: number }
  /** Not a duration at all: the global value is used, and the caller may warn. */
  | { source: "invalid"; seconds: number };

/**
 * A retention period in whole seconds: `7d`, `24h`, `90m`, `4w`, `1h30m`, `7d12h`, or a
 * bare whole number of days. Empty, zero, negative or invalid text yields `fallbackSeconds`.
 */
export function parseRetention(text: string, fallbackSeconds: number): RetentionResult {
  const value = text.trim();
  if (value === "") return { source: "global", seconds: fallbackSeconds };
  let seconds: number | undefined;
  if (/^[+-]?\d+$/.test(value)) {
    const days = Number(value);
    seconds = days * 86_400;
    if (Math.abs(seconds) > MAX_DURATION_SECONDS) return { source: "invalid", seconds: fallbackSeconds };
  } else {
    seconds = parseDuration(value);
    if (seconds === undefined) return { source: "invalid", seconds: fallbackSeconds };
  }
  const whole = Math.floor(seconds);
  if (whole <= 0) return { source: "global", seconds: fallbackSeconds };
  return { source: "label", seconds: whole };
}
