import { describe, expect, it } from "vitest";
import { artifactKeyFor, ConfigError, DumpError, LabelBackupError, manifestKeyFor, WriteError } from "../src/index.js";

describe("artifactKeyFor", () => {
  const startedAt = new Date("2026-11-26T03:15:00.123Z");

  it("names artifacts by prefix, engine, database and UTC time", () => {
    const key = artifactKeyFor({
      prefix: "customer_xyz/daily",
      engine: "postgres",
      database: "appdb",
      startedAt,
      extension: "sql",
      compression: "gzip",
    });
    expect(key).toMatch(/^customer_xyz\/daily\/postgres-appdb-20261126T031500123Z-[0-9a-f]{6}\.sql\.gz$/);
    expect(manifestKeyFor(key)).toBe(`${key}.manifest.json`);
  });

  it("keeps unsafe characters of a database name out of the key", () => {
    const key = artifactKeyFor({
      prefix: "",
      engine: "postgres",
      database: "../we ird/name",
      startedAt,
      extension: "sql",
      compression: "none",
    });
    expect(key).toMatch(/^postgres-__we_ird_name-20261126T031500123Z-[0-9a-f]{6}\.sql$/);
    expect(key).not.toContain("/");
  });

  it("sorts by time as text", () => {
    const parts = { prefix: "p", engine: "redis", database: "0", extension: "rdb", compression: "gzip" as const };
    const earlier = artifactKeyFor({ ...parts, startedAt: new Date("2026-01-02T00:00:00Z") });
    const later = artifactKeyFor({ ...parts, startedAt: new Date("2026-01-10T00:00:00Z") });
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });
});

describe("errors", () => {
  it("are recognised by kind without instanceof", () => {
    const dump = new DumpError("pg_dump exited with code 1", { exitCode: 1, stderr: "boom" });
    expect(DumpError.isInstance(dump)).toBe(true);
    expect(WriteError.isInstance(dump)).toBe(false);
    expect(LabelBackupError.isInstance(dump)).toBe(true);
    // A copy from another install of the package carries the same marker.
    const foreign = Object.assign(Object.create(null), {
      [Symbol.for("@lb/core/LabelBackupError")]: true,
      kind: "dump",
    });
    expect(DumpError.isInstance(foreign)).toBe(true);
  });

  it("name the setting in config errors", () => {
    const error = new ConfigError("WEBHOOK_TIMEOUT_SECONDS", "must be a positive number");
    expect(error.message).toBe("WEBHOOK_TIMEOUT_SECONDS: must be a positive number");
    expect(error.setting).toBe("WEBHOOK_TIMEOUT_SECONDS");
  });
});
