import { describe, expect, test } from "vitest";
import { type AgentSettings, loadAgentSettings, parseBackupLabels, secretsOfSpec } from "../src/index.js";
import { container, defaultSettings, s3Settings } from "./fixtures.js";

const D = 86_400;
const thirtyDayGlobal: AgentSettings = loadAgentSettings({ GLOBAL_RETENTION_PERIOD: "30d" });
const s3ThirtyDayGlobal: AgentSettings = loadAgentSettings({ GLOBAL_RETENTION_PERIOD: "30d", BUCKET_NAME: "backups" });

function specOf(labels: Record<string, string>, settings = defaultSettings, env: Record<string, string> = {}) {
  const result = parseBackupLabels(container(labels), settings, env);
  if (!result.ok) throw new Error(`expected a spec, got ${JSON.stringify(result.errors)}`);
  return result;
}

function errorsOf(labels: Record<string, string>, settings = defaultSettings, env: Record<string, string> = {}) {
  const result = parseBackupLabels(container(labels), settings, env);
  if (result.ok) throw new Error("expected errors");
  return result.errors;
}

interface ExampleCase {
  name: string;
  settings: AgentSettings;
  labels: Record<string, string>;
  expected: Record<string, unknown>;
}

describe("every label example of the original agent's README parses", () => {
  test.each<ExampleCase>([
    {
      name: "quick start: postgres to local disk",
      settings: thirtyDayGlobal,
      labels: {
        "backup.enabled": "true",
        "backup.cron": "0 2 * * *",
        "backup.type": "postgres",
        "backup.conn": "postgresql://appuser:apppass@postgres:5432/myapp",
        "backup.dest": "local",
        "backup.prefix": "postgres-backups",
        "backup.retention": "7d",
      },
      expected: {
        engine: "postgres",
        database: "myapp",
        dest: "local",
        prefix: "postgres-backups",
        retentionSeconds: 7 * D,
      },
    },
    {
      name: "label reference: postgres to S3 with its own webhook",
      settings: s3Settings,
      labels: {
        "backup.enabled": "true",
        "backup.cron": "0 2 * * *",
        "backup.type": "postgres",
        "backup.conn": "postgresql://user:pass@host:5432/db",
        "backup.dest": "remote",
        "backup.prefix": "production/postgres",
        "backup.retention": "14d",
        "backup.webhook": "https://hooks.slack.com/services/your/webhook",
      },
      expected: {
        database: "db",
        dest: "remote",
        prefix: "production/postgres",
        retentionSeconds: 14 * D,
        webhookUrl: "https://hooks.slack.com/services/your/webhook",
      },
    },
    {
      name: "multi-database: postgres, dest written as s3",
      settings: s3ThirtyDayGlobal,
      labels: {
        "backup.enabled": "true",
        "backup.cron": "0 2 * * *",
        "backup.type": "postgres",
        "backup.conn": "postgresql://appuser:apppass@postgres:5432/appdb",
        "backup.dest": "s3",
        "backup.prefix": "app/postgres",
        "backup.retention": "14d",
      },
      expected: { database: "appdb", dest: "remote", prefix: "app/postgres", retentionSeconds: 14 * D },
    },
    {
      name: "multi-database: mysql",
      settings: s3ThirtyDayGlobal,
      labels: {
        "backup.enabled": "true",
        "backup.cron": "0 4 * * *",
        "backup.type": "mysql",
        "backup.conn": "mysql://analytics:analyticspass@mysql:3306/analytics",
        "backup.dest": "s3",
        "backup.prefix": "analytics/mysql",
        "backup.retention": "30d",
      },
      expected: { engine: "mysql", database: "analytics", dest: "remote", retentionSeconds: 30 * D },
    },
    {
      name: "multi-database: mongodb authenticating against admin, dumping myapp",
      settings: s3ThirtyDayGlobal,
      labels: {
        "backup.enabled": "true",
        "backup.cron": "0 1 * * *",
        "backup.type": "mongodb",
        "backup.conn": "mongodb://admin:adminpass@mongodb:27017/admin",
        "backup.database": "myapp",
        "backup.dest": "s3",
        "backup.prefix": "app/mongodb",
        "backup.retention": "7d",
      },
      expected: {
        engine: "mongodb",
        database: "myapp",
        dest: "remote",
        prefix: "app/mongodb",
        retentionSeconds: 7 * D,
      },
    },
    {
      name: "multi-database: redis without a connection URI",
      settings: s3ThirtyDayGlobal,
      labels: {
        "backup.enabled": "true",
        "backup.cron": "0 */6 * * *",
        "backup.type": "redis",
        "backup.dest": "local",
        "backup.prefix": "cache/redis",
        "backup.retention": "3d",
      },
      expected: { engine: "redis", database: "0", dest: "local", prefix: "cache/redis", retentionSeconds: 3 * D },
    },
    {
      name: "development: postgres with a short retention",
      settings: defaultSettings,
      labels: {
        "backup.enabled": "true",
        "backup.cron": "0 0 * * *",
        "backup.type": "postgres",
        "backup.conn": "postgresql://devuser:devpass@postgres-dev:5432/devdb",
        "backup.dest": "local",
        "backup.prefix": "dev/postgres",
        "backup.retention": "3d",
      },
      expected: { database: "devdb", prefix: "dev/postgres", retentionSeconds: 3 * D },
    },
    {
      name: "integration test: six-field cron, sslmode kept",
      settings: s3Settings,
      labels: {
        "backup.enabled": "true",
        "backup.type": "postgres",
        "backup.cron": "0 */1 * * * *",
        "backup.conn": "postgresql://testuser:testpass@test-db:5432/testdb?sslmode=disable",
        "backup.database": "testdb",
        "backup.dest": "remote",
        "backup.retention": "6h",
        "backup.prefix": "test-db-backup",
      },
      expected: {
        schedule: { kind: "cron", expression: "0 */1 * * * *", timezone: "UTC" },
        conn: "postgresql://testuser:testpass@test-db:5432/testdb?sslmode=disable",
        retentionSeconds: 6 * 3600,
      },
    },
    {
      name: "integration test: mongodb with authSource",
      settings: s3Settings,
      labels: {
        "backup.enabled": "true",
        "backup.type": "mongodb",
        "backup.cron": "0 */1 * * * *",
        "backup.conn": "mongodb://testmongouser:testmongopass@test-mongo-db:27017/testmongodb?authSource=admin",
        "backup.database": "testmongodb",
        "backup.dest": "remote",
        "backup.retention": "6h",
        "backup.prefix": "test-mongo-backup",
      },
      expected: {
        database: "testmongodb",
        conn: "mongodb://testmongouser:testmongopass@test-mongo-db:27017/testmongodb?authSource=admin",
      },
    },
    {
      name: "integration test: mysql",
      settings: s3Settings,
      labels: {
        "backup.enabled": "true",
        "backup.type": "mysql",
        "backup.cron": "0 */1 * * * *",
        "backup.conn": "mysql://testmysqluser:testmysqlpass@test-mysql-db:3306/testmysqldb?sslmode=disabled",
        "backup.database": "testmysqldb",
        "backup.dest": "remote",
        "backup.retention": "6h",
        "backup.prefix": "test-mysql-backup",
      },
      expected: { database: "testmysqldb" },
    },
    {
      name: "integration test: redis with a password and database 0",
      settings: s3Settings,
      labels: {
        "backup.enabled": "true",
        "backup.type": "redis",
        "backup.cron": "0 */1 * * * *",
        "backup.conn": "redis://:testredispass@test-redis-db:6379/0",
        "backup.database": "0",
        "backup.dest": "remote",
        "backup.retention": "6h",
        "backup.prefix": "test-redis-backup",
      },
      expected: { engine: "redis", database: "0", conn: "redis://:testredispass@test-redis-db:6379/0" },
    },
    {
      name: "architecture: customer prefix and @every schedule",
      settings: defaultSettings,
      labels: {
        "backup.enabled": "true",
        "backup.type": "postgres",
        "backup.cron": "@every 1h30m",
        "backup.database": "shop",
        "backup.prefix": "customer_xyz/daily_backups",
        "backup.retention": "1h30m",
      },
      expected: {
        schedule: { kind: "interval", everySeconds: 5400 },
        database: "shop",
        prefix: "customer_xyz/daily_backups",
        retentionSeconds: 5400,
        mode: "auto",
        webhookOn: "always",
      },
    },
    {
      name: "architecture: volume with a path",
      settings: defaultSettings,
      labels: {
        "backup.enabled": "true",
        "backup.type": "volume",
        "backup.cron": "@daily",
        "backup.path": "/var/lib/app/uploads/",
      },
      expected: { engine: "volume", path: "/var/lib/app/uploads", database: "/var/lib/app/uploads", mode: "auto" },
    },
  ])("$name", ({ labels, settings, expected }) => {
    const { spec } = specOf(labels, settings);
    expect(spec).toMatchObject(expected);
    expect(spec.cron).toBe(labels["backup.cron"]);
    expect(spec.containerId).toBe("0123456789ab");
    expect(spec.identity).toBe("db");
  });
});

