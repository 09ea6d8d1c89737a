import { describe, expect, it } from "vitest";
import { formatSeconds, periodOf } from "../src/index.js";

const at = (iso: string) => Date.parse(iso);

describe("periodOf", () => {
  it.each([
    // ISO weeks at year ends: the week belongs to the year of its Thursday.
    ["weekly", "2021-01-03T12:00:00Z", "UTC", "2020-W53"],
    ["weekly", "2021-01-04T00:00:00Z", "UTC", "2021-W01"],
    ["weekly", "2024-12-30T12:00:00Z", "UTC", "2025-W01"],
    ["weekly", "2026-11-20T12:00:00Z", "UTC", "2026-W47"],
    // Sunday late evening in New York is already Monday in UTC.
    ["weekly", "2026-11-23T03:00:00Z", "America/New_York", "2026-W47"],
    ["weekly", "2026-11-23T03:00:00Z", "UTC", "2026-W48"],
    // The calendar day is read in the zone, not in UTC.
    ["daily", "2026-11-20T23:30:00Z", "UTC", "2026-11-20"],
    ["daily", "2026-11-20T23:30:00Z", "Europe/Paris", "2026-11-21"],
    ["daily", "2026-11-20T10:00:00Z", "Pacific/Kiritimati", "2026-11-21"],
    ["daily", "2026-11-21T05:00:00Z", "America/Los_Angeles", "2026-11-20"],
    ["monthly", "2026-11-30T23:30:00Z", "Asia/Tokyo", "2026-12"],
    ["monthly", "2026-12-01T02:00:00Z", "America/Denver", "2026-11"],
    ["monthly", "2026-01-15T00:00:00Z", "UTC", "2026-01"],
  ] as const)("%s period of %s in %s is %s", (tier, iso, zone, expected) => {
    expect(periodOf(tier, at(iso), zone)).toBe(expected);
  });

  it("puts both sides of a daylight-saving change on the same day", () => {
    // Europe/Paris leaves summer time at 03:00 local on 2026-10-25.
    expect(periodOf("daily", at("2026-10-24T22:30:00Z"), "Europe/Paris")).toBe("2026-10-25");
    expect(periodOf("daily", at("2026-10-25T21:30:00Z"), "Europe/Paris")).toBe("2026-10-25");
    expect(periodOf("daily", at("2026-10-25T23:30:00Z"), "Europe/Paris")).toBe("2026-10-26");
  });
});

describe("formatSeconds", () => {
  it.each([
    [7 * 86_400, "7d"],
    [86_400 + 3_600, "1d1h"],
    [5_400, "1h30m"],
    [45, "45s"],
    [0, "0s"],
    [Number.POSITIVE_INFINITY, "forever"],
  ])("%s seconds reads %s", (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});
