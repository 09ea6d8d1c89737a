import { stdSerializers } from "pino";
import type { TextRedactor } from "./text-redactor.js";

/** Deeper than pino ever prints (its depthLimit is 5); the cap keeps a pathological value from overflowing the stack. */
const MAX_DEPTH = 32;

/**
 * A copy of a value about to be logged with every string in it (keys too) masked as a
 * whole value, so that masking happens on values and the serialized line is always
 * well-formed JSON. Errors become pino's `{ type, message, stack, … }` first, so their
 * message and stack are masked like any string; objects with `toJSON` are masked in the
 * form they would be written. Numbers are masked only when their digits contain a secret
 * long enough to be masked inside text: a count that equals a one-digit password is a count.
 */
export function redactValue(value: unknown, redact: TextRedactor): unknown {
  return walk(value, redact, new Set(), 0);
}

function walk(value: unknown, redact: TextRedactor, ancestors: Set<object>, depth: number): unknown {
  if (typeof value === "string") return redact.value(value);
  if (typeof value === "number" || typeof value === "bigint") return redactNumber(value, redact);
  if (value === null || typeof value !== "object") return value;
  if (ancestors.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  ancestors.add(value);
  try {
    const next = (item: unknown) => walk(item, redact, ancestors, depth + 1);
    if (value instanceof Error) return next(stdSerializers.err(value));
    if (Array.isArray(value)) return value.map(next);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return next(toJSON.call(value));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[redact.value(key)] = next(item);
    return copy;
  } finally {
    ancestors.delete(value);
  }
}

function redactNumber(value: number | bigint, redact: TextRedactor): number | bigint | string {
  const digits = String(value);
  const masked = redact.inside(digits);
  return masked === digits ? value : masked;
}
