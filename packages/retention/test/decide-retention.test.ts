import { describe, expect, it } from "vitest";
import { decideRetention, type RetentionDecision, type RetentionPolicy } from "../src/index.js";
import { ago, artifact, DAY, HOUR, keysOf, NOW } from "./artifacts.js";

const week: RetentionPolicy = { maxAgeSeconds: 7 * DAY, timezone: "UTC" };

const kept = (decisions: RetentionDecision[]) => decisions.filter((d) => d.action === "keep");
const deleted = (decisions: RetentionDecision[]) => decisions.filter((d) => d.action === "delete");

describe("decideRetention: age and keep-last", () => {
  it("keeps the newest backup whatever its age, and deletes the rest past the limit", () => {
    const old = [artifact("app", ago(30 * DAY)), artifact("app", ago(20 * DAY)), artifact("app", ago(10 * DAY))];
    const decisions = decideRetention(old, week, NOW);
    expect(keysOf(kept(decisions))).toEqual([old[2]?.key]);
    expect(kept(decisions)[0]?.reasons).toEqual(["newest successful backup"]);
    expect(deleted(decisions).map((d) => d.reasons)).toEqual([["older than 7d"], ["older than 7d"]]);
  });

  it("keeps the keep-last newest, whatever their age", () => {
    const old = [40, 30, 20, 10].map((days) => artifact("app", ago(days * DAY)));
    const decisions = decideRetention(old, { ...week, keepLast: 3 }, NOW);
    expect(keysOf(deleted(decisions))).toEqual([old[0]?.key]);
    expect(kept(decisions).map((d) => d.reasons)).toEqual([
      ["keep-last 3"],
      ["keep-last 3"],
      ["newest successful backup"],
    ]);
  });

  it("keeps everything within the age limit, the limit itself included", () => {
    const onTheLimit = artifact("app", ago(7 * DAY));
    const justPast = artifact("app", new Date(NOW.getTime() - 7 * DAY * 1000 - 1).toISOString());
    const recent = artifact("app", ago(HOUR));
    const decisions = decideRetention([justPast, onTheLimit, recent], week, NOW);
    expect(decisions.map((d) => [d.action, d.reasons])).toEqual([
      ["delete", ["older than 7d"]],
      ["keep", ["within 7d"]],
      ["keep", ["newest successful backup", "within 7d"]],
    ]);
  });

  it("keeps everything when there is no age limit", () => {
    const history = [400, 200, 1].map((days) => artifact("app", ago(days * DAY)));
    const decisions = decideRetention(history, { maxAgeSeconds: Number.POSITIVE_INFINITY, timezone: "UTC" }, NOW);
    expect(deleted(decisions)).toEqual([]);
    expect(decisions[0]?.reasons).toEqual(["no age limit"]);
  });

  it("answers in the order it was given, one decision per key", () => {
    const a = artifact("app", ago(20 * DAY));
    const b = artifact("app", ago(1 * DAY));
    const c = artifact("app", ago(30 * DAY));
    const decisions = decideRetention([a, b, c, a], week, NOW);
    expect(keysOf(decisions)).toEqual([a.key, b.key, c.key]);
    expect(decisions.map((d) => d.action)).toEqual(["delete", "keep", "delete"]);
  });

  it("breaks equal start times by key, whatever the listing order", () => {
    const time = ago(30 * DAY);
    const first = artifact("app", time);
    const second = artifact("app", time);
    for (const order of [
      [first, second],
      [second, first],
    ]) {
      const decisions = decideRetention(order, week, NOW);
      expect(keysOf(kept(decisions))).toEqual([second.key]);
    }
  });

  it("decides nothing for no backups", () => {
    expect(decideRetention([], week, NOW)).toEqual([]);
  });
});

