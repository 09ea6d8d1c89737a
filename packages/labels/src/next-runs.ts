import type { Schedule } from "@lb/core";
import cron from "node-cron";
import { dayMatches } from "./cron-days.js";
import { instantOfWallTime, type WallTime, wallTimeAt } from "./zoned-time.js";

// The Gregorian calendar repeats every 400 years: a pattern with no day in that span never fires.
const MAX_DAYS_SEARCHED = 146_097;

interface CompiledCron {
  seconds: number[];
  minutes: number[];
  hours: number[];
  dayOfMonth: (number | string)[];
  month: number[];
  dayOfWeek: (number | string)[];
}

const compiled = new Map<string, CompiledCron>();
const MAX_COMPILED = 500;

function ascending(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function compile(expression: string): CompiledCron {
  let result = compiled.get(expression);
  if (!result) {
    // Throws for an expression node-cron rejects; parseSchedule never produces one.
    const fields = cron.parse(expression);
    result = {
      seconds: ascending(fields.second),
      minutes: ascending(fields.minute),
      hours: ascending(fields.hour),
      dayOfMonth: fields.dayOfMonth,
      month: fields.month,
      dayOfWeek: fields.dayOfWeek,
    };
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(expression, result);
  }
  return result;
}

function nextDay(year: number, month: number, day: number): { year: number; month: number; day: number } {
  const date = new Date(Date.UTC(year, month - 1, day + 1));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function isAfter(hour: number, minute: number, second: number, bound: WallTime): boolean {
  return hour * 3600 + minute * 60 + second > bound.hour * 3600 + bound.minute * 60 + bound.second;
}

/** The first instant strictly after `afterMs` (whole seconds) that the expression matches. */
function nextCronInstant(fields: CompiledCron, timeZone: string, afterMs: number): number | undefined {
  const base = Math.floor(afterMs / 1000) * 1000;
  const start = wallTimeAt(base, timeZone);
  let { year, month, day } = start;
  for (let i = 0; i < MAX_DAYS_SEARCHED; i++) {
    if (dayMatches(fields, year, month, day)) {
      const bound = i === 0 ? start : undefined;
      for (const hour of fields.hours) {
        if (bound && hour < bound.hour) continue;
        for (const minute of fields.minutes) {
          for (const second of fields.seconds) {
            if (bound && !isAfter(hour, minute, second, bound)) continue;
            const instant = instantOfWallTime({ year, month, day, hour, minute, second }, timeZone);
            if (instant !== undefined && instant > base) return instant;
          }
        }
      }
    }
    ({ year, month, day } = nextDay(year, month, day));
  }
  return undefined;
}

/**
 * The next `count` fire times after `from`. For `cron`, wall times follow the schedule's
 * zone as node-cron reads them: a time skipped by a daylight-saving jump does not fire,
 * and a repeated one fires once. For `interval`, runs fall every `everySeconds` after
 * `from` (truncated to the second).
 */
export function nextRuns(schedule: Schedule, from: Date, count: number): Date[] {
  const start = from.getTime();
  if (!Number.isFinite(start) || !(count > 0)) return [];
  const wanted = Math.floor(count);
  const runs: Date[] = [];
  if (schedule.kind === "interval") {
    if (!(schedule.everySeconds > 0)) return [];
    const base = Math.floor(start / 1000) * 1000;
    for (let i = 1; i <= wanted; i++) runs.push(new Date(base + i * schedule.everySeconds * 1000));
    return runs;
  }
  const fields = compile(schedule.expression);
  let cursor = start;
  while (runs.length < wanted) {
    const next = nextCronInstant(fields, schedule.timezone, cursor);
    if (next === undefined) break;
    runs.push(new Date(next));
    cursor = next;
  }
  return runs;
}