describe("defaults and the other labels", () => {
  const minimal = {
    "backup.enabled": "true",
    "backup.type": "postgres",
    "backup.cron": "@daily",
    "backup.database": "app",
  };

  test("a minimal label set", () => {
    const { spec, warnings } = specOf(minimal, thirtyDayGlobal);
    expect(spec).toEqual({
      identity: "db",
      containerId: "0123456789ab",
      containerName: "db",
      engine: "postgres",
      cron: "@daily",
      schedule: { kind: "cron", expression: "0 0 * * *", timezone: "UTC" },
      database: "app",
      dest: "local",
      prefix: "",
      webhookOn: "always",
      mode: "auto",
      retentionSeconds: 30 * D,
      keep: { last: 1 },
      labels: minimal,
    });
    expect(warnings).toBeUndefined();
  });

  test("the agent's TZ sets the schedule's zone", () => {
    const paris = loadAgentSettings({ TZ: "Europe/Paris" });
    expect(specOf(minimal, paris).spec.schedule).toEqual({
      kind: "cron",
      expression: "0 0 * * *",
      timezone: "Europe/Paris",
    });
  });

  test.each([
    ["", 30 * D],
    ["0", 30 * D],
    ["-1", 30 * D],
    ["4w", 28 * D],
    ["90m", 90 * 60],
    ["24h", D],
    ["7d12h", 7.5 * D],
    ["5", 5 * D],
  ])("backup.retention %j is %d seconds", (retention, seconds) => {
    expect(specOf({ ...minimal, "backup.retention": retention }, thirtyDayGlobal).spec.retentionSeconds).toBe(seconds);
  });

  test("an invalid backup.retention uses the global value with a warning", () => {
    const result = specOf({ ...minimal, "backup.retention": "forever" }, thirtyDayGlobal);
    expect(result.spec.retentionSeconds).toBe(30 * D);
    expect(result.warnings).toEqual([
      { label: "backup.retention", reason: expect.stringMatching(/using the global 30d/) },
    ]);
  });

  test.each([
    [{ "backup.mode": "exec" }, { mode: "exec" }],
    [{ "backup.mode": "CLIENT", "backup.conn": "postgres://u:p@db/app" }, { mode: "client" }],
    [{ "backup.mode": "auto" }, { mode: "auto" }],
    [{ "backup.webhook.on": "failure" }, { webhookOn: "failure" }],
    [{ "backup.webhook.on": "Always" }, { webhookOn: "always" }],
    [{ "backup.type": "PostgreSQL" }, { engine: "postgres" }],
    [
      { "backup.type": "mariadb", "backup.conn": "mysql://root:pw@maria/shop", "backup.database": "" },
      { engine: "mysql", database: "shop" },
    ],
    [{ "backup.enabled": "1" }, { engine: "postgres" }],
    [{ "backup.enabled": "false" }, { engine: "postgres" }],
    [{ "backup.webhook": "http://receiver:8080/hook" }, { webhookUrl: "http://receiver:8080/hook" }],
  ])("%j", (extra, expected) => {
    expect(specOf({ ...minimal, ...extra }).spec).toMatchObject(expected);
  });

  test("redis: the database comes from the label, else the URI path, else 0", () => {
    const redis = { "backup.type": "redis", "backup.cron": "@hourly" };
    expect(specOf(redis).spec.database).toBe("0");
    expect(specOf({ ...redis, "backup.conn": "redis://cache:6379/3" }).spec.database).toBe("3");
    expect(specOf({ ...redis, "backup.conn": "redis://cache:6379/3", "backup.database": "5" }).spec.database).toBe("5");
  });

  test("compose labels give the identity", () => {
    const result = parseBackupLabels(
      {
        id: "f00",
        name: "/shop-postgres-1",
        labels: { ...minimal, "com.docker.compose.project": "shop", "com.docker.compose.service": "postgres" },
      },
      defaultSettings,
    );
    expect(result).toMatchObject({ ok: true, spec: { identity: "shop/postgres", containerName: "shop-postgres-1" } });
  });

  test("${VAR} in backup.conn resolves from env, and the label copy keeps the reference", () => {
    const result = specOf(
      { ...minimal, "backup.conn": "postgres://app:${DB_PASSWORD}@db:5432/app?sslmode=require" },
      loadAgentSettings({ LABEL_ENV_ALLOW: "DB_PASSWORD" }),
      { DB_PASSWORD: "pa ss@word" },
    );
    expect(result.spec.conn).toBe("postgres://app:pa%20ss%40word@db:5432/app?sslmode=require");
    expect(result.spec.labels["backup.conn"]).toBe("postgres://app:${DB_PASSWORD}@db:5432/app?sslmode=require");
  });

  test("a literal password in backup.conn is masked in the label copy only", () => {
    const { spec } = specOf({ ...minimal, "backup.conn": "postgres://app:hunter2@db/app" });
    expect(spec.conn).toBe("postgres://app:hunter2@db/app");
    expect(spec.labels["backup.conn"]).toBe("postgres://app:***@db/app");
    expect(secretsOfSpec(spec)).toEqual(["hunter2"]);
  });

  test("labels outside backup.* are not kept; unknown backup.* labels are kept and warned about", () => {
    const result = specOf({ ...minimal, "backup.retenton": "3d", "backup.pg.format": "custom", "other.label": "x" });
    expect(result.spec.labels).toEqual({ ...minimal, "backup.retenton": "3d", "backup.pg.format": "custom" });
    expect(result.warnings).toEqual([{ label: "backup.retenton", reason: expect.stringMatching(/not a label/) }]);
  });

  test("a third-party engine passed in options", () => {
    const result = parseBackupLabels(
      container({ "backup.type": "clickhouse", "backup.cron": "@daily" }),
      defaultSettings,
      {},
      { extraEngines: ["clickhouse"] },
    );
    expect(result).toMatchObject({ ok: true, spec: { engine: "clickhouse", database: "" } });
  });
});

