/** A calendar date as read on the wall in some time zone. */
interface CalendarDate {
  year: number;
  month: number; // 1-12
  day: number;
}

export type Tier = "daily" | "weekly" | "monthly";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      calendar: "gregory",
      numberingSystem: "latn",
      year: "numeric",
      month: "numeric",
      day: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime's Intl knows the IANA zone `name`. */
export function isKnownTimeZone(name: string): boolean {
  if (typeof name !== "string" || name.trim() === "") return false;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

function calendarDateAt(instantMs: number, timeZone: string): CalendarDate {
  const date: CalendarDate = { year: 0, month: 0, day: 0 };
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) {
    if (part.type === "year" || part.type === "month" || part.type === "day") date[part.type] = Number(part.value);
  }
  return date;
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** `2026-W47`: the ISO 8601 week (Monday first; week 1 holds the year's first Thursday). */
function isoWeekOf(date: CalendarDate): string {
  const dayMs = Date.UTC(date.year, date.month - 1, date.day);
  const weekday = new Date(dayMs).getUTCDay() || 7; // Monday 1 .. Sunday 7
  // The Thursday of this week decides which year the week belongs to.
  const thursday = new Date(dayMs + (4 - weekday) * 86_400_000);
  const isoYear = thursday.getUTCFullYear();
  const dayOfYear = (thursday.getTime() - Date.UTC(isoYear, 0, 1)) / 86_400_000;
  return `${pad(isoYear, 4)}-W${pad(Math.floor(dayOfYear / 7) + 1)}`;
}

/**
 * The calendar period holding an instant, in `timeZone`, as a sortable label:
 * `2026-11-20` (daily), `2026-W47` (weekly), `2026-11` (monthly).
 */
export function periodOf(tier: Tier, instantMs: number, timeZone: string): string {
  const date = calendarDateAt(instantMs, timeZone);
  switch (tier) {
    case "daily":
      return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
    case "weekly":
      return isoWeekOf(date);
    case "monthly":
      return `${pad(date.year, 4)}-${pad(date.month)}`;
  }
}
