import { describe, expect, it } from "vitest";
import { parseStartedAt } from "../src/index.js";

describe("parseStartedAt", () => {
  it.each([
    ["2026-11-26T15:28:45.123Z", Date.UTC(2026, 10, 26, 15, 28, 45, 123)],
    ["2026-11-26T15:28:45Z", Date.UTC(2026, 10, 26, 15, 28, 45)],
    ["2026-11-26T15:28Z", Date.UTC(2026, 10, 26, 15, 28)],
    ["2026-11-26T16:28:45+01:00", Date.UTC(2026, 10, 26, 15, 28, 45)],
    ["2026-11-26T10:28:45-05:00", Date.UTC(2026, 10, 26, 15, 28, 45)],
    ["2024-02-29T00:00:00Z", Date.UTC(2024, 1, 29)],
  ])("reads %s", (text, expected) => {
    expect(parseStartedAt(text)).toBe(expected);
  });

  it.each([
    ["empty", ""],
    ["a date without a time", "2026-11-26"],
    ["a time without a zone, which Date.parse would read as local time", "2026-11-26T15:28:45"],
    ["a day that does not exist, which Date.parse rolls into March", "2026-02-31T00:00:00Z"],
    ["a leap day in a common year", "2026-02-29T00:00:00Z"],
    ["a thirteenth month", "2026-13-01T00:00:00Z"],
    ["hour 24", "2026-11-26T24:00:00Z"],
    ["a year before the agent could exist", "1969-12-31T23:59:59Z"],
    ["free text", "yesterday"],
    ["a number", 1_764_000_000_000],
    ["null", null],
  ])("refuses %s", (_, text) => {
    expect(parseStartedAt(text)).toBeUndefined();
  });
});
