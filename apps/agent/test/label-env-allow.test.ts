import { databaseImage, runContainer, type TestContainer } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckReport } from "../src/commands/check.js";
import { runCli } from "./run-cli.js";

const tag = `${process.pid}`;
// The agent's own secrets, which a container's labels must not be able to reach.
const AGENT_SECRETS = {
  SECRET_ACCESS_KEY: "agent-s3-secret-for-label-test",
  API_TOKEN: "agent-api-token-for-label-test",
};

describe("labels read only the variables LABEL_ENV_ALLOW lists (the built agent)", () => {
  const containers: TestContainer[] = [];
  const names = { hostile: `lb-envallow-hostile-${tag}`, allowed: `lb-envallow-allowed-${tag}` };

  beforeAll(async () => {
    const { docker } = testEngine();
    const image = await databaseImage(docker, "postgres");
    const start = (name: string, conn: string) =>
      runContainer(docker, {
        image,
        name,
        cmd: ["sleep", "infinity"],
        labels: {
          "backup.enabled": "true",
          "backup.type": "postgres",
          "backup.cron": "0 3 * * *",
          "backup.conn": conn,
        },
      }).then((c) => containers.push(c));
    await Promise.all([
      // The measured attack: the S3 secret into an exec, the API token as a database name.
      start(names.hostile, `postgresql://app:\${SECRET_ACCESS_KEY}@127.0.0.1:5432/\${API_TOKEN}`),
      start(names.allowed, `postgresql://app:\${LB_TEST_PG_PASSWORD}@127.0.0.1:5432/appdb`),
    ]);
  });
  afterAll(async () => {
    await Promise.all(containers.map((c) => c.remove()));
  });

  it("refuses the hostile label by variable name, resolves the allowed one, and prints no value", async () => {
    const result = await runCli(["check", "--json"], {
      DOCKER_HOST: testEngine().dockerHost,
      LOG_LEVEL: "silent",
      LABEL_ENV_ALLOW: "LB_TEST_PG_*",
      LB_TEST_PG_PASSWORD: "allowed-password",
      ...AGENT_SECRETS,
    });
    const report = JSON.parse(result.stdout) as CheckReport;
    const byName = new Map(report.containers.map((c) => [c.name, c]));
    expect(byName.get(names.hostile)).toMatchObject({
      ok: false,
      errors: [{ label: "backup.conn", reason: `\${SECRET_ACCESS_KEY} is not in LABEL_ENV_ALLOW` }],
    });
    expect(byName.get(names.allowed)).toMatchObject({ ok: true, spec: { database: "appdb" } });
    for (const value of Object.values(AGENT_SECRETS)) expect(result.stdout + result.stderr).not.toContain(value);
  });

  it("without LABEL_ENV_ALLOW no label reads the environment", async () => {
    const result = await runCli(["check", "--json"], {
      DOCKER_HOST: testEngine().dockerHost,
      LOG_LEVEL: "silent",
      LB_TEST_PG_PASSWORD: "allowed-password",
      ...AGENT_SECRETS,
    });
    const byName = new Map((JSON.parse(result.stdout) as CheckReport).containers.map((c) => [c.name, c]));
    expect(byName.get(names.allowed)).toMatchObject({
      ok: false,
      errors: [
        { label: "backup.conn", reason: expect.stringContaining(`\${LB_TEST_PG_PASSWORD} is not in LABEL_ENV_ALLOW`) },
      ],
    });
  });

  it("a bare * stops the agent with exit code 3, naming LABEL_ENV_ALLOW", async () => {
    const result = await runCli(["check"], { DOCKER_HOST: testEngine().dockerHost, LABEL_ENV_ALLOW: "DB_*, *" });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/LABEL_ENV_ALLOW: must not be a bare \*/);
  });
});
