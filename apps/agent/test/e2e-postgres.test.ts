import { createHmac } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import {
  type PostgresServer,
  runContainer,
  startPostgresServer,
  startWebhookReceiver,
  type TestContainer,
  type WebhookReceiver,
} from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "./agent-process.js";

const WEBHOOK_SECRET = "e2e-webhook-secret";

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function gunzipToString(path: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(path).pipe(createGunzip())) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

describe("first backup, end to end", () => {
  let source: PostgresServer;
  let restoreTarget: PostgresServer;
  let badLabels: TestContainer;
  let receiver: WebhookReceiver;
  let agent: AgentProcess;
  let backups: string;

  beforeAll(async () => {
    const { docker, dockerHost } = testEngine();
    backups = await mkdtemp(join(tmpdir(), "lb-e2e-backups-"));
    receiver = await startWebhookReceiver();
    source = await startPostgresServer(docker, {
      name: `lb-e2e-source-${process.pid}`,
      labels: {
        "backup.enabled": "true",
        "backup.type": "postgres",
        "backup.cron": "*/3 * * * * *",
        "backup.database": "appdb",
        "backup.prefix": "customer_xyz/daily_backups",
      },
    });
    await source.sql(`
      create table customers (id int primary key, name text not null, balance numeric(12,2));
      insert into customers select g, 'customer ' || g, g * 1.5 from generate_series(1, 1000) g;`);
    restoreTarget = await startPostgresServer(docker, { name: `lb-e2e-restore-${process.pid}`, database: "restored" });
    badLabels = await runContainer(docker, {
      image: (await docker.getContainer(source.container.id).inspect()).Config.Image,
      name: `lb-e2e-badcron-${process.pid}`,
      cmd: ["sleep", "infinity"],
      labels: {
        "backup.enabled": "true",
        "backup.type": "postgres",
        "backup.cron": "every tuesday",
        "backup.database": "x",
      },
    });
    agent = startAgentProcess({
      DOCKER_HOST: dockerHost,
      LOCAL_BACKUP_PATH: backups,
      LOG_LEVEL: "debug",
      RECONCILE_INTERVAL_SECONDS: "2",
      WEBHOOK_URL: receiver.url,
      WEBHOOK_SECRET,
    });
  });

  afterAll(async () => {
    const code = await agent?.stop();
    await Promise.all([source?.container.remove(), restoreTarget?.container.remove(), badLabels?.remove()]);
    await receiver?.close();
    expect(code).toBe(0);
  });

  it("reports the container with invalid labels by name, label and reason, and keeps running", async () => {
    const line = await agent.waitForLine((l) => l.event === "labels.invalid");
    expect(line.container).toBe(badLabels.name);
    expect(line.label).toBe("backup.cron");
    expect(String(line.reason)).toMatch(/has 2 fields/);
  });

  it("backs up on schedule into the prefix, and the artifact restores to the same rows", async () => {
    const done = await agent.waitForLine((l) => l.event === "backup.succeeded", 90_000);
    const key = String(done.key);
    expect(key).toMatch(/^customer_xyz\/daily_backups\/postgres-appdb-\d{8}T\d{9}Z-[0-9a-f]{6}\.sql\.gz$/);
    const artifactPath = join(backups, key);
    const manifest = JSON.parse(await readFile(`${artifactPath}.manifest.json`, "utf8"));
    expect(manifest).toMatchObject({ artifactKey: key, engine: "postgres", database: "appdb", compression: "gzip" });

    // Restore with the standard tool into a fresh database.
    const sql = await gunzipToString(artifactPath);
    const restored = await restoreTarget.container.exec(
      ["psql", "-v", "ON_ERROR_STOP=1", "-q", "-U", restoreTarget.user, "-d", "restored"],
      { stdin: sql },
    );
    expect(restored.stderr).toBe("");
    expect(restored.exitCode).toBe(0);
    const checksum =
      "select count(*) || ':' || sum(balance) || ':' || md5(string_agg(name, ',' order by id)) from customers";
    expect(await restoreTarget.sql(checksum, "restored")).toBe(await source.sql(checksum));
    expect(await restoreTarget.sql("select count(*) from customers", "restored")).toBe("1000");
  });

  it("posts a webhook whose signature verifies", async () => {
    const [request] = await receiver.waitForRequests(1, 60_000);
    const body = request!.body;
    const expected = createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex");
    expect(request!.headers["x-labelbackup-signature-sha256"]).toBe(expected);
    const payload = JSON.parse(body);
    expect(payload).toMatchObject({
      container_id: source.container.id,
      container_name: source.container.name,
      database_type: "postgres",
      database_name: "appdb",
      success: true,
      error: null,
      destination_type: "local",
    });
    expect(payload.backup_size_bytes).toBeGreaterThan(0);
    expect(payload.duration_seconds).toBeGreaterThan(0);
    expect(Date.parse(payload.timestamp_utc)).not.toBeNaN();
    expect(payload.destination_url).toContain(backups);
  });

  it("never writes the database password to its logs or leaves partial files", async () => {
    expect(agent.stdout()).not.toContain(source.password);
    expect(agent.stderr()).not.toContain(source.password);
    const files = await filesUnder(backups);
    expect(files.some((f) => f.includes(".lb-partial-"))).toBe(false);
    expect(files.length).toBeGreaterThanOrEqual(2);
  });
});
