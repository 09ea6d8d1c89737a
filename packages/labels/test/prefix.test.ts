import { describe, expect, test } from "vitest";
import { normalisePrefix } from "../src/index.js";

describe("normalisePrefix", () => {
  test.each([
    ["customer_xyz/daily_backups", "customer_xyz/daily_backups"],
    ["postgres-backups", "postgres-backups"],
    ["production/postgres", "production/postgres"],
    ["app/postgres", "app/postgres"],
    ["analytics/mysql", "analytics/mysql"],
    ["cache/redis", "cache/redis"],
    ["customer_xyz/daily_backups/", "customer_xyz/daily_backups"],
    ["a//b///c", "a/b/c"],
    ["./a/./b", "a/b"],
    ["  spaced/out  ", "spaced/out"],
    ["daily / postgres", "daily/postgres"],
    ["", ""],
    ["..hidden/x..y", "..hidden/x..y"],
    ["name with spaces/ü", "name with spaces/ü"],
  ])("%j becomes %j", (text, prefix) => {
    expect(normalisePrefix(text)).toEqual({ ok: true, prefix });
  });

  test.each([
    ["/etc/backups", /relative/],
    ["../escape", /\.\. segment/],
    ["a/../../b", /\.\. segment/],
    ["a/..", /\.\. segment/],
    ["a\\b", /backslash/],
    ["C:\\backups", /backslash/],
    ["a\u0000b", /control characters/],
    ["a\nb", /control characters/],
    ["a\u007fb", /control characters/],
    ["x".repeat(513), /at most 512/],
  ])("%j is rejected", (text, reason) => {
    const result = normalisePrefix(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
