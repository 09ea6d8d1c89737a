import { describe, expect, test } from "vitest";
import { readAgentSettings } from "../src/index.js";

function errorsFor(env: Record<string, string>) {
  const result = readAgentSettings(env);
  return result.ok ? [] : result.errors;
}

describe("runtime settings", () => {
  test.each([
    ["MAX_CONCURRENT_BACKUPS", "0"],
    ["MAX_CONCURRENT_BACKUPS", "two"],
    ["CONCURRENT_BACKUP_LIMIT", "-1"],
    ["BACKUP_TIMEOUT", "soon"],
    ["BACKUP_STALL_TIMEOUT", "-5m"],
    ["SHUTDOWN_GRACE_SECONDS", "1.5"],
    ["HTTP_PORT", "70000"],
    ["API_TOKEN", "short"],
    ["GC_CRON", "every night"],
    ["LB_PLUGINS", "Not-A-Package!"],
  ])("%s=%s is an error naming the variable", (variable, value) => {
    const errors = errorsFor({ [variable]: value });
    expect(errors.map((e) => e.variable)).toEqual([variable]);
    expect(errors[0]?.reason).not.toBe("");
  });

  test("durations take Go-style values or bare seconds", () => {
    const result = readAgentSettings({ BACKUP_TIMEOUT: "1h30m", BACKUP_STALL_TIMEOUT: "45" });
    expect(result.ok && result.settings.runtime).toMatchObject({
      backupTimeoutSeconds: 5400,
      backupStallTimeoutSeconds: 45,
    });
  });

  test("MAX_CONCURRENT_BACKUPS wins over the original's CONCURRENT_BACKUP_LIMIT", () => {
    const result = readAgentSettings({ MAX_CONCURRENT_BACKUPS: "3", CONCURRENT_BACKUP_LIMIT: "9" });
    expect(result.ok && result.settings.runtime.maxConcurrentBackups).toBe(3);
  });

  test("the API token never appears in an error", () => {
    const errors = errorsFor({ API_TOKEN: "tiny-secret" });
    expect(JSON.stringify(errors)).not.toContain("tiny-secret");
  });
});
