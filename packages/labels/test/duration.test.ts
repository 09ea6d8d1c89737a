import { describe, expect, test } from "vitest";
import { DEFAULT_RETENTION_SECONDS, formatDuration, parseDuration, parseRetention } from "../src/index.js";

const H = 3600;
const D = 86_400;

describe("parseDuration", () => {
  test.each([
    ["90s", 90],
    ["90m", 90 * 60],
    ["24h", 24 * H],
    ["1h30m", 1.5 * H],
    ["7d", 7 * D],
    ["7d12h", 7.5 * D],
    ["4w", 28 * D],
    ["1.5h", 1.5 * H],
    [".5m", 30],
    ["1h0m30s", H + 30],
    ["500ms", 0.5],
    ["2h45m10s", 2 * H + 45 * 60 + 10],
    ["0", 0],
    ["-2h", -2 * H],
    ["+15m", 15 * 60],
    ["  6h  ", 6 * H],
  ])("%j is %d seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  test.each([
    "",
    "h",
    "10",
    "1x",
    "1h 30m",
    "1H",
    "d7",
    "1..5h",
    "--1h",
    "7 d",
    "1h-30m",
    "abc",
    "1e3s",
    "999999999999w",
  ])("%j is not a duration", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("formatDuration", () => {
  test.each([
    [7 * D, "7d"],
    [1.5 * H, "1h30m"],
    [45, "45s"],
    [0, "0s"],
    [D + 61, "1d1m1s"],
  ])("%d seconds reads %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe("parseRetention", () => {
  const global = 30 * D;
  test.each([
    ["7d", 7 * D],
    ["14d", 14 * D],
    ["24h", 24 * H],
    ["90m", 90 * 60],
    ["4w", 28 * D],
    ["1h30m", 1.5 * H],
    ["7d12h", 7.5 * D],
    ["3", 3 * D],
    ["30", 30 * D],
    [" 10 ", 10 * D],
  ])("%j keeps backups for %d seconds", (text, seconds) => {
    expect(parseRetention(text, global)).toEqual({ source: "label", seconds });
  });

  test.each(["", "   ", "0", "-3", "-2h", "0s", "0d"])("%j asks for the global value", (text) => {
    expect(parseRetention(text, global)).toEqual({ source: "global", seconds: global });
  });

  test.each(["forever", "7 days", "1.5", "d", "7D", "99999999999999999999"])(
    "%j is invalid and falls back to the global value",
    (text) => {
      expect(parseRetention(text, global)).toEqual({ source: "invalid", seconds: global });
    },
  );

  test("the built-in default is seven days", () => {
    expect(DEFAULT_RETENTION_SECONDS).toBe(7 * D);
  });
});