describe("errors name the label", () => {
  const base = {
    "backup.enabled": "true",
    "backup.type": "postgres",
    "backup.cron": "@daily",
    "backup.database": "app",
  };

  test.each([
    [{ "backup.enabled": "yes" }, "backup.enabled", /must be true or false/],
    [{ "backup.type": "" }, "backup.type", /is required/],
    [{ "backup.type": "oracle" }, "backup.type", /"oracle" is not a known type/],
    [{ "backup.cron": "" }, "backup.cron", /is required/],
    [{ "backup.cron": "0 25 * * *" }, "backup.cron", /hours/],
    [{ "backup.cron": "@every 0s" }, "backup.cron", /at least 1s/],
    [{ "backup.conn": "mysql://u:p@db/app" }, "backup.conn", /does not fit backup.type postgres/],
    [{ "backup.conn": "postgres://u:${MISSING}@db/app" }, "backup.conn", /\$\{MISSING\}/],
    [{ "backup.conn": "not a uri" }, "backup.conn", /whitespace/],
    [{ "backup.database": "" }, "backup.database", /is required for postgres/],
    [{ "backup.database": "a\u0000b" }, "backup.database", /control characters/],
    [{ "backup.dest": "ftp" }, "backup.dest", /must be local or remote/],
    [{ "backup.dest": "remote" }, "backup.dest", /no S3 bucket/],
    [{ "backup.prefix": "/abs" }, "backup.prefix", /relative/],
    [{ "backup.prefix": "a/../../etc" }, "backup.prefix", /\.\./],
    [{ "backup.prefix": "a\\b" }, "backup.prefix", /backslash/],
    [{ "backup.prefix": "a\tb" }, "backup.prefix", /control/],
    [{ "backup.webhook": "hooks.example.com/x" }, "backup.webhook", /http/],
    [{ "backup.webhook.on": "success" }, "backup.webhook.on", /always, failure/],
    [{ "backup.mode": "ssh" }, "backup.mode", /exec, client, auto/],
    [{ "backup.mode": "client" }, "backup.conn", /required when backup.mode is client/],
    [{ "backup.type": "volume", "backup.path": "" }, "backup.path", /is required for volume/],
    [{ "backup.type": "volume", "backup.path": "data" }, "backup.path", /absolute/],
    [{ "backup.type": "volume", "backup.path": "/data", "backup.mode": "client" }, "backup.mode", /volume/],
    [
      { "backup.type": "volume", "backup.path": "/data", "backup.conn": "postgres://db/app" },
      "backup.conn",
      /not used by volume/,
    ],
    [{ "backup.type": "redis", "backup.database": "cache" }, "backup.database", /Redis database number/],
    [
      { "backup.type": "redis", "backup.conn": "redis://cache/x", "backup.database": "" },
      "backup.conn",
      /Redis database number/,
    ],
  ])("%j -> %s", (extra, label, reason) => {
    const errors = errorsOf({ ...base, ...extra });
    expect(errors).toContainEqual({ label, reason: expect.stringMatching(reason) });
  });

  test("all errors are reported at once", () => {
    const errors = errorsOf({
      "backup.enabled": "maybe",
      "backup.type": "oracle",
      "backup.cron": "nope",
      "backup.prefix": "/x",
    });
    expect(errors.map((e) => e.label)).toEqual(["backup.enabled", "backup.type", "backup.cron", "backup.prefix"]);
  });

  test("no labels at all", () => {
    expect(errorsOf({}).map((e) => e.label)).toEqual(["backup.type", "backup.cron"]);
  });

  test("a missing database is not reported twice when backup.conn is already wrong", () => {
    const errors = errorsOf({
      "backup.type": "postgres",
      "backup.cron": "@daily",
      "backup.conn": "postgres://u:p@db:bad/app",
    });
    expect(errors.map((e) => e.label)).toEqual(["backup.conn"]);
  });

  test("the webhook URL is never quoted", () => {
    const errors = errorsOf({ ...base, "backup.webhook": "hooks.example.com/T0/B0/tok_123secret" });
    expect(JSON.stringify(errors)).not.toContain("tok_123secret");
  });
});

describe("keep labels", () => {
  const base = {
    "backup.enabled": "true",
    "backup.type": "postgres",
    "backup.cron": "@daily",
    "backup.database": "app",
  };
  const parseKeep = (labels: Record<string, string>) =>
    parseBackupLabels({ id: "c1", name: "db", labels: { ...base, ...labels } }, loadAgentSettings({}));

  test("keeps the newest backup by default and reads the tiers", () => {
    const plain = parseKeep({});
    expect(plain.ok && plain.spec.keep).toEqual({ last: 1 });
    const tiers = parseKeep({
      "backup.keep-last": "3",
      "backup.keep-daily": "7",
      "backup.keep-weekly": "4",
      "backup.keep-monthly": "12",
    });
    expect(tiers.ok && tiers.spec.keep).toEqual({ last: 3, daily: 7, weekly: 4, monthly: 12 });
  });

  test.each([
    ["backup.keep-last", "0"],
    ["backup.keep-last", "many"],
    ["backup.keep-daily", "-1"],
    ["backup.keep-monthly", "1.5"],
  ])("rejects %s=%s naming the label", (label, value) => {
    const result = parseKeep({ [label]: value });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.label)).toEqual([label]);
  });
});