describe("decideRetention: backups it cannot rank are kept", () => {
  it("keeps a backup from the future (clock skew) without letting it displace the real newest", () => {
    const future = artifact("app", new Date(NOW.getTime() + 3 * DAY * 1000).toISOString());
    const old = [artifact("app", ago(30 * DAY)), artifact("app", ago(20 * DAY))];
    const decisions = decideRetention([future, ...old], week, NOW);
    expect(decisions.map((d) => d.action)).toEqual(["keep", "delete", "keep"]);
    expect(decisions[0]?.reasons[0]).toMatch(/in the future \(clock skew\?\)/);
    expect(decisions[2]?.reasons).toEqual(["newest successful backup"]);
  });

  it("keeps a backup whose start time it cannot read, and says so", () => {
    const broken = artifact("app", "last tuesday");
    const old = [artifact("app", ago(30 * DAY)), artifact("app", ago(20 * DAY))];
    const decisions = decideRetention([broken, ...old], week, NOW);
    expect(decisions.map((d) => d.action)).toEqual(["keep", "delete", "keep"]);
    expect(decisions[0]?.reasons).toEqual(['startedAt "last tuesday" is not a valid time: not deleted']);
  });

  it("keeps a backup whose manifest describes another key", () => {
    const odd = artifact("app", ago(30 * DAY));
    const listed = { ...odd, key: "app/elsewhere.sql.gz" };
    const decisions = decideRetention([listed, artifact("app", ago(1 * DAY))], week, NOW);
    expect(decisions[0]?.action).toBe("keep");
    expect(decisions[0]?.reasons[0]).toMatch(/manifest describes/);
  });

  it.each([
    ["a zero age limit", { maxAgeSeconds: 0 }, /maxAgeSeconds/],
    ["a negative age limit", { maxAgeSeconds: -DAY }, /maxAgeSeconds/],
    ["an age limit that is not a number", { maxAgeSeconds: Number.NaN }, /maxAgeSeconds/],
    ["keep-last 0", { keepLast: 0 }, /keepLast/],
    ["a fractional keep-last", { keepLast: 1.5 }, /keepLast/],
    ["a negative tier", { keepDaily: -1 }, /keepDaily/],
    ["an unknown zone with tiers", { keepWeekly: 2, timezone: "Mars/Olympus" }, /timezone "Mars\/Olympus"/],
  ])("deletes nothing under a policy with %s", (_, change, problem) => {
    const old = [artifact("app", ago(30 * DAY)), artifact("app", ago(20 * DAY))];
    const decisions = decideRetention(old, { ...week, ...change }, NOW);
    expect(deleted(decisions)).toEqual([]);
    for (const decision of decisions) {
      expect(decision.reasons[0]).toMatch(/^retention policy not applied/);
      expect(decision.reasons[0]).toMatch(problem);
    }
  });

  it("ignores an unknown zone when no tier reads it", () => {
    const old = [artifact("app", ago(30 * DAY)), artifact("app", ago(20 * DAY))];
    const decisions = decideRetention(old, { ...week, timezone: "Mars/Olympus" }, NOW);
    expect(decisions.map((d) => d.action)).toEqual(["delete", "keep"]);
  });

  it("refuses backups of several targets at once", () => {
    expect(() => decideRetention([artifact("app", ago(DAY)), artifact("app-2", ago(DAY))], week, NOW)).toThrow(
      /one target at a time.*"app".*"app-2"/,
    );
  });

  it("refuses an invalid clock", () => {
    expect(() => decideRetention([artifact("app", ago(DAY))], week, new Date(Number.NaN))).toThrow(/now/);
  });
});

