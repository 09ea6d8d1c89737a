import { describe, expect, test } from "vitest";
import { labelEnv, parseConnUri } from "../src/index.js";
import { allowList } from "./fixtures.js";

describe("parseConnUri accepts every scheme", () => {
  test.each([
    {
      uri: "postgresql://appuser:apppass@postgres:5432/myapp",
      scheme: "postgresql",
      hosts: [{ host: "postgres", port: 5432 }],
      database: "myapp",
      options: {},
    },
    {
      uri: "postgres://user:pass@host:5432/db?sslmode=require&connect_timeout=10",
      scheme: "postgres",
      hosts: [{ host: "host", port: 5432 }],
      database: "db",
      options: { sslmode: "require", connect_timeout: "10" },
    },
    {
      uri: "postgres://u:p@pg1:5432,pg2:5433/app?target_session_attrs=read-write",
      scheme: "postgres",
      hosts: [
        { host: "pg1", port: 5432 },
        { host: "pg2", port: 5433 },
      ],
      database: "app",
      options: { target_session_attrs: "read-write" },
    },
    {
      uri: "mysql://analytics:analyticspass@mysql:3306/analytics",
      scheme: "mysql",
      hosts: [{ host: "mysql", port: 3306 }],
      database: "analytics",
      options: {},
    },
    {
      uri: "mysql://root:pw@[::1]:3306/shop?ssl-mode=REQUIRED",
      scheme: "mysql",
      hosts: [{ host: "[::1]", port: 3306 }],
      database: "shop",
      options: { "ssl-mode": "REQUIRED" },
    },
    {
      uri: "mongodb://admin:adminpass@mongodb:27017/admin",
      scheme: "mongodb",
      hosts: [{ host: "mongodb", port: 27017 }],
      database: "admin",
      options: {},
    },
    {
      uri: "mongodb://u:p@m1:27017,m2:27017,m3/app?replicaSet=rs0&authSource=admin",
      scheme: "mongodb",
      hosts: [{ host: "m1", port: 27017 }, { host: "m2", port: 27017 }, { host: "m3" }],
      database: "app",
      options: { replicaSet: "rs0", authSource: "admin" },
    },
    {
      uri: "mongodb+srv://u:p@cluster0.example.mongodb.net/app?tls=true&authSource=admin",
      scheme: "mongodb+srv",
      hosts: [{ host: "cluster0.example.mongodb.net" }],
      database: "app",
      options: { tls: "true", authSource: "admin" },
    },
    {
      uri: "redis://:secret@redis:6379/2",
      scheme: "redis",
      hosts: [{ host: "redis", port: 6379 }],
      database: "2",
      options: {},
    },
    {
      uri: "rediss://default:secret@cache.example.com:6380",
      scheme: "rediss",
      hosts: [{ host: "cache.example.com", port: 6380 }],
      database: undefined,
      options: {},
    },
    {
      uri: "redis://redis",
      scheme: "redis",
      hosts: [{ host: "redis" }],
      database: undefined,
      options: {},
    },
    {
      uri: "postgres:///app?host=/var/run/postgresql",
      scheme: "postgres",
      hosts: [],
      database: "app",
      options: { host: "/var/run/postgresql" },
    },
  ])("$uri", ({ uri, scheme, hosts, database, options }) => {
    const result = parseConnUri(uri);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.conn.scheme).toBe(scheme);
    expect(result.conn.hosts).toEqual(hosts);
    expect(result.conn.database).toBe(database);
    expect(result.conn.options).toEqual(options);
    // Query options stay in the URI as written.
    expect(result.conn.uri).toBe(uri);
  });
});

describe("passwords", () => {
  test("are decoded, re-encoded in the URI and masked everywhere else", () => {
    const result = parseConnUri("postgres://user:p%40ss%2Fw0rd@db/app");
    expect(result).toMatchObject({
      ok: true,
      conn: {
        username: "user",
        password: "p@ss/w0rd",
        uri: "postgres://user:p%40ss%2Fw0rd@db/app",
        redacted: "postgres://user:***@db/app",
      },
      maskedTemplate: "postgres://user:***@db/app",
    });
  });

  test("an unencoded @ in the password is read as Go's net/url reads it", () => {
    const result = parseConnUri("postgres://user:p@ss@db/app");
    expect(result).toMatchObject({ ok: true, conn: { password: "p@ss", uri: "postgres://user:p%40ss@db/app" } });
  });

  test("password-like query options are masked in the redacted forms", () => {
    const result = parseConnUri("postgres://db/app?user=u&password=hunter2&sslmode=require");
    expect(result).toMatchObject({
      ok: true,
      conn: { redacted: "postgres://db/app?user=u&password=***&sslmode=require" },
      maskedTemplate: "postgres://db/app?user=u&password=***&sslmode=require",
    });
  });
});

