import { ConfigError } from "@lb/core";
import { describe, expect, test } from "vitest";
import { loadAgentSettings, readAgentSettings, secretsOf } from "../src/index.js";

const D = 86_400;

function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadAgentSettings(env);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error as ConfigError;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const DEFAULT_RUNTIME = {
  maxConcurrentBackups: 2,
  backupTimeoutSeconds: 12 * 3600,
  backupStallTimeoutSeconds: 600,
  shutdownGraceSeconds: 60,
  httpPort: 8080,
  httpHost: "0.0.0.0",
  gcCron: "0 4 * * *",
  plugins: [],
  localMinFreeBytes: 0,
  compressionLevel: 6,
  compressionThreads: 1,
};

describe("loadAgentSettings", () => {
  test("defaults", () => {
    expect(loadAgentSettings({})).toEqual({
      logLevel: "info",
      globalRetentionSeconds: 7 * D,
      gcDryRun: false,
      localBackupPath: "/backups",
      reconcileIntervalSeconds: 10,
      timezone: "UTC",
      webhook: { timeoutSeconds: 10, maxRetries: 3, allowedOrigins: [], labelWebhooks: true },
      runtime: DEFAULT_RUNTIME,
    });
  });

  test("every variable of the original README's multi-database example", () => {
    const settings = loadAgentSettings({
      BUCKET_NAME: "production-backups",
      REGION: "us-east-1",
      ACCESS_KEY_ID: "your-access-key",
      SECRET_ACCESS_KEY: "your-secret-key",
      LOCAL_BACKUP_PATH: "/backups",
      GLOBAL_RETENTION_PERIOD: "90d",
      CONCURRENT_BACKUP_LIMIT: "10",
      WEBHOOK_URL: "https://hooks.slack.com/services/your/webhook/url",
      WEBHOOK_SECRET: "your-webhook-secret",
      LOG_LEVEL: "info",
    });
    expect(settings).toEqual({
      logLevel: "info",
      globalRetentionSeconds: 90 * D,
      gcDryRun: false,
      localBackupPath: "/backups",
      reconcileIntervalSeconds: 10,
      timezone: "UTC",
      webhook: {
        url: "https://hooks.slack.com/services/your/webhook/url",
        secret: "your-webhook-secret",
        timeoutSeconds: 10,
        maxRetries: 3,
        allowedOrigins: [],
        labelWebhooks: true,
      },
      s3: {
        bucket: "production-backups",
        region: "us-east-1",
        accessKeyId: "your-access-key",
        secretAccessKey: "your-secret-key",
        forcePathStyle: false,
      },
      runtime: { ...DEFAULT_RUNTIME, maxConcurrentBackups: 10 },
    });
  });

  test("every variable set", () => {
    const settings = loadAgentSettings({
      LOG_LEVEL: "DEBUG",
      GLOBAL_RETENTION_PERIOD: "30d",
      GC_DRY_RUN: "true",
      LOCAL_BACKUP_PATH: "/data/backups/",
      RECONCILE_INTERVAL_SECONDS: "30",
      TZ: "Europe/Paris",
      DOCKER_HOST: "tcp://docker:2375",
      WEBHOOK_URL: "http://receiver:8080/hook",
      WEBHOOK_SECRET: "whsec",
      WEBHOOK_TIMEOUT_SECONDS: "5",
      WEBHOOK_MAX_RETRIES: "0",
      BUCKET_NAME: "test-bucket",
      ENDPOINT: "http://minio:9000",
      ACCESS_KEY_ID: "minio",
      SECRET_ACCESS_KEY: "minio123",
      S3_USE_PATH_STYLE: "false",
      MAX_CONCURRENT_BACKUPS: "4",
      BACKUP_TIMEOUT: "2h",
      BACKUP_STALL_TIMEOUT: "0",
      SHUTDOWN_GRACE_SECONDS: "15",
      HTTP_PORT: "9090",
      API_TOKEN: "a-token-of-sixteen+",
      GC_CRON: "@daily",
      LB_PLUGINS: "@acme/lb-dumper-sqlite, lb-dumper-other",
    });
    expect(settings).toEqual({
      logLevel: "debug",
      globalRetentionSeconds: 30 * D,
      gcDryRun: true,
      localBackupPath: "/data/backups",
      reconcileIntervalSeconds: 30,
      timezone: "Europe/Paris",
      dockerHost: "tcp://docker:2375",
      webhook: {
        url: "http://receiver:8080/hook",
        secret: "whsec",
        timeoutSeconds: 5,
        maxRetries: 0,
        allowedOrigins: [],
        labelWebhooks: true,
      },
      s3: {
        bucket: "test-bucket",
        region: "us-east-1",
        endpoint: "http://minio:9000",
        accessKeyId: "minio",
        secretAccessKey: "minio123",
        forcePathStyle: false,
      },
      runtime: {
        maxConcurrentBackups: 4,
        backupTimeoutSeconds: 7200,
        backupStallTimeoutSeconds: 0,
        shutdownGraceSeconds: 15,
        httpPort: 9090,
        httpHost: "0.0.0.0",
        apiToken: "a-token-of-sixteen+",
        gcCron: "@daily",
        plugins: ["@acme/lb-dumper-sqlite", "lb-dumper-other"],
        localMinFreeBytes: 0,
        compressionLevel: 6,
        compressionThreads: 1,
      },
    });
  });

  test("ENDPOINT implies path style and us-east-1 unless told otherwise", () => {
    expect(loadAgentSettings({ BUCKET_NAME: "b", ENDPOINT: "http://minio:9000" }).s3).toEqual({
      bucket: "b",
      region: "us-east-1",
      endpoint: "http://minio:9000",
      forcePathStyle: true,
    });
    expect(
      loadAgentSettings({
        BUCKET_NAME: "b",
        ENDPOINT: "https://r2.example.com",
        REGION: "auto",
        S3_USE_PATH_STYLE: "0",
      }).s3,
    ).toMatchObject({
      region: "auto",
      forcePathStyle: false,
    });
    expect(loadAgentSettings({ BUCKET_NAME: "b", S3_USE_PATH_STYLE: "TRUE" }).s3?.forcePathStyle).toBe(true);
  });

  test("REGION falls back to the AWS SDK variables, then us-east-1", () => {
    expect(loadAgentSettings({ BUCKET_NAME: "b", AWS_REGION: "eu-west-1" }).s3?.region).toBe("eu-west-1");
    expect(loadAgentSettings({ BUCKET_NAME: "b" }).s3?.region).toBe("us-east-1");
  });

  test("no S3 settings without BUCKET_NAME", () => {
    expect(loadAgentSettings({ REGION: "eu-west-1", ENDPOINT: "http://minio:9000" }).s3).toBeUndefined();
  });

  test("blank values count as unset", () => {
    expect(loadAgentSettings({ LOG_LEVEL: " ", TZ: "", BUCKET_NAME: "", WEBHOOK_URL: "" })).toEqual(
      loadAgentSettings({}),
    );
  });

  test.each([
    ["7d", 7 * D],
    ["24h", D],
    ["14", 14 * D],
    ["bogus", 7 * D],
    ["0", 7 * D],
    ["-5d", 7 * D],
  ])("GLOBAL_RETENTION_PERIOD=%j is %d seconds and never throws", (value, seconds) => {
    expect(loadAgentSettings({ GLOBAL_RETENTION_PERIOD: value }).globalRetentionSeconds).toBe(seconds);
  });

  test("an invalid GLOBAL_RETENTION_PERIOD is reported as a warning", () => {
    const result = readAgentSettings({ GLOBAL_RETENTION_PERIOD: "bogus" });
    expect(result.ok && result.warnings).toEqual([
      { variable: "GLOBAL_RETENTION_PERIOD", reason: expect.stringMatching(/using 7d/) },
    ]);
  });

  test.each([
    [{ LOG_LEVEL: "verbose" }, "LOG_LEVEL"],
    [{ GC_DRY_RUN: "yes" }, "GC_DRY_RUN"],
    [{ LOCAL_BACKUP_PATH: "backups" }, "LOCAL_BACKUP_PATH"],
    [{ RECONCILE_INTERVAL_SECONDS: "0" }, "RECONCILE_INTERVAL_SECONDS"],
    [{ RECONCILE_INTERVAL_SECONDS: "ten" }, "RECONCILE_INTERVAL_SECONDS"],
    [{ RECONCILE_INTERVAL_SECONDS: "1.5" }, "RECONCILE_INTERVAL_SECONDS"],
    [{ TZ: "Mars/Olympus" }, "TZ"],
    [{ DOCKER_HOST: "docker:2375" }, "DOCKER_HOST"],
    [{ DOCKER_HOST: "unix://var/run/docker.sock" }, "DOCKER_HOST"],
    [{ WEBHOOK_URL: "ftp://example.com" }, "WEBHOOK_URL"],
    [{ WEBHOOK_TIMEOUT_SECONDS: "0" }, "WEBHOOK_TIMEOUT_SECONDS"],
    [{ WEBHOOK_MAX_RETRIES: "-1" }, "WEBHOOK_MAX_RETRIES"],
    [{ BUCKET_NAME: "a/b" }, "BUCKET_NAME"],
    [{ BUCKET_NAME: "b", ENDPOINT: "minio:9000" }, "ENDPOINT"],
    [{ BUCKET_NAME: "b", REGION: "us east" }, "REGION"],
    [{ BUCKET_NAME: "b", ACCESS_KEY_ID: "k" }, "SECRET_ACCESS_KEY"],
    [{ BUCKET_NAME: "b", SECRET_ACCESS_KEY: "s" }, "ACCESS_KEY_ID"],
    [{ BUCKET_NAME: "b", S3_USE_PATH_STYLE: "maybe" }, "S3_USE_PATH_STYLE"],
  ])("%j throws a ConfigError naming %s", (env, variable) => {
    const error = configErrorOf(env);
    expect(error.setting).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
  });

  test("secret values are never quoted in errors", () => {
    const error = configErrorOf({ WEBHOOK_URL: "not a url with token tok_9f8e7d" });
    expect(error.message).not.toContain("tok_9f8e7d");
  });

  test("readAgentSettings reports every invalid variable at once", () => {
    const result = readAgentSettings({ LOG_LEVEL: "loud", TZ: "Nowhere", WEBHOOK_MAX_RETRIES: "many" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.variable)).toEqual(["LOG_LEVEL", "TZ", "WEBHOOK_MAX_RETRIES"]);
    expect(configErrorOf({ LOG_LEVEL: "loud", TZ: "Nowhere" }).reason).toMatch(/\(and TZ\)$/);
  });

  test.each([
    "unix:///var/run/docker.sock",
    "tcp://10.0.0.2:2376",
    "ssh://admin@host",
    "npipe:////./pipe/docker_engine",
    "https://docker:2376",
  ])("DOCKER_HOST=%s is accepted", (value) => {
    expect(loadAgentSettings({ DOCKER_HOST: value }).dockerHost).toBe(value);
  });
});

describe("secretsOf", () => {
  test("lists the webhook secret and URL and the S3 secret key", () => {
    const settings = loadAgentSettings({
      WEBHOOK_URL: "https://hooks.example.com/T000/B000/XXXX",
      WEBHOOK_SECRET: "whsec",
      BUCKET_NAME: "b",
      ACCESS_KEY_ID: "AKIA",
      SECRET_ACCESS_KEY: "s3secret",
    });
    expect(secretsOf(settings).sort()).toEqual(
      ["https://hooks.example.com/T000/B000/XXXX", "s3secret", "whsec"].sort(),
    );
  });

  test("is empty without secrets", () => {
    expect(secretsOf(loadAgentSettings({}))).toEqual([]);
  });
});
