import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { databaseImage, runContainer, type TestContainer } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The agent's bin, as an operator would run it, from this package's folder so that
// LB_PLUGINS finds this package by its name.
const agentBin = join(dirname(createRequire(import.meta.url).resolve("@lb/agent/package.json")), "bin/label-backup.js");
const packageDir = fileURLToPath(new URL("..", import.meta.url));

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [agentBin, ...args], {
      cwd: packageDir,
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c));
    child.stderr.on("data", (c: Buffer) => (out += c));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("the agent loads this dumper from LB_PLUGINS", () => {
  let source: TestContainer;
  let target: TestContainer;
  let agent: ChildProcess;
  let env: Record<string, string>;
  let log = "";

  beforeAll(async () => {
    const { docker, dockerHost } = testEngine();
    const image = await databaseImage(docker, "postgres");
    const start = (name: string, labels: Record<string, string>) =>
      runContainer(docker, { image, name, cmd: ["sh", "-c", "mkdir -p /data && exec sleep infinity"], labels });
    source = await start(`lb-plugin-src-${process.pid}`, {
      "backup.enabled": "true",
      "backup.type": "sqlite",
      "backup.cron": "*/2 * * * * *",
      "backup.database": "/data/app.db",
    });
    target = await start(`lb-plugin-dst-${process.pid}`, {});
    await source.exec(["sqlite3", "/data/app.db"], {
      stdin: "create table t (id integer primary key, v text); insert into t (v) values ('one'), ('two'), ('three');",
    });
    env = {
      DOCKER_HOST: dockerHost,
      LOCAL_BACKUP_PATH: await mkdtemp(join(tmpdir(), "lb-plugin-")),
      LB_PLUGINS: "label-backup-dumper-sqlite",
    };
    agent = spawn(process.execPath, [agentBin, "agent"], {
      cwd: packageDir,
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    agent.stdout?.on("data", (c: Buffer) => (log += c));
    agent.stderr?.on("data", (c: Buffer) => (log += c));
  });
  afterAll(async () => {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((resolve) => agent.once("exit", resolve));
      agent.kill("SIGTERM");
      await exited;
    }
    await Promise.all([source?.remove(), target?.remove()]);
  });

  it("backs up a sqlite container on schedule and restores it with the CLI", async () => {
    const deadline = Date.now() + 60_000;
    while (!log.includes('"event":"backup.succeeded"') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(log).toContain('"engines":["postgres"');
    expect(log).toContain('"sqlite"');
    expect(log).toContain('"event":"backup.succeeded"');

    const restored = await run(["restore", source.name, "--into", target.name], env);
    expect(restored.out).toContain("restored");
    expect(restored.code).toBe(0);
    const rows = await target.exec(["sqlite3", "/data/app.db", "select group_concat(v) from t order by id"]);
    expect(rows.stdout.trim()).toBe("one,two,three");
  });

  it("names a plugin that cannot be found", async () => {
    const result = await run(["check"], { ...env, LB_PLUGINS: "label-backup-dumper-nope" });
    expect(result.code).toBe(3);
    expect(result.out).toContain("cannot find package label-backup-dumper-nope");
  });
});
