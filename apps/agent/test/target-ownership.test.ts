import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseImage, runContainer, type TestContainer } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckReport } from "../src/commands/check.js";
import { type AgentProcess, startAgentProcess } from "./agent-process.js";
import { runCli } from "./run-cli.js";

const tag = `${process.pid}`;
const compose = { "com.docker.compose.project": `owned${tag}`, "com.docker.compose.service": "db" };
const volume = (retention: string) => ({
  "backup.enabled": "true",
  "backup.type": "volume",
  "backup.path": "/data",
  "backup.cron": "0 0 1 1 *",
  "backup.retention": retention,
  ...compose,
});

// Labels are written by whoever can start a container: a newcomer that copies another's
// compose labels must not take over its target.
describe("one target, one owner", () => {
  const containers: TestContainer[] = [];
  let agent: AgentProcess;
  const names = { older: `lb-owner-older-${tag}`, newer: `lb-owner-newer-${tag}` };

  beforeAll(async () => {
    const { docker, dockerHost } = testEngine();
    const image = await databaseImage(docker, "postgres");
    const start = (name: string, labels: Record<string, string>) =>
      runContainer(docker, { image, name, cmd: ["sh", "-c", "mkdir -p /data && exec sleep infinity"], labels }).then(
        (c) => containers.push(c),
      );
    await start(names.older, volume("7d"));
    agent = startAgentProcess({
      DOCKER_HOST: dockerHost,
      LOCAL_BACKUP_PATH: await mkdtemp(join(tmpdir(), "lb-owner-")),
      RECONCILE_INTERVAL_SECONDS: "1",
    });
    await agent.waitForLine((l) => l.event === "job.added" && l.container === names.older);
    // The engine records creation to the second: the newcomer is created in a later one.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await start(names.newer, volume("1m"));
  });
  afterAll(async () => {
    await agent?.stop();
    await Promise.all(containers.map((c) => c.remove()));
  });

  it("the agent keeps the older container's target and reports the newcomer, naming the owner", async () => {
    const reported = await agent.waitForLine(
      (l) => l.event === "labels.invalid" && l.container === names.newer,
      20_000,
    );
    expect(String(reported.reason)).toBe(`target owned${tag}/db is already backed up from ${names.older}`);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const changes = agent.lines.filter((l) => typeof l.event === "string" && /^job\.(updated|removed)$/.test(l.event));
    expect(changes).toEqual([]);
  });

  it("check agrees: the older is the target, the newer is invalid", async () => {
    const result = await runCli(["check", "--json"], { DOCKER_HOST: testEngine().dockerHost, LOG_LEVEL: "silent" });
    const report = JSON.parse(result.stdout) as CheckReport;
    const older = report.containers.find((c) => c.name === names.older);
    const newer = report.containers.find((c) => c.name === names.newer);
    expect(older?.ok).toBe(true);
    expect(older?.spec).toMatchObject({ retention_seconds: 7 * 86_400 });
    expect(newer?.ok).toBe(false);
    expect(newer?.errors).toEqual([
      { label: "backup.enabled", reason: `target owned${tag}/db is already backed up from ${names.older}` },
    ]);
  });
});