describe("decideRetention: calendar tiers", () => {
  /** A backup every 6 hours for `days` days, ending 1 hour before NOW. */
  const sixHourly = (days: number) =>
    Array.from({ length: days * 4 }, (_, i) => artifact("app", ago(HOUR + i * 6 * HOUR))).reverse();

  it("keeps the newest backup of each of the last N days", () => {
    const history = sixHourly(30);
    const decisions = decideRetention(history, { maxAgeSeconds: DAY, keepDaily: 7, timezone: "UTC" }, NOW);
    const daily = kept(decisions).filter((d) => d.reasons.some((r) => r.startsWith("daily tier")));
    expect(daily.map((d) => d.reasons.find((r) => r.startsWith("daily tier")))).toEqual(
      ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"].map(
        (day) => `daily tier ${day}`,
      ),
    );
    // Before today, the newest run of each day is its 23:00 run.
    expect(daily.slice(0, -1).map((d) => d.artifact.manifest.startedAt.slice(11, 16))).toEqual(Array(6).fill("23:00"));
    // Within 1 day: the runs at 11:00, 05:00 today, 23:00 and 17:00 yesterday (four), plus
    // five more day-tier runs; nothing else.
    expect(kept(decisions)).toHaveLength(4 + 5);
  });

  it("counts only days that have backups", () => {
    const history = [30, 20, 10, 1].map((days) => artifact("app", ago(days * DAY)));
    const decisions = decideRetention(history, { maxAgeSeconds: HOUR, keepDaily: 3, timezone: "UTC" }, NOW);
    expect(decisions.map((d) => d.action)).toEqual(["delete", "keep", "keep", "keep"]);
    expect(decisions[1]?.reasons).toEqual(["daily tier 2026-11-06"]);
  });

  it("keeps the newest backup of each of the last N ISO weeks and months", () => {
    const history = Array.from({ length: 120 }, (_, i) => artifact("app", ago((120 - i) * DAY)));
    const decisions = decideRetention(
      history,
      { maxAgeSeconds: HOUR, keepWeekly: 4, keepMonthly: 3, timezone: "UTC" },
      NOW,
    );
    const reasons = kept(decisions).flatMap((d) => d.reasons);
    expect(reasons.filter((r) => r.startsWith("weekly"))).toEqual([
      "weekly tier 2026-W45",
      "weekly tier 2026-W46",
      "weekly tier 2026-W47",
      "weekly tier 2026-W48",
    ]);
    expect(reasons.filter((r) => r.startsWith("monthly"))).toEqual([
      "monthly tier 2026-09",
      "monthly tier 2026-10",
      "monthly tier 2026-11",
    ]);
    // The newest of a finished week is its Sunday, of a finished month its last day.
    const byReason = (reason: string) => kept(decisions).find((d) => d.reasons.includes(reason));
    expect(byReason("weekly tier 2026-W47")?.artifact.manifest.startedAt).toBe("2026-11-22T12:00:00.000Z");
    expect(byReason("monthly tier 2026-10")?.artifact.manifest.startedAt).toBe("2026-10-31T12:00:00.000Z");
  });

  it("reads the calendar in the policy's time zone", () => {
    // 22:30 and 23:30 UTC: one day in UTC, two days in Paris (23:30 and 00:30).
    const late = artifact("app", "2026-11-20T22:30:00.000Z");
    const later = artifact("app", "2026-11-20T23:30:00.000Z");
    const policy = { maxAgeSeconds: HOUR, keepDaily: 2 };
    const utc = decideRetention([late, later], { ...policy, timezone: "UTC" }, NOW);
    const paris = decideRetention([late, later], { ...policy, timezone: "Europe/Paris" }, NOW);
    expect(utc.map((d) => d.action)).toEqual(["delete", "keep"]);
    expect(paris.map((d) => d.action)).toEqual(["keep", "keep"]);
    expect(paris[0]?.reasons).toEqual(["daily tier 2026-11-20"]);
    expect(paris[1]?.reasons).toEqual(["newest successful backup", "daily tier 2026-11-21"]);
  });
});

describe("the README example", () => {
  it("keeps 30 of 400 nightly backups under the example policy", () => {
    const now = new Date("2026-11-26T12:00:00Z");
    const nightly = Array.from({ length: 400 }, (_, d) =>
      artifact("shop", new Date(Date.UTC(2026, 10, 26, 1) - d * DAY * 1000).toISOString()),
    );
    const policy: RetentionPolicy = {
      maxAgeSeconds: 7 * DAY,
      keepLast: 3,
      keepDaily: 14,
      keepWeekly: 8,
      keepMonthly: 12,
      timezone: "Europe/Paris",
    };
    const decisions = kept(decideRetention(nightly, policy, now));
    expect(decisions).toHaveLength(30);
    const reasonsAt = (day: string) => decisions.find((d) => d.artifact.manifest.startedAt.startsWith(day))?.reasons;
    expect(reasonsAt("2026-11-26")).toEqual([
      "newest successful backup",
      "within 7d",
      "daily tier 2026-11-26",
      "weekly tier 2026-W48",
      "monthly tier 2026-11",
    ]);
    expect(reasonsAt("2026-11-25")).toEqual(["keep-last 3", "within 7d", "daily tier 2026-11-25"]);
    expect(reasonsAt("2026-11-08")).toEqual(["weekly tier 2026-W45"]);
    expect(reasonsAt("2025-12-31")).toEqual(["monthly tier 2025-12"]);
  });
});
