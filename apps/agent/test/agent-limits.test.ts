import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type PostgresServer, startPostgresServer } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess } from "./agent-process.js";
import { holdTableLock } from "./hold-lock.js";
import { runCli } from "./run-cli.js";
import { waitUntil } from "./wait-until.js";

/**
 * pg_dump processes alive in the container. (Not the server's sessions: a backend that
 * waits on a lock notices its client is gone only once it gets the lock.)
 */
async function pgDumpSessions(db: PostgresServer): Promise<number> {
  const result = await db.container.exec(["sh", "-c", "pgrep -x pg_dump | wc -l"]);
  return Number(result.stdout.trim());
}

describe("runs that never end are ended", () => {
  let db: PostgresServer;
  let backups: string;
  let release: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    backups = await mkdtemp(join(tmpdir(), "lb-limits-"));
    db = await startPostgresServer(testEngine().docker, {
      name: `lb-limits-${process.pid}`,
      labels: {
        "backup.enabled": "true",
        "backup.type": "postgres",
        "backup.cron": "0 0 1 1 *",
        "backup.database": "appdb",
      },
    });
    await db.sql("create table t (id int); insert into t select generate_series(1, 10);");
    release = await holdTableLock(testEngine().docker, db.container.id, db.user, "appdb", "t");
  });
  afterAll(async () => {
    await release?.();
    await db?.container.remove();
  });

  const env = () => ({ DOCKER_HOST: testEngine().dockerHost, LOCAL_BACKUP_PATH: backups });

  it("BACKUP_TIMEOUT ends a hung dump: the tool is stopped and nothing is committed", async () => {
    const started = Date.now();
    const result = await runCli(["backup", db.container.name], {
      ...env(),
      BACKUP_TIMEOUT: "3s",
      BACKUP_STALL_TIMEOUT: "0",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("BACKUP_TIMEOUT (3s)");
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await waitUntil(async () => (await pgDumpSessions(db)) === 0, 10_000)).toBe(true);
    expect(await readdir(backups, { recursive: true })).toEqual([]);
  });

  it("the stall watchdog ends a dump that stops producing bytes", async () => {
    const result = await runCli(["backup", db.container.name], {
      ...env(),
      BACKUP_TIMEOUT: "0",
      BACKUP_STALL_TIMEOUT: "2",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("stall watchdog: no bytes for 2s");
    expect(await waitUntil(async () => (await pgDumpSessions(db)) === 0, 10_000)).toBe(true);
    expect(await readdir(backups, { recursive: true })).toEqual([]);
  });

  it("SIGTERM during a backup waits the grace period, aborts it cleanly and exits 0", async () => {
    const port = await freePort();
    const agent = startAgentProcess({
      ...env(),
      HTTP_PORT: String(port),
      API_TOKEN: "token-for-the-limits-test",
      SHUTDOWN_GRACE_SECONDS: "2",
    });
    await agent.waitForLine((l) => l.event === "agent.started");
    const response = await fetch(`http://127.0.0.1:${port}/api/targets/${db.container.name}/backup`, {
      method: "POST",
      headers: { authorization: "Bearer token-for-the-limits-test" },
    });
    expect(response.status).toBe(202);
    await agent.waitForLine((l) => l.event === "backup.started");
    expect(await waitUntil(async () => (await pgDumpSessions(db)) === 1, 10_000)).toBe(true);
    const stoppedAt = Date.now();
    const code = await agent.stop();
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    const failed = agent.lines.find((l) => l.event === "backup.failed");
    expect(String(failed?.error)).toContain("shutting down");
    expect(await waitUntil(async () => (await pgDumpSessions(db)) === 0, 10_000)).toBe(true);
    expect(await readdir(backups, { recursive: true })).toEqual([]);
  });
});
