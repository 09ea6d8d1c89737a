import { hasControlChars } from "./quote.js";

export const MAX_PREFIX_LENGTH = 512;

export type PrefixResult = { ok: true; prefix: string } | { ok: false; reason: string };

/**
 * Normalises `backup.prefix` into a relative key prefix that cannot leave its destination:
 * spaces around segments, repeated and trailing slashes and `.` segments are dropped; a leading `/`, a `..` segment,
 * a backslash or a control character is an error. Empty means the destination's root.
 */
export function normalisePrefix(text: string): PrefixResult {
  const value = text.trim();
  if (hasControlChars(value)) return { ok: false, reason: "must not contain control characters" };
  if (value.includes("\\")) return { ok: false, reason: "must not contain a backslash; separate folders with /" };
  if (value.startsWith("/"))
    return { ok: false, reason: "must be relative (no leading /); it is placed under the destination" };
  // Spaces around a segment are almost always a typo, and keep the result stable when re-normalised.
  const segments = value
    .split("/")
    .map((segment) => segment.trim())
    .filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes("..")) return { ok: false, reason: "must not contain a .. segment" };
  const prefix = segments.join("/");
  if (prefix.length > MAX_PREFIX_LENGTH)
    return { ok: false, reason: `must be at most ${MAX_PREFIX_LENGTH} characters` };
  return { ok: true, prefix };
}
