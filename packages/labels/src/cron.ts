import type { Schedule } from "@lb/core";
import cron from "node-cron";
import { MAX_DURATION_SECONDS, parseDuration } from "./duration.js";
import { nextRuns } from "./next-runs.js";
import { quote } from "./quote.js";
import { canonicalTimeZone } from "./timezone.js";

/** The macros the original agent accepted, as the expressions they stand for. */
export const CRON_MACROS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const MAX_CRON_LENGTH = 200;
// A fixed starting point keeps parseSchedule deterministic; the 400-year search covers every case.
const NEVER_FIRES_PROBE = new Date(Date.UTC(2000, 0, 1));

const FIELD_NAMES: Record<string, string> = {
  second: "seconds",
  minute: "minutes",
  hour: "hours",
  dayOfMonth: "day of month",
  month: "month",
  dayOfWeek: "day of week",
  expression: "expression",
};

export type ScheduleResult = { ok: true; schedule: Schedule } | { ok: false; reason: string };

const fail = (reason: string): ScheduleResult => ({ ok: false, reason });

function parseEvery(spec: string): ScheduleResult {
  const seconds = parseDuration(spec);
  if (seconds === undefined || seconds > MAX_DURATION_SECONDS) {
    return fail(`@every needs a duration such as 1h30m, 90s or 2d, got ${quote(spec)}`);
  }
  if (seconds < 1 || !Number.isInteger(seconds)) {
    return fail(`@every needs a whole number of seconds, at least 1s, got ${quote(spec)}`);
  }
  return { ok: true, schedule: { kind: "interval", everySeconds: seconds } };
}

/** The same checks node-cron runs before it schedules: `validate`, then the parser `createTask` uses. */
function nodeCronAccepts(expression: string): boolean {
  try {
    return cron.validate(expression) && cron.validateDetailed(expression).valid;
  } catch {
    return false;
  }
}

function describeCronErrors(expression: string): string {
  try {
    const detail = cron.validateDetailed(expression);
    const parts = detail.errors.map((error) => {
      const field = FIELD_NAMES[error.field] ?? error.field;
      if (error.message.includes("impossible day")) return `${field}: that day never occurs in the given month`;
      if (error.field === "expression") return error.message;
      return `${field}: ${quote(error.value ?? "")} is not valid`;
    });
    if (parts.length > 0) return `is not a valid cron expression (${parts.join("; ")})`;
  } catch {
    // Fall through to the generic reason.
  }
  return "is not a valid cron expression";
}

/**
 * Parses `backup.cron`: 5 fields, 6 fields with leading seconds, a macro (`@daily`, …) or
 * `@every <duration>`. A `CRON_TZ=<zone>` or `TZ=<zone>` prefix, as the original agent's
 * scheduler allowed, overrides `timezone` for this schedule.
 */
export function parseSchedule(cronText: string, timezone: string): ScheduleResult {
  let text = cronText.trim();
  if (text === "")
    return fail('is empty; expected a cron expression such as "0 3 * * *", a macro such as @daily, or @every 1h');
  if (text.length > MAX_CRON_LENGTH) return fail(`is longer than ${MAX_CRON_LENGTH} characters`);

  let zoneName = timezone;
  const zonePrefix = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/s.exec(text);
  if (zonePrefix) {
    zoneName = zonePrefix[1]!;
    text = zonePrefix[2]!.trim();
  }
  const zone = canonicalTimeZone(zoneName);
  if (!zone) return fail(`time zone ${quote(zoneName)} is not a known IANA zone name`);

  let expression: string;
  if (text.startsWith("@")) {
    const every = /^@every\s+(.+)$/is.exec(text);
    if (every) return parseEvery(every[1]!.trim());
    const macro = CRON_MACROS[text.toLowerCase()];
    if (!macro) {
      return fail(
        `${quote(text)} is not a supported macro; use one of ${Object.keys(CRON_MACROS).join(", ")}, or @every <duration>`,
      );
    }
    expression = macro;
  } else {
    const fields = text.split(/\s+/);
    if (fields.length !== 5 && fields.length !== 6) {
      return fail(`has ${fields.length} fields; expected 5 (minute hour day month weekday) or 6 (seconds first)`);
    }
    // node-cron expands ranges eagerly: a huge bound would stall it, and no field goes past 59.
    if (/\d{3,}/.test(text)) return fail("contains a number larger than any cron field allows");
    expression = fields.join(" ");
  }

  if (!nodeCronAccepts(expression)) return fail(describeCronErrors(expression));
  const schedule: Schedule = { kind: "cron", expression, timezone: zone };
  if (nextRuns(schedule, NEVER_FIRES_PROBE, 1).length === 0) {
    return fail("never fires: no date matches its day of month, month and day of week together");
  }
  return { ok: true, schedule };
}
