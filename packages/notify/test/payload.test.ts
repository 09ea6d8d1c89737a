import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BackupEventInput, buildBackupPayload, shouldNotify } from "../src/index.js";

const succeeded: BackupEventInput = {
  containerId: "4f1c0a9e2b7d",
  containerName: "shop_postgres",
  databaseType: "postgres",
  databaseName: "shop",
  destinationUrl: "s3://backups/customer_xyz/daily/shop-20260124T020000Z.sql.gz",
  destinationType: "remote",
  success: true,
  backupSizeBytes: 1048576,
  durationSeconds: 12.3456,
  finishedAt: new Date("2026-01-24T02:00:12.345Z"),
  cronSchedule: "0 2 * * *",
  backupPrefix: "customer_xyz/daily",
  checksumSha256: "a".repeat(64),
  artifactKey: "customer_xyz/daily/shop-20260124T020000Z.sql.gz",
};

describe("buildBackupPayload", () => {
  it("uses the original agent's snake_case names and adds event, id, checksum and key", () => {
    const payload = buildBackupPayload({ ...succeeded, id: "fixed-id" });
    expect(payload).toEqual({
      event: "backup.succeeded",
      id: "fixed-id",
      container_id: "4f1c0a9e2b7d",
      container_name: "shop_postgres",
      database_type: "postgres",
      database_name: "shop",
      destination_url: "s3://backups/customer_xyz/daily/shop-20260124T020000Z.sql.gz",
      destination_type: "remote",
      success: true,
      error: null,
      backup_size_bytes: 1048576,
      duration_seconds: 12.346,
      timestamp_utc: "2026-01-24T02:00:12.345Z",
      cron_schedule: "0 2 * * *",
      backup_prefix: "customer_xyz/daily",
      checksum_sha256: "a".repeat(64),
      artifact_key: "customer_xyz/daily/shop-20260124T020000Z.sql.gz",
    });
  });

  it("gives every notification its own UUID", () => {
    const ids = new Set(Array.from({ length: 50 }, () => buildBackupPayload(succeeded).id));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("derives the event from success and rejects contradictions", () => {
    expect(buildBackupPayload({ ...succeeded, success: false, error: "boom" }).event).toBe("backup.failed");
    expect(buildBackupPayload({ ...succeeded, event: "gc.completed" }).event).toBe("gc.completed");
    expect(() => buildBackupPayload({ ...succeeded, event: "backup.failed" })).toThrow(TypeError);
    expect(() => buildBackupPayload({ ...succeeded, success: false, event: "backup.succeeded" })).toThrow(TypeError);
  });

  it("reports the failure as text, null on success, and never an empty reason", () => {
    const failed = buildBackupPayload({ ...succeeded, success: false, error: new Error("pg_dump exited with code 1") });
    expect(failed.error).toBe("pg_dump exited with code 1");
    expect(buildBackupPayload({ ...succeeded, success: false }).error).toBe("unknown error");
    expect(buildBackupPayload({ ...succeeded, error: "ignored" }).error).toBeNull();
  });

  it("defaults optional fields the way the original agent serialised them", () => {
    const payload = buildBackupPayload({
      containerId: "c",
      containerName: "n",
      databaseType: "redis",
      destinationType: "local",
      success: true,
      durationSeconds: 1,
    });
    expect(payload).toMatchObject({
      database_name: "",
      destination_url: "",
      backup_size_bytes: 0,
      cron_schedule: "",
      backup_prefix: "",
      checksum_sha256: null,
      artifact_key: null,
    });
    expect(payload.timestamp_utc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(payload.timestamp_utc) - Date.now())).toBeLessThan(5000);
  });

  it("removes credentials from the destination URL and the error text", () => {
    const payload = buildBackupPayload({
      ...succeeded,
      success: false,
      destinationUrl: "https://minio:s3cr3tKey@minio.local:9000/backups/shop.sql.gz?X-Amz-Signature=deadbeef#frag",
      error: "could not connect to postgres://app:hunter22@db:5432/shop; api key K3yK3yK3y rejected",
      secrets: ["K3yK3yK3y", undefined],
    });
    expect(payload.destination_url).toBe("https://minio:***@minio.local:9000/backups/shop.sql.gz");
    expect(payload.error).toBe("could not connect to postgres://app:***@db:5432/shop; api key *** rejected");
    expect(JSON.stringify(payload)).not.toMatch(/s3cr3tKey|deadbeef|hunter22|K3yK3yK3y/);
  });

  it("leaves a plain local path as written", () => {
    const payload = buildBackupPayload({ ...succeeded, destinationUrl: "/backups/shop?v2/dump.sql.gz" });
    expect(payload.destination_url).toBe("/backups/shop?v2/dump.sql.gz");
  });

  it("rejects sizes and durations that are not finite and non-negative", () => {
    expect(() => buildBackupPayload({ ...succeeded, backupSizeBytes: -1 })).toThrow(RangeError);
    expect(() => buildBackupPayload({ ...succeeded, durationSeconds: Number.NaN })).toThrow(RangeError);
    expect(() => buildBackupPayload({ ...succeeded, finishedAt: new Date("nope") })).toThrow(RangeError);
  });

  it("never lets a declared secret through the error text (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{4,24}$/), fc.string(), fc.string(), (secret, before, after) => {
        const payload = buildBackupPayload({
          ...succeeded,
          success: false,
          error: `${before}${secret}${after}`,
          secrets: [secret],
        });
        expect(payload.error).not.toContain(secret);
      }),
    );
  });
});

describe("shouldNotify (backup.webhook.on)", () => {
  it("sends everything on always, only failures on failure", () => {
    expect(shouldNotify("always", { success: true })).toBe(true);
    expect(shouldNotify("always", { success: false })).toBe(true);
    expect(shouldNotify("failure", { success: true })).toBe(false);
    expect(shouldNotify("failure", { success: false })).toBe(true);
  });
});
