/** A calendar date and clock time as read on the wall in some time zone. */
export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall time in `timeZone` at an instant (milliseconds since the epoch). */
export function wallTimeAt(instantMs: number, timeZone: string): WallTime {
  const wall: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) {
    if (part.type in wall) wall[part.type as keyof WallTime] = Number(part.value);
  }
  // Some ICU versions still print midnight as 24 under h23.
  if (wall.hour === 24) wall.hour = 0;
  return wall;
}

function wallAsUtcMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetAt(instantMs: number, timeZone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  return wallAsUtcMs(wallTimeAt(whole, timeZone)) - whole;
}

function sameWall(a: WallTime, b: WallTime): boolean {
  return (
    a.year === b.year &&
    a.month === b.month &&
    a.day === b.day &&
    a.hour === b.hour &&
    a.minute === b.minute &&
    a.second === b.second
  );
}

const HALF_DAY_MS = 12 * 3600 * 1000;

/**
 * The instant whose wall time in `timeZone` is `wall`, or undefined when the wall time
 * does not exist there (skipped by a daylight-saving jump). For a wall time that occurs
 * twice (clocks going back) it picks the occurrence node-cron's matcher picks, the one
 * found by subtracting the offset in force at the wall time read as UTC, so the runs
 * listed here are the runs the scheduler makes.
 */
export function instantOfWallTime(wall: WallTime, timeZone: string): number | undefined {
  const asUtc = wallAsUtcMs(wall);
  const preferred = asUtc - offsetAt(asUtc, timeZone);
  if (sameWall(wallTimeAt(preferred, timeZone), wall)) return preferred;
  // The offsets in force half a day either side cover any single transition near `wall`.
  for (const candidate of [
    asUtc - offsetAt(asUtc - HALF_DAY_MS, timeZone),
    asUtc - offsetAt(asUtc + HALF_DAY_MS, timeZone),
  ]) {
    if (sameWall(wallTimeAt(candidate, timeZone), wall)) return candidate;
  }
  return undefined;
}
