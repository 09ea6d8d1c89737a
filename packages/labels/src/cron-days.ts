// Day-of-month and day-of-week tokens as node-cron 4 parses them: plain numbers, plus
// `L`, `L-n`, `nW`, `LW` for the month and `n#k`, `nL` for the week. Weekdays run 0-6
// from Sunday (node-cron has already turned 7 into 0).

/** Days in a month (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** The weekday (Mon-Fri) nearest to `target` without leaving the month, as Quartz defines `W`. */
function nearestWeekday(year: number, month: number, target: number): number | undefined {
  const last = daysInMonth(year, month);
  if (target < 1 || target > last) return undefined;
  const weekday = weekdayOf(year, month, target);
  if (weekday === 6) return target === 1 ? 3 : target - 1;
  if (weekday === 0) return target === last ? target - 2 : target + 1;
  return target;
}

function dayOfMonthTokenMatches(token: number | string, year: number, month: number, day: number): boolean {
  if (typeof token === "number") return token === day;
  const last = daysInMonth(year, month);
  if (token === "L") return day === last;
  const offset = /^L-(\d{1,2})$/.exec(token);
  if (offset) return day === last - Number(offset[1]);
  const weekday = /^(\d{1,2}|L)W$/.exec(token);
  if (weekday) {
    const target = weekday[1] === "L" ? last : Number(weekday[1]);
    return nearestWeekday(year, month, target) === day;
  }
  return false;
}

function dayOfWeekTokenMatches(token: number | string, year: number, month: number, day: number): boolean {
  const weekday = weekdayOf(year, month, day);
  if (typeof token === "number") return token % 7 === weekday;
  const nth = /^([0-7])#([1-5])$/.exec(token);
  if (nth) return Number(nth[1]) % 7 === weekday && Math.ceil(day / 7) === Number(nth[2]);
  const lastOf = /^([0-7])L$/.exec(token);
  if (lastOf) return Number(lastOf[1]) % 7 === weekday && day + 7 > daysInMonth(year, month);
  return false;
}

export interface DayFields {
  dayOfMonth: readonly (number | string)[];
  month: readonly number[];
  dayOfWeek: readonly (number | string)[];
}

/**
 * Whether a calendar day can fire. Like node-cron (and unlike Vixie cron), day of month
 * and day of week must both match.
 */
export function dayMatches(fields: DayFields, year: number, month: number, day: number): boolean {
  return (
    fields.month.includes(month) &&
    fields.dayOfMonth.some((token) => dayOfMonthTokenMatches(token, year, month, day)) &&
    fields.dayOfWeek.some((token) => dayOfWeekTokenMatches(token, year, month, day))
  );
}
