import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  databaseImage,
  freePort,
  type PostgresServer,
  runContainer,
  startPostgresServer,
  startWebhookReceiver,
  type TestContainer,
  type WebhookReceiver,
} from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "./agent-process.js";
import { holdTableLock } from "./hold-lock.js";

const API_TOKEN = "token-for-the-runtime-test";
const tag = process.pid;
const labelsFor = (cron: string) => ({
  "backup.enabled": "true",
  "backup.type": "postgres",
  "backup.cron": cron,
  "backup.database": "appdb",
});

describe("agent runtime", () => {
  let agent: AgentProcess;
  let port: number;
  let db: PostgresServer;
  let receiver: WebhookReceiver;
  let backups: string;
  const extra: TestContainer[] = [];
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  const targets = async () =>
    ((await (await fetch(url("/api/targets"))).json()) as { targets: Array<Record<string, unknown>> }).targets;

  beforeAll(async () => {
    const { docker, dockerHost } = testEngine();
    port = await freePort();
    backups = await mkdtemp(join(tmpdir(), "lb-runtime-"));
    receiver = await startWebhookReceiver();
    db = await startPostgresServer(docker, {
      name: `lb-rt-db-${tag}`,
      labels: ({ port: dbPort }) => ({
        ...labelsFor("0 0 1 1 *"),
        // The password comes from the agent's environment, not the label.
        "backup.conn": `postgresql://app:\${RT_DB_PASSWORD}@127.0.0.1:${dbPort}/appdb`,
      }),
    });
    await db.sql("create table t (id int); insert into t select generate_series(1, 100);");
    agent = startAgentProcess({
      DOCKER_HOST: dockerHost,
      LOCAL_BACKUP_PATH: backups,
      HTTP_PORT: String(port),
      API_TOKEN,
      RECONCILE_INTERVAL_SECONDS: "30",
      WEBHOOK_URL: receiver.url,
      RT_DB_PASSWORD: db.password,
      // Labels may read only what the operator allows.
      LABEL_ENV_ALLOW: "RT_DB_PASSWORD",
    });
    await agent.waitForLine((l) => l.event === "agent.started");
  });
  afterAll(async () => {
    const code = await agent?.stop();
    await Promise.all([db?.container.remove(), ...extra.map((c) => c.remove())]);
    await receiver?.close();
    expect(code).toBe(0);
  });

  it("answers health, readiness and metrics", async () => {
    expect((await fetch(url("/healthz"))).status).toBe(200);
    const ready = await fetch(url("/readyz"));
    expect(await ready.text()).toBe("ready\n");
    const metrics = await (await fetch(url("/metrics"))).text();
    expect(metrics).toMatch(/^label_backup_targets \d+$/m);
    expect(metrics).toContain("label_backup_process_resident_memory_bytes");
  });

  it("lists targets with the connection password redacted", async () => {
    const list = await targets();
    const mine = list.find((t) => t.container === db.container.name);
    expect(mine).toMatchObject({ type: "postgres", cron: "0 0 1 1 *", state: "idle", last_result: null });
    expect(String(mine?.conn)).toContain("app:***@");
    expect(JSON.stringify(list)).not.toContain(db.password);
  });

  it("gives a started container its job within a second, and takes it away when it stops", async () => {
    const { docker } = testEngine();
    const name = `lb-rt-late-${tag}`;
    const started = Date.now();
    const late = await runContainer(docker, {
      image: await databaseImage(docker, "postgres"),
      name,
      cmd: ["sleep", "infinity"],
      labels: labelsFor("@daily"),
    });
    extra.push(late);
    await agent.waitForLine((l) => l.event === "job.added" && l.container === name, 5000);
    expect(Date.now() - started).toBeLessThan(2500);

    // A signal is not a stop: the job stays.
    await docker.getContainer(late.id).kill({ signal: "SIGWINCH" });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(agent.lines.some((l) => l.event === "job.removed" && l.container === name)).toBe(false);

    await docker.getContainer(late.id).stop({ t: 1 });
    await agent.waitForLine((l) => l.event === "job.removed" && l.container === name, 5000);
    expect((await targets()).some((t) => t.container === name)).toBe(false);
  });

  it("keeps one job per target when a container is re-created with new labels", async () => {
    const { docker } = testEngine();
    const name = `lb-rt-recreated-${tag}`;
    const image = await databaseImage(docker, "postgres");
    const first = await runContainer(docker, { image, name, cmd: ["sleep", "infinity"], labels: labelsFor("@daily") });
    await agent.waitForLine((l) => l.event === "job.added" && l.container === name, 5000);
    await first.remove();
    const second = await runContainer(docker, {
      image,
      name,
      cmd: ["sleep", "infinity"],
      labels: labelsFor("@hourly"),
    });
    extra.push(second);
    await agent.waitForLine(
      (l) => (l.event === "job.added" || l.event === "job.updated") && l.cron === "@hourly",
      5000,
    );
    const mine = (await targets()).filter((t) => t.container === name);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ cron: "@hourly", container_id: second.id });
  });

  it("runs a backup on POST only with the token, and reports it everywhere", async () => {
    const name = encodeURIComponent(db.container.name);
    expect((await fetch(url(`/api/targets/${name}/backup`), { method: "POST" })).status).toBe(401);
    const wrong = await fetch(url(`/api/targets/${name}/backup`), {
      method: "POST",
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.status).toBe(401);
    const accepted = await fetch(url(`/api/targets/${name}/backup`), {
      method: "POST",
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(accepted.status).toBe(202);
    await agent.waitForLine((l) => l.event === "backup.succeeded" && l.container === db.container.name, 60_000);
    const mine = (await targets()).find((t) => t.container === db.container.name);
    expect(mine?.last_result).toMatchObject({ success: true });
    const metrics = await (await fetch(url("/metrics"))).text();
    expect(metrics).toContain(`label_backup_last_run_success{target="${db.container.name}"} 1`);
    expect(metrics).toMatch(
      new RegExp(`label_backup_runs_total\\{target="${db.container.name}",result="success"\\} 1`),
    );
  });

  it("reports, counts and notifies a run that would overlap the one in progress as skipped", async () => {
    const release = await holdTableLock(testEngine().docker, db.container.id, db.user, "appdb", "t");
    try {
      const post = () =>
        fetch(url(`/api/targets/${encodeURIComponent(db.container.name)}/backup`), {
          method: "POST",
          headers: { authorization: `Bearer ${API_TOKEN}` },
        });
      expect((await post()).status).toBe(202);
      const second = await post();
      expect(second.status).toBe(409);
      expect(((await second.json()) as { error: string }).error).toContain("still");
      await agent.waitForLine((l) => l.event === "backup.skipped");
      const metrics = await (await fetch(url("/metrics"))).text();
      expect(metrics).toMatch(/label_backup_runs_total\{target="[^"]+",result="overlap"\} 1/);
      const hooks = await receiver.waitForRequests(2, 10_000);
      const skipped = hooks.map((h) => JSON.parse(h.body)).filter((p) => p.event === "backup.skipped");
      expect(skipped).toEqual([expect.objectContaining({ success: false, error: expect.stringMatching(/still/) })]);
      expect(hooks.map((h) => JSON.parse(h.body).event)).not.toContain("backup.failed");
    } finally {
      await release();
    }
    await agent.waitForLine(
      (l) => l.event === "backup.succeeded" && agent.lines.filter((x) => x.event === "backup.succeeded").length >= 2,
      60_000,
    );
  });

  it("shows targets, schedules, last results and sizes on the status page in a real browser", async () => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(url("/"));
      expect(await page.title()).toBe("Label Backup");
      const row = page.locator(`tr[data-target="${db.container.name}"]`);
      await expect(row.locator("td").nth(2).textContent()).resolves.toContain("0 0 1 1 *");
      await expect(row.locator(".result").textContent()).resolves.toMatch(/^ok/);
      await expect(row.locator("td").nth(4).textContent()).resolves.toMatch(/\d+(\.\d)? (B|KiB|MiB)/);
      expect(await page.content()).not.toContain(db.password);
    } finally {
      await browser.close();
    }
  });

  it("leaves no temp files behind", async () => {
    const entries = await readdir(backups, { recursive: true });
    expect(entries.some((e) => String(e).includes(".lb-partial-"))).toBe(false);
  });
});
