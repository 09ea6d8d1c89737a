import { databaseImage, runContainer, type TestContainer } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckReport } from "../src/commands/check.js";
import { runCli } from "./run-cli.js";

const tag = `${process.pid}`;

describe("label-backup check", () => {
  const containers: TestContainer[] = [];
  const names = {
    valid: `lb-check-valid-${tag}`,
    badCron: `lb-check-badcron-${tag}`,
    disabled: `lb-check-disabled-${tag}`,
    noEnable: `lb-check-noenable-${tag}`,
    compose: `lb-check-compose-${tag}`,
  };

  beforeAll(async () => {
    const { docker } = testEngine();
    const image = await databaseImage(docker, "postgres");
    const start = (name: string, labels: Record<string, string>) =>
      runContainer(docker, { image, name, cmd: ["sleep", "infinity"], labels }).then((c) => containers.push(c));
    await Promise.all([
      start(names.valid, {
        "backup.enabled": "TRUE",
        "backup.type": "postgres",
        "backup.cron": "0 3 * * *",
        "backup.database": "appdb",
        "backup.conn": "postgresql://app:hunter2-in-label@db:5432/appdb",
        "backup.prefix": "customer_xyz/daily_backups",
        "backup.retention": "7d12h",
      }),
      start(names.badCron, {
        "backup.enabled": "true",
        "backup.type": "postgres",
        "backup.cron": "61 * * * *",
        "backup.database": "x",
      }),
      start(names.disabled, { "backup.enabled": "false", "backup.type": "postgres" }),
      start(names.noEnable, { "backup.type": "redis", "backup.cron": "@hourly" }),
      start(names.compose, {
        "backup.enabled": "1",
        "backup.type": "redis",
        "backup.cron": "@every 1h30m",
        "com.docker.compose.project": `shop${tag}`,
        "com.docker.compose.service": "cache",
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(containers.map((c) => c.remove()));
  });

  it("reports every labelled container as JSON, and exits 1 because one is invalid", async () => {
    const now = Date.now();
    const result = await runCli(["check", "--json"], { DOCKER_HOST: testEngine().dockerHost, LOG_LEVEL: "silent" });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as CheckReport;
    const byName = new Map(report.containers.map((c) => [c.name, c]));

    const valid = byName.get(names.valid)!;
    if (!valid.spec) throw new Error(`no spec for ${names.valid}: ${JSON.stringify(valid.errors)}`);
    expect(valid).toMatchObject({
      ok: true,
      errors: [],
      spec: {
        type: "postgres",
        cron: "0 3 * * *",
        retention_seconds: 7 * 86400 + 12 * 3600,
        dest: "local",
        prefix: "customer_xyz/daily_backups",
        database: "appdb",
      },
    });
    expect(valid.spec.next_runs).toHaveLength(3);
    for (const run of valid.spec.next_runs) {
      const at = new Date(run);
      expect(at.getTime()).toBeGreaterThan(now);
      expect([at.getUTCHours(), at.getUTCMinutes()]).toEqual([3, 0]);
    }

    const bad = byName.get(names.badCron)!;
    expect(bad.ok).toBe(false);
    expect(bad.spec).toBeNull();
    expect(bad.errors).toEqual([expect.objectContaining({ label: "backup.cron" })]);

    expect(byName.get(names.disabled)).toMatchObject({ ok: true, enabled: false, spec: null });
    expect(byName.get(names.noEnable)).toMatchObject({ ok: false, errors: [{ label: "backup.enabled" }] });

    const compose = byName.get(names.compose)!;
    if (!compose.spec) throw new Error(`no spec for ${names.compose}: ${JSON.stringify(compose.errors)}`);
    expect(compose.spec.target).toBe(`shop${tag}/cache`);
    const [first = 0, second = 0] = compose.spec.next_runs.map((r) => Date.parse(r));
    expect(second - first).toBe(90 * 60 * 1000);

    // The password in backup.conn is never printed.
    expect(result.stdout).not.toContain("hunter2-in-label");
  });

  it("prints a readable report with the same verdicts", async () => {
    const result = await runCli(["check"], { DOCKER_HOST: testEngine().dockerHost });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${names.valid}: ok`);
    expect(result.stdout).toContain(`${names.badCron}: INVALID`);
    expect(result.stdout).toMatch(/backup\.cron: /);
    expect(result.stdout).not.toContain("hunter2-in-label");
  });

  it("stops with exit code 3 naming an invalid global variable", async () => {
    const result = await runCli(["check"], { DOCKER_HOST: testEngine().dockerHost, WEBHOOK_TIMEOUT_SECONDS: "soon" });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("WEBHOOK_TIMEOUT_SECONDS");
  });

  it("explains itself with --help", async () => {
    const result = await runCli(["check", "--help"], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--json");
  });
});
