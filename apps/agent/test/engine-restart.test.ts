import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseImage, type PrivateDockerEngine, runContainer, startPrivateDockerEngine } from "@lb/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "./agent-process.js";

const labels = {
  "backup.enabled": "true",
  "backup.type": "postgres",
  "backup.cron": "@daily",
  "backup.database": "appdb",
};

// An engine of its own: this test crashes it, which the shared test engine must not suffer.
describe("the engine dies and comes back while the agent runs", () => {
  let engine: PrivateDockerEngine;
  let agent: AgentProcess;
  let image: string;

  beforeAll(async () => {
    engine = await startPrivateDockerEngine();
    image = await databaseImage(engine.docker, "postgres");
    agent = startAgentProcess({
      DOCKER_HOST: engine.dockerHost,
      LOCAL_BACKUP_PATH: await mkdtemp(join(tmpdir(), "lb-restart-")),
      RECONCILE_INTERVAL_SECONDS: "2",
    });
    await agent.waitForLine((l) => l.event === "agent.started");
  });
  afterAll(async () => {
    const code = await agent?.stop();
    await engine?.stop();
    expect(code).toBe(0);
  });

  it("reconnects to the event stream and follows containers again", async () => {
    await runContainer(engine.docker, { image, name: "before-crash", cmd: ["sleep", "infinity"], labels });
    await agent.waitForLine((l) => l.event === "job.added" && l.container === "before-crash", 5000);

    await engine.kill();
    await agent.waitForLine((l) => l.event === "engine.disconnected", 10_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(agent.child.exitCode).toBeNull();
    await engine.restart();

    await runContainer(engine.docker, { image, name: "after-restart", cmd: ["sleep", "infinity"], labels });
    await agent.waitForLine((l) => l.event === "job.added" && l.container === "after-restart", 30_000);
    // What the engine no longer runs is no longer scheduled.
    const before = await engine.docker.getContainer("before-crash").inspect();
    if (!before.State.Running) {
      await agent.waitForLine((l) => l.event === "job.removed" && l.container === "before-crash", 10_000);
    }
  });
});