describe("${VAR} references", () => {
  const variables = { PG_PASSWORD: "s3cr3t/with@odd:chars", PG_HOST: "db.internal", PG_DB: "shop", EMPTY: "" };
  const env = labelEnv({ ...variables, OTHER: "not-for-labels" }, allowList("PG_*, EMPTY, NOPE"));

  test("resolve from env; a password value is percent-encoded", () => {
    const result = parseConnUri("postgres://app:${PG_PASSWORD}@${PG_HOST}:5432/${PG_DB}?sslmode=require", env);
    expect(result).toMatchObject({
      ok: true,
      conn: {
        password: "s3cr3t/with@odd:chars",
        uri: "postgres://app:s3cr3t%2Fwith%40odd%3Achars@db.internal:5432/shop?sslmode=require",
        hosts: [{ host: "db.internal", port: 5432 }],
        database: "shop",
      },
      // A password written only as a reference is no secret, so it stays as written.
      maskedTemplate: "postgres://app:${PG_PASSWORD}@${PG_HOST}:5432/${PG_DB}?sslmode=require",
    });
  });

  test("an empty value is allowed", () => {
    expect(parseConnUri("redis://:${EMPTY}@cache:6379", env)).toMatchObject({ ok: true, conn: { password: "" } });
  });

  test("a literal $ without braces stays literal", () => {
    expect(parseConnUri("mysql://root:pa$$word@mysql/app", env)).toMatchObject({
      ok: true,
      conn: { password: "pa$$word" },
    });
  });

  test("an unknown variable is named, its value never", () => {
    expect(parseConnUri("postgres://u:${NOPE}@db/app", env)).toEqual({
      ok: false,
      reason: "refers to ${NOPE}, which is not set in the agent's environment",
    });
  });

  test("a variable outside LABEL_ENV_ALLOW is refused by name, its value never read", () => {
    const result = parseConnUri("postgres://u:pw@db/${OTHER}", env);
    expect(result).toEqual({ ok: false, reason: "${OTHER} is not in LABEL_ENV_ALLOW" });
  });

  test("without an allow-list no reference resolves, and the reason says why", () => {
    expect(parseConnUri("postgres://u:${PG_PASSWORD}@db/app")).toEqual({
      ok: false,
      reason:
        "${PG_PASSWORD} is not in LABEL_ENV_ALLOW, which is unset, so labels may not read the agent's environment",
    });
    expect(parseConnUri("postgres://u:pw@db/app")).toMatchObject({ ok: true, conn: { password: "pw" } });
  });

  test("malformed references", () => {
    expect(parseConnUri("postgres://u:${PG_PASSWORD@db/app", env)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/closing \}/),
    });
    expect(parseConnUri("postgres://u:${1X}@db/app", env)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not a variable name/),
    });
  });
});

describe("parseConnUri rejects with a reason that never quotes the URI", () => {
  test.each([
    ["", /is empty/],
    ["appuser:apppass@postgres:5432/myapp", /must be a URI/],
    ["http://user:hunter2@db/app", /scheme "http" is not supported/],
    ["postgres://user:hunter2@db/app#frag", /must not contain #/],
    ["postgres://user:hun/ter2@db/app", /@ after the host/],
    ["postgres://user:hun?ter2@db/app", /@ after the host/],
    ["postgres://user:hunter2@/app", /has no host/],
    ["postgres://user:hunter2@db:99999/app", /invalid port/],
    ["postgres://user:hunter2@db:port/app", /invalid port/],
    ["postgres://user:hunter2@db/app/extra", /more than one segment/],
    ["postgres://user:hunter%zz@db/app", /invalid percent-encoding/],
    ["postgres://user:hunter 2@db/app", /whitespace/],
    ["mysql://user:hunter2@a:3306,b:3306/app", /single host/],
    ["mongodb+srv://user:hunter2@cluster.example.com:27017/app", /one host name without a port/],
    ["redis://user:hunter2@[zz]:6379", /invalid IPv6/],
  ])("%j", (uri, reason) => {
    const result = parseConnUri(uri);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(reason);
    expect(result.reason).not.toContain("hunter");
  });
});
