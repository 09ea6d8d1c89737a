import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  databaseImage,
  freePort,
  type PostgresServer,
  runContainer,
  startPostgresServer,
  type TestContainer,
} from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "./agent-process.js";
import { waitUntil } from "./wait-until.js";

// Every run ends, whatever the dump tool, the disk or the container does, and the agent
// lives on. Each case makes the dump produce bytes when the fault strikes.

const TOKEN = "token-for-the-liveness-test";
const never = "0 0 1 1 *";
const labelled = (type: string, extra: Record<string, string>) => ({
  "backup.enabled": "true",
  "backup.type": type,
  "backup.cron": never,
  ...extra,
});

/** What the agent reports in progress for a target, from its metrics. */
async function inProgressBytes(port: number, target: string): Promise<number> {
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = metrics.split("\n").find((l) => l.startsWith(`label_backup_in_progress_bytes{target="${target}"}`));
  return Number(line?.split(" ").at(-1) ?? 0);
}

async function trigger(port: number, target: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/api/targets/${encodeURIComponent(target)}/backup`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return response.status;
}

describe("every run ends, the agent never freezes", () => {
  let db: PostgresServer;
  let small: TestContainer;
  let hostile: TestContainer;
  const agents: AgentProcess[] = [];

  const startAgent = async (env: Record<string, string>, cwd?: string) => {
    const port = await freePort();
    const agent = startAgentProcess(
      {
        DOCKER_HOST: testEngine().dockerHost,
        HTTP_PORT: String(port),
        API_TOKEN: TOKEN,
        BACKUP_STALL_TIMEOUT: "0",
        ...env,
      },
      cwd ? { cwd } : {},
    );
    agents.push(agent);
    await agent.waitForLine((l) => l.event === "agent.started");
    return { agent, port };
  };

  beforeAll(async () => {
    const { docker } = testEngine();
    db = await startPostgresServer(docker, {
      name: `lb-live-pg-${process.pid}`,
      labels: labelled("postgres", { "backup.database": "appdb" }),
    });
    // About 100 MB of SQL that gzip can only halve: long enough to be cut in the middle.
    await db.sql(
      "create table big as select g as id, md5(g::text) || md5((g * 7)::text) as v from generate_series(1, 1500000) g;",
    );
    small = await runContainer(docker, {
      image: await databaseImage(docker, "postgres"),
      name: `lb-live-small-${process.pid}`,
      cmd: ["sh", "-c", "mkdir -p /data && echo small > /data/a.txt && exec sleep infinity"],
      labels: labelled("volume", { "backup.path": "/data" }),
    });
    // A "mongodump" that prints 16 hostile bytes (a BSON length of -3) and exits 0.
    hostile = await runContainer(docker, {
      image: await databaseImage(docker, "postgres"),
      name: `lb-live-hostile-${process.pid}`,
      cmd: ["sleep", "infinity"],
      labels: labelled("mongodb", { "backup.database": "appdb", "backup.mode": "exec" }),
    });
    // Then, unless told to stop there, it floods zeros for ever: a tool that never ends.
    const script =
      "#!/bin/sh\nprintf '\\155\\342\\231\\201\\014\\000\\000\\000\\003a\\000\\375\\377\\377\\377\\000'\n[ \"$LB_ONLY_PRINT\" = 1 ] || exec cat /dev/zero\n";
    await hostile.exec(["sh", "-c", "cat > /usr/local/bin/mongodump && chmod +x /usr/local/bin/mongodump"], {
      stdin: script,
    });
  });
  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await Promise.all([db?.container.remove(), small?.remove(), hostile?.remove()]);
  });

  it("the hostile mongodump stand-in really prints the 16 bytes", async () => {
    const out = await hostile.exec(["sh", "-c", "LB_ONLY_PRINT=1 mongodump | od -An -tx1 | tr -d ' \\n'"]);
    expect(out.stdout).toBe("6de299810c000000036100fdffffff00");
  });

  it("SIGTERM while pg_dump is producing output: exits 0 within the grace period + 10 s, nothing left", async () => {
    const backups = await mkdtemp(join(tmpdir(), "lb-live-term-"));
    const { agent, port } = await startAgent({
      LOCAL_BACKUP_PATH: backups,
      SHUTDOWN_GRACE_SECONDS: "1",
      COMPRESSION_LEVEL: "9",
    });
    expect(await trigger(port, db.container.name)).toBe(202);
    expect(await waitUntil(async () => (await inProgressBytes(port, db.container.name)) > 1_000_000, 60_000)).toBe(
      true,
    );
    const stoppedAt = Date.now();
    const code = await agent.stop();
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(11_000);
    expect(String(agent.lines.find((l) => l.event === "backup.failed")?.error)).toContain("shutting down");
    expect(await readdir(backups, { recursive: true })).toEqual([]);
    const dumps = async () => Number((await db.container.exec(["sh", "-c", "pgrep -x pg_dump | wc -l"])).stdout.trim());
    expect(await waitUntil(async () => (await dumps()) === 0, 10_000)).toBe(true);
  });

  it("a disk that fills in the middle of a dump fails that run, and the next target runs", async () => {
    if (process.getuid?.() !== 0) throw new Error("this test mounts a tmpfs and must run as root, as CI does");
    const full = await mkdtemp(join(tmpdir(), "lb-live-full-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", full]);
    try {
      const { agent, port } = await startAgent({ LOCAL_BACKUP_PATH: full, MAX_CONCURRENT_BACKUPS: "1" });
      expect(await trigger(port, db.container.name)).toBe(202);
      expect(await trigger(port, small.name)).toBe(202);
      const failed = await agent.waitForLine(
        (l) => l.event === "backup.failed" && l.container === db.container.name,
        60_000,
      );
      expect(String(failed.error)).toMatch(/no space|full/i);
      await agent.waitForLine((l) => l.event === "backup.succeeded" && l.container === small.name, 30_000);
      expect(agent.lines.filter((l) => l.event === "backup.skipped")).toEqual([]);
      const left = (await readdir(full, { recursive: true })).filter((name) => !name.includes("volume-"));
      expect(left).toEqual([]);
      expect(await agent.stop()).toBe(0);
    } finally {
      execFileSync("umount", ["-l", full]);
      await rm(full, { recursive: true, force: true });
    }
  });

  it("a mongodump whose output is hostile and never ends fails its run at once, and the agent keeps answering", async () => {
    const backups = await mkdtemp(join(tmpdir(), "lb-live-hostile-"));
    const { agent, port } = await startAgent({ LOCAL_BACKUP_PATH: backups });
    expect(await trigger(port, hostile.name)).toBe(202);
    const failed = await agent.waitForLine((l) => l.event === "backup.failed" && l.container === hostile.name, 20_000);
    expect(String(failed.error)).toMatch(/mongodump output is incomplete: the archive is corrupted/);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    expect(health.status).toBe(200);
    expect(await readdir(backups, { recursive: true })).toEqual([]);
    expect(await agent.stop()).toBe(0);
  });

  it("an exception thrown outside any run is logged masked, its run still ends, and the agent lives on", async () => {
    // A dumper plugin that throws from a timer, fails a stream nobody listens to, and never completes.
    const home = await mkdtemp(join(tmpdir(), "lb-live-plugin-"));
    const plugin = join(home, "node_modules", "lb-hostile-dumper");
    await mkdir(plugin, { recursive: true });
    await writeFile(
      join(plugin, "package.json"),
      JSON.stringify({ name: "lb-hostile-dumper", type: "module", main: "index.js" }),
    );
    await writeFile(join(plugin, "index.js"), HOSTILE_PLUGIN);
    const { docker } = testEngine();
    const target = await runContainer(docker, {
      image: await databaseImage(docker, "postgres"),
      name: `lb-live-plugin-${process.pid}`,
      cmd: ["sleep", "infinity"],
      labels: labelled("hostile", {
        "backup.database": "db",
      }),
    });
    try {
      const { agent, port } = await startAgent(
        {
          LOCAL_BACKUP_PATH: join(home, "backups"),
          LB_PLUGINS: "lb-hostile-dumper",
          BACKUP_TIMEOUT: "3s",
          // A secret of the agent's that the plugin's errors happen to quote.
          WEBHOOK_SECRET: "hostile-secret-value",
        },
        home,
      );
      await agent.waitForLine((l) => l.event === "job.added" && l.container === target.name, 20_000);
      expect(await trigger(port, target.name)).toBe(202);
      const failed = await agent.waitForLine((l) => l.event === "backup.failed" && l.container === target.name, 40_000);
      expect(String(failed.error)).toContain("BACKUP_TIMEOUT");
      const internal = agent.lines.filter((l) => l.event === "agent.internal_error");
      expect(internal.map((l) => l.kind).sort()).toEqual(["uncaught exception", "uncaught exception"]);
      expect(agent.stdout()).not.toContain("hostile-secret-value");
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(await agent.stop()).toBe(0);
    } finally {
      await target.remove();
    }
  });
});

const HOSTILE_PLUGIN = `import { PassThrough } from "node:stream";
export default {
  contractVersion: 1,
  engine: "hostile",
  async dump() {
    const stream = new PassThrough();
    stream.write("some bytes");
    const orphan = new PassThrough();
    setTimeout(() => orphan.destroy(new Error("an orphan stream failed: hostile-secret-value")), 100);
    setTimeout(() => { throw new Error("thrown outside any promise: hostile-secret-value"); }, 200);
    return { stream, extension: "bin", completed: new Promise(() => {}), abort: async () => {} };
  },
  async restore() {},
};
`;
