import { ConfigError } from "@lb/core";
import { describe, expect, test } from "vitest";
import { isEnvAllowed, loadAgentSettings, parseBackupLabels, parseEnvAllowList } from "../src/index.js";
import { container } from "./fixtures.js";

// What a hostile container tries: the agent's S3 key into its exec, the API token as a
// database name (shown in /api/targets, the status page, artifact names, webhooks).
const AGENT_ENV = {
  SECRET_ACCESS_KEY: "agent-s3-secret-value",
  API_TOKEN: "agent-api-token-value-0123",
  DB_PASSWORD: "db-password-value",
  DB_NAME: "shop",
  PG_HOST: "db.internal",
};
const HOSTILE_CONN = "postgresql://app:${SECRET_ACCESS_KEY}@127.0.0.1:5432/${API_TOKEN}";
const postgres = { "backup.enabled": "true", "backup.type": "postgres", "backup.cron": "@daily" };

function parseWith(allow: string | undefined, conn: string) {
  const settings = loadAgentSettings(allow === undefined ? {} : { LABEL_ENV_ALLOW: allow });
  return parseBackupLabels(container({ ...postgres, "backup.conn": conn }), settings, AGENT_ENV);
}

describe("parseEnvAllowList", () => {
  test("unset, empty and blank allow nothing", () => {
    for (const text of [undefined, "", "  ", " , ,"]) {
      expect(parseEnvAllowList(text)).toEqual({ ok: true, allow: { names: [], prefixes: [] } });
    }
  });

  test("names and PREFIX* entries, whitespace around entries ignored", () => {
    expect(parseEnvAllowList(" PG_PASSWORD,DB_* ,\tREDIS_URL_ ")).toEqual({
      ok: true,
      allow: { names: ["PG_PASSWORD", "REDIS_URL_"], prefixes: ["DB_"] },
    });
  });

  test("a bare * is refused, saying why", () => {
    const result = parseEnvAllowList("PG_PASSWORD, *");
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/bare \*.*agent's own secrets/) });
  });

  test.each(["PG-PASSWORD", "1ST", "DB_*_X", "**", "A B", "${PG}", "DB*X"])("%j is refused", (entry) => {
    expect(parseEnvAllowList(`OK,${entry}`)).toMatchObject({ ok: false, reason: expect.stringContaining("not a") });
  });

  test("matching: exact names, prefixes, case-sensitive", () => {
    const result = parseEnvAllowList("PG_PASSWORD,DB_*");
    if (!result.ok) throw new Error(result.reason);
    expect(isEnvAllowed(result.allow, "PG_PASSWORD")).toBe(true);
    expect(isEnvAllowed(result.allow, "PG_PASSWORD2")).toBe(false);
    expect(isEnvAllowed(result.allow, "DB_NAME")).toBe(true);
    expect(isEnvAllowed(result.allow, "DB_")).toBe(true);
    expect(isEnvAllowed(result.allow, "db_name")).toBe(false);
    expect(isEnvAllowed(result.allow, "SECRET_ACCESS_KEY")).toBe(false);
  });
});

describe("LABEL_ENV_ALLOW in the agent's settings", () => {
  test("unset leaves labelEnvAllow out, which allows nothing; a list is kept", () => {
    expect(loadAgentSettings({}).labelEnvAllow).toBeUndefined();
    expect(loadAgentSettings({ LABEL_ENV_ALLOW: " , " }).labelEnvAllow).toBeUndefined();
    expect(loadAgentSettings({ LABEL_ENV_ALLOW: " PG_PASSWORD , DB_* " }).labelEnvAllow).toEqual({
      names: ["PG_PASSWORD"],
      prefixes: ["DB_"],
    });
  });

  test("a bare * stops the agent with a ConfigError naming LABEL_ENV_ALLOW", () => {
    let caught: unknown;
    try {
      loadAgentSettings({ LABEL_ENV_ALLOW: "*" });
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    expect((caught as ConfigError).setting).toBe("LABEL_ENV_ALLOW");
    expect((caught as ConfigError).message).toMatch(/^LABEL_ENV_ALLOW: must not be a bare \*/);
  });

  test("an invalid entry stops the agent, naming the entry", () => {
    expect(() => loadAgentSettings({ LABEL_ENV_ALLOW: "DB_PASSWORD, DB-NAME" })).toThrow(
      /^LABEL_ENV_ALLOW: "DB-NAME" is not a variable name/,
    );
  });
});

describe("labels see only what LABEL_ENV_ALLOW allows", () => {
  test("without LABEL_ENV_ALLOW no reference resolves: the hostile label is invalid", () => {
    const result = parseWith(undefined, HOSTILE_CONN);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          label: "backup.conn",
          reason:
            "${SECRET_ACCESS_KEY} is not in LABEL_ENV_ALLOW, which is unset, so labels may not read the agent's environment",
        },
      ],
    });
  });

  test("with a list that leaves the agent's secrets out, they are refused by name", () => {
    expect(parseWith("DB_*", HOSTILE_CONN)).toEqual({
      ok: false,
      errors: [{ label: "backup.conn", reason: "${SECRET_ACCESS_KEY} is not in LABEL_ENV_ALLOW" }],
    });
    // A refused reference anywhere in the URI, not only in the password.
    expect(parseWith("DB_*", "postgresql://app:${DB_PASSWORD}@127.0.0.1:5432/${API_TOKEN}")).toEqual({
      ok: false,
      errors: [{ label: "backup.conn", reason: "${API_TOKEN} is not in LABEL_ENV_ALLOW" }],
    });
  });

  test("allowed names and prefixes resolve", () => {
    const result = parseWith("PG_HOST, DB_*", "postgres://app:${DB_PASSWORD}@${PG_HOST}:5432/${DB_NAME}");
    expect(result).toMatchObject({
      ok: true,
      spec: {
        conn: "postgres://app:db-password-value@db.internal:5432/shop",
        database: "shop",
        labels: { "backup.conn": "postgres://app:${DB_PASSWORD}@${PG_HOST}:5432/${DB_NAME}" },
      },
    });
  });

  test("allowed but unset keeps the unset message", () => {
    expect(parseWith("DB_*", "postgres://app:${DB_MISSING}@db/app")).toEqual({
      ok: false,
      errors: [
        { label: "backup.conn", reason: "refers to ${DB_MISSING}, which is not set in the agent's environment" },
      ],
    });
  });

  test("the operator's explicit list is honoured as written, even for the agent's own variables", () => {
    const result = parseWith("SECRET_*", "postgres://app:${SECRET_ACCESS_KEY}@db/app");
    expect(result).toMatchObject({ ok: true, spec: { conn: "postgres://app:agent-s3-secret-value@db/app" } });
  });

  test("no refusal quotes a value", () => {
    for (const allow of [undefined, "DB_*", "PG_HOST"]) {
      const text = JSON.stringify(parseWith(allow, HOSTILE_CONN));
      expect(text).not.toContain(AGENT_ENV.SECRET_ACCESS_KEY);
      expect(text).not.toContain(AGENT_ENV.API_TOKEN);
    }
  });
});
