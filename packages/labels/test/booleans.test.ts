import { describe, expect, test } from "vitest";
import { isBackupEnabled, parseBoolean } from "../src/index.js";

describe("parseBoolean", () => {
  test.each([
    ["true", true],
    ["TRUE", true],
    ["True", true],
    [" true ", true],
    ["1", true],
    ["false", false],
    ["FALSE", false],
    ["False", false],
    ["0", false],
  ])("%j is %s", (text, value) => {
    expect(parseBoolean(text)).toBe(value);
  });

  test.each(["yes", "no", "on", "off", "", "2", "truee", "t", "-1"])("%j is not a boolean", (text) => {
    expect(parseBoolean(text)).toBeUndefined();
  });
});

describe("isBackupEnabled", () => {
  test.each([
    [{ "backup.enabled": "true" }, true],
    [{ "backup.enabled": "True" }, true],
    [{ "backup.enabled": "1" }, true],
    [{ "backup.enabled": "false" }, false],
    [{ "backup.enabled": "yes" }, false],
    [{ "backup.type": "postgres" }, false],
    [{}, false],
  ])("%j -> %s", (labels, enabled) => {
    expect(isBackupEnabled(labels)).toBe(enabled);
  });
});
