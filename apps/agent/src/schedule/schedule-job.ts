import type { Schedule } from "@lb/core";
import cron from "node-cron";

export interface ScheduledJob {
  stop(): void;
}

/** Calls `fire` on `schedule`: node-cron for cron expressions, a timer for `@every`. */
export function scheduleJob(schedule: Schedule, fire: () => void): ScheduledJob {
  if (schedule.kind === "interval") {
    const timer = setInterval(fire, schedule.everySeconds * 1000);
    return { stop: () => clearInterval(timer) };
  }
  const task = cron.schedule(schedule.expression, fire, { timezone: schedule.timezone });
  return { stop: () => void task.destroy() };
}
