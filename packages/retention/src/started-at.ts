// What the writers record: `Date.prototype.toISOString()`, or any ISO 8601 instant with a zone.
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

/** Manifests written before this are corrupt, not old: the agent did not exist. */
const EARLIEST_YEAR = 1970;

/**
 * The instant a manifest's `startedAt` names, in milliseconds since the epoch, or undefined
 * when it is not a complete ISO 8601 instant. `Date.parse` alone is too lenient: it reads
 * `2026-02-31` as 3 March and a zoneless time as local time.
 */
export function parseStartedAt(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const match = ISO_INSTANT.exec(text);
  if (!match) return undefined;
  const fields = match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offsetHour = 0, offsetMinute = 0] = fields;
  if (year < EARLIEST_YEAR || hour > 23 || minute > 59 || second > 59) return undefined;
  if (offsetHour > 23 || offsetMinute > 59) return undefined;
  const calendarDay = new Date(Date.UTC(year, month - 1, day));
  if (calendarDay.getUTCMonth() !== month - 1 || calendarDay.getUTCDate() !== day) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}
