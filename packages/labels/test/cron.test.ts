import cron from "node-cron";
import { afterEach, describe, expect, test, vi } from "vitest";
import { nextRuns, parseSchedule, type Schedule } from "../src/index.js";

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

function cronOf(text: string, zone = "UTC"): Schedule {
  const result = parseSchedule(text, zone);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.reason}`);
  return result.schedule;
}

describe("parseSchedule accepts every form the original agent did", () => {
  test.each([
    ["0 2 * * *", "0 2 * * *"],
    ["0 */6 * * *", "0 */6 * * *"],
    ["0 2 * * 0", "0 2 * * 0"],
    ["0 4 * * *", "0 4 * * *"],
    ["*/30 * * * * *", "*/30 * * * * *"],
    ["0 0 2 * * *", "0 0 2 * * *"],
    ["0 30 1 * * mon-fri", "0 30 1 * * mon-fri"],
    ["  15   3 * * *  ", "15 3 * * *"],
    ["0 0 1 jan,jul *", "0 0 1 jan,jul *"],
    ["0 0 ? * 1", "0 0 ? * 1"],
    ["0 0 L * *", "0 0 L * *"],
    ["@yearly", "0 0 1 1 *"],
    ["@annually", "0 0 1 1 *"],
    ["@monthly", "0 0 1 * *"],
    ["@weekly", "0 0 * * 0"],
    ["@daily", "0 0 * * *"],
    ["@midnight", "0 0 * * *"],
    ["@hourly", "0 * * * *"],
    ["@DAILY", "0 0 * * *"],
  ])("%j schedules as %j", (text, expression) => {
    expect(parseSchedule(text, "UTC")).toEqual({ ok: true, schedule: { kind: "cron", expression, timezone: "UTC" } });
  });

  test.each([
    ["@every 1h30m", 5400],
    ["@every 90s", 90],
    ["@every 24h", 86_400],
    ["@every 2d", 172_800],
    ["@every 1w", 604_800],
    ["@EVERY 10m", 600],
  ])("%j is an interval of %d seconds", (text, everySeconds) => {
    expect(parseSchedule(text, "UTC")).toEqual({ ok: true, schedule: { kind: "interval", everySeconds } });
  });

  test("the zone is canonicalised and CRON_TZ= overrides it", () => {
    expect(parseSchedule("0 3 * * *", "utc")).toMatchObject({ ok: true, schedule: { timezone: "UTC" } });
    expect(parseSchedule("CRON_TZ=Europe/Paris 0 3 * * *", "UTC")).toEqual({
      ok: true,
      schedule: { kind: "cron", expression: "0 3 * * *", timezone: "Europe/Paris" },
    });
    expect(parseSchedule("TZ=Asia/Tokyo @daily", "UTC")).toMatchObject({
      ok: true,
      schedule: { timezone: "Asia/Tokyo" },
    });
  });
});

describe("parseSchedule rejects with a reason", () => {
  test.each([
    ["", /is empty/],
    ["   ", /is empty/],
    ["0 2 * *", /has 4 fields/],
    ["0 0 0 2 * * *", /has 7 fields/],
    ["60 * * * *", /minutes: "60" is not valid/],
    ["0 24 * * *", /hours: "24" is not valid/],
    ["0 0 32 * *", /day of month/],
    ["0 0 * 13 *", /month/],
    ["0 0 * * 8", /day of week/],
    ["0 0 31 2 *", /never occurs/],
    ["0 0 1 1 1#5", /never fires/],
    ["*/0 * * * *", /minutes/],
    ["0-9999999 * * * *", /larger than any cron field/],
    ["0 \u00002 * * *", /not a valid cron expression/],
    ["@reboot", /not a supported macro/],
    ["@every", /not a supported macro/],
    ["@every soon", /@every needs a duration/],
    ["@every 0s", /at least 1s/],
    ["@every 1500ms", /whole number of seconds/],
    ["@every -1h", /at least 1s/],
    ["CRON_TZ=Mars/Olympus 0 3 * * *", /not a known IANA zone/],
    ["x".repeat(201), /longer than 200/],
  ])("%j", (text, reason) => {
    const result = parseSchedule(text, "UTC");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  test("an unknown time zone", () => {
    expect(parseSchedule("0 3 * * *", "Nowhere/City")).toEqual({
      ok: false,
      reason: 'time zone "Nowhere/City" is not a known IANA zone name',
    });
  });

  test("everything it accepts, node-cron accepts", () => {
    for (const text of ["0 2 * * *", "*/30 * * * * *", "@weekly", "0 0 L * *", "0 0 * * 5L", "0 0 15W * *"]) {
      const result = parseSchedule(text, "UTC");
      expect(result.ok).toBe(true);
      if (result.ok && result.schedule.kind === "cron") expect(cron.validate(result.schedule.expression)).toBe(true);
    }
  });
});

describe("nextRuns", () => {
  const from = new Date("2025-01-24T10:54:00.123Z"); // a Friday

  test.each([
    ["0 2 * * *", ["2025-01-25T02:00:00.000Z", "2025-01-26T02:00:00.000Z", "2025-01-27T02:00:00.000Z"]],
    ["0 */6 * * *", ["2025-01-24T12:00:00.000Z", "2025-01-24T18:00:00.000Z", "2025-01-25T00:00:00.000Z"]],
    ["0 2 * * 0", ["2025-01-26T02:00:00.000Z", "2025-02-02T02:00:00.000Z", "2025-02-09T02:00:00.000Z"]],
    ["*/20 * * * * *", ["2025-01-24T10:54:20.000Z", "2025-01-24T10:54:40.000Z", "2025-01-24T10:55:00.000Z"]],
    ["@hourly", ["2025-01-24T11:00:00.000Z", "2025-01-24T12:00:00.000Z", "2025-01-24T13:00:00.000Z"]],
    ["@monthly", ["2025-02-01T00:00:00.000Z", "2025-03-01T00:00:00.000Z", "2025-04-01T00:00:00.000Z"]],
    ["@yearly", ["2026-01-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z", "2028-01-01T00:00:00.000Z"]],
    ["0 0 L * *", ["2025-01-31T00:00:00.000Z", "2025-02-28T00:00:00.000Z", "2025-03-31T00:00:00.000Z"]],
    ["0 0 * * 1#1", ["2025-02-03T00:00:00.000Z", "2025-03-03T00:00:00.000Z", "2025-04-07T00:00:00.000Z"]],
    ["0 0 * * 5L", ["2025-01-31T00:00:00.000Z", "2025-02-28T00:00:00.000Z", "2025-03-28T00:00:00.000Z"]],
    ["0 0 1W * *", ["2025-02-03T00:00:00.000Z", "2025-03-03T00:00:00.000Z", "2025-04-01T00:00:00.000Z"]],
    ["0 0 29 2 *", ["2028-02-29T00:00:00.000Z", "2032-02-29T00:00:00.000Z", "2036-02-29T00:00:00.000Z"]],
  ])("%j in UTC", (text, expected) => {
    expect(iso(nextRuns(cronOf(text), from, 3))).toEqual(expected);
  });

  test("a run exactly at `from` is not repeated", () => {
    expect(iso(nextRuns(cronOf("0 2 * * *"), new Date("2025-01-25T02:00:00.000Z"), 1))).toEqual([
      "2025-01-26T02:00:00.000Z",
    ]);
  });

  test("wall times follow the schedule's zone", () => {
    // 03:00 in Paris is 02:00 UTC in winter and 01:00 UTC in summer.
    const paris = cronOf("0 3 * * *", "Europe/Paris");
    expect(iso(nextRuns(paris, new Date("2025-01-24T12:00:00Z"), 1))).toEqual(["2025-01-25T02:00:00.000Z"]);
    expect(iso(nextRuns(paris, new Date("2025-07-01T12:00:00Z"), 1))).toEqual(["2025-07-02T01:00:00.000Z"]);
    const tokyo = cronOf("0 0 * * *", "Asia/Tokyo");
    expect(iso(nextRuns(tokyo, new Date("2025-01-24T12:00:00Z"), 1))).toEqual(["2025-01-24T15:00:00.000Z"]);
    const kolkata = cronOf("30 9 * * *", "Asia/Kolkata");
    expect(iso(nextRuns(kolkata, new Date("2025-01-24T00:00:00Z"), 1))).toEqual(["2025-01-24T04:00:00.000Z"]);
  });

  test("a time skipped by the spring-forward jump does not fire that day", () => {
    // Berlin jumps from 02:00 to 03:00 on 2025-03-30.
    const schedule = cronOf("30 2 * * *", "Europe/Berlin");
    expect(iso(nextRuns(schedule, new Date("2025-03-29T12:00:00Z"), 2))).toEqual([
      "2025-03-31T00:30:00.000Z",
      "2025-04-01T00:30:00.000Z",
    ]);
  });

  test("a time repeated by the fall-back jump fires once, where node-cron fires it", () => {
    // Berlin goes from 03:00 back to 02:00 on 2025-10-26; node-cron takes the second 02:30.
    const schedule = cronOf("30 2 * * *", "Europe/Berlin");
    expect(iso(nextRuns(schedule, new Date("2025-10-25T12:00:00Z"), 3))).toEqual([
      "2025-10-26T01:30:00.000Z",
      "2025-10-27T01:30:00.000Z",
      "2025-10-28T01:30:00.000Z",
    ]);
  });

  test("hourly runs across a fall-back night run each wall-clock hour once", () => {
    const schedule = cronOf("0 * * * *", "Europe/Berlin");
    expect(iso(nextRuns(schedule, new Date("2025-10-25T23:30:00Z"), 3))).toEqual([
      "2025-10-26T01:00:00.000Z",
      "2025-10-26T02:00:00.000Z",
      "2025-10-26T03:00:00.000Z",
    ]);
  });

  test("intervals step from `from`, truncated to the second", () => {
    const schedule = cronOf("@every 1h30m");
    expect(iso(nextRuns(schedule, from, 3))).toEqual([
      "2025-01-24T12:24:00.000Z",
      "2025-01-24T13:54:00.000Z",
      "2025-01-24T15:24:00.000Z",
    ]);
  });

  test("zero, negative and fractional counts", () => {
    const schedule = cronOf("@daily");
    expect(nextRuns(schedule, from, 0)).toEqual([]);
    expect(nextRuns(schedule, from, -2)).toEqual([]);
    expect(nextRuns(schedule, from, 2.7)).toHaveLength(2);
    expect(nextRuns(schedule, new Date(Number.NaN), 3)).toEqual([]);
  });
});

describe("nextRuns agrees with node-cron's own matcher", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const cases: [string, string, string][] = [
    ["0 2 * * *", "UTC", "2025-01-24T10:54:00Z"],
    ["*/7 * * * *", "UTC", "2025-01-24T10:54:00Z"],
    ["15,45 */3 * * 1-5", "America/New_York", "2025-06-13T22:10:00Z"],
    ["0 0 L * *", "Asia/Tokyo", "2025-02-10T00:00:00Z"],
    ["0 0 * * 1#2", "UTC", "2025-05-01T00:00:00Z"],
    ["30 10 1-7 * 2", "Europe/London", "2025-01-01T00:00:00Z"],
    ["*/45 * * * * *", "UTC", "2025-01-24T10:54:00Z"],
    ["0 30 9 * * mon", "Australia/Sydney", "2025-03-01T00:00:00Z"],
    ["0 0 15W * *", "UTC", "2025-01-01T00:00:00Z"],
    // Daylight-saving nights, both directions, both sides of UTC.
    ["0 30 2 * * *", "Europe/Berlin", "2025-03-29T20:00:00Z"],
    ["0 30 2 * * *", "Europe/Berlin", "2025-10-25T20:00:00Z"],
    ["0 */15 * * * *", "Europe/Berlin", "2025-10-26T00:40:00Z"],
    ["0 0 * * * *", "Europe/Berlin", "2025-10-25T20:00:00Z"],
    ["0 30 1 * * *", "America/New_York", "2025-11-01T20:00:00Z"],
    ["0 */20 * * * *", "America/New_York", "2025-11-02T05:10:00Z"],
    ["0 30 2 * * *", "America/New_York", "2025-03-08T20:00:00Z"],
    ["0 0 2 * * *", "Australia/Lord_Howe", "2025-04-05T10:00:00Z"],
  ];

  test.each(cases)("%j in %s from %s", (expression, zone, start) => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date(start) });
    const task = cron.createTask(expression, () => {}, { timezone: zone });
    try {
      const theirs = task.getNextRuns(5);
      expect(iso(nextRuns(cronOf(expression, zone), new Date(start), 5))).toEqual(iso(theirs));
    } finally {
      task.destroy();
    }
  });
});
