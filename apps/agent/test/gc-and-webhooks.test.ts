import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyWebhookSignature } from "@lb/notify";
import { type PostgresServer, startPostgresServer, startWebhookReceiver, type WebhookReceiver } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "./agent-process.js";
import { runCli } from "./run-cli.js";

const SECRET = "gc-webhook-secret";

async function files(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

describe("failure webhooks, webhook.on=failure, and pruning on GC_CRON", () => {
  let quiet: PostgresServer;
  let broken: PostgresServer;
  let receiver: WebhookReceiver;
  let agent: AgentProcess;
  let backups: string;

  beforeAll(async () => {
    const { docker, dockerHost } = testEngine();
    backups = await mkdtemp(join(tmpdir(), "lb-gc-"));
    receiver = await startWebhookReceiver();
    const labels = (database: string, extra: Record<string, string> = {}) => ({
      "backup.enabled": "true",
      "backup.type": "postgres",
      "backup.cron": "0 0 1 1 *",
      "backup.database": database,
      "backup.prefix": "gc",
      ...extra,
    });
    [quiet, broken] = await Promise.all([
      startPostgresServer(docker, {
        name: `lb-gc-quiet-${process.pid}`,
        labels: labels("appdb", { "backup.webhook.on": "failure", "backup.cron": "*/2 * * * * *" }),
      }),
      startPostgresServer(docker, {
        name: `lb-gc-broken-${process.pid}`,
        labels: labels("nosuchdb", { "backup.cron": "*/2 * * * * *" }),
      }),
    ]);
    // An old backup of the quiet target, aged by its manifest: the GC's work.
    const env = { DOCKER_HOST: dockerHost, LOCAL_BACKUP_PATH: backups };
    expect((await runCli(["backup", quiet.container.name], env)).code).toBe(0);
    const [manifest] = (await files(backups)).filter((f) => f.endsWith(".manifest.json"));
    const path = join(backups, manifest!);
    const aged = JSON.parse(await readFile(path, "utf8"));
    aged.startedAt = new Date(Date.now() - 30 * 86400_000).toISOString();
    await writeFile(path, JSON.stringify(aged));
    agent = startAgentProcess({
      ...env,
      WEBHOOK_URL: receiver.url,
      WEBHOOK_SECRET: SECRET,
      GC_CRON: "*/5 * * * * *",
    });
  });
  afterAll(async () => {
    await agent?.stop();
    await Promise.all([quiet?.container.remove(), broken?.container.remove()]);
    await receiver?.close();
  });

  it("sends a signed failure webhook naming the problem, and none for a quiet success", async () => {
    await agent.waitForLine((l) => l.event === "backup.failed" && l.container === broken.container.name, 30_000);
    await agent.waitForLine((l) => l.event === "backup.succeeded" && l.container === quiet.container.name, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const payloads = receiver.requests.map((r) => ({ r, body: JSON.parse(r.body) }));
    const failure = payloads.find((p) => p.body.event === "backup.failed");
    expect(failure?.body).toMatchObject({
      success: false,
      container_name: broken.container.name,
      backup_size_bytes: 0,
    });
    expect(failure?.body.error).toMatch(/nosuchdb/);
    expect(failure?.r.body).not.toContain(broken.password);
    const verdict = verifyWebhookSignature(SECRET, failure!.r.body, failure!.r.headers as Record<string, string>);
    expect(verdict.ok).toBe(true);
    expect(payloads.some((p) => p.body.container_name === quiet.container.name)).toBe(false);
  });

  it("prunes on GC_CRON: the aged backup goes, the newest stays, and a gc.completed webhook is sent", async () => {
    const done = await agent.waitForLine((l) => l.event === "gc.completed" && Number(l.deleted) >= 1, 30_000);
    expect(done.destination).toBe("local");
    const left = await files(backups);
    expect(left.filter((f) => f.endsWith(".manifest.json")).length).toBeGreaterThanOrEqual(1);
    for (const f of left.filter((f) => f.endsWith(".manifest.json"))) {
      const m = JSON.parse(await readFile(join(backups, f), "utf8"));
      expect(Date.now() - Date.parse(m.startedAt)).toBeLessThan(86400_000);
    }
    // The webhook is delivered in the background, after the log line.
    const deadline = Date.now() + 15_000;
    const gcHook = () => receiver.requests.some((r) => JSON.parse(r.body).event === "gc.completed");
    while (!gcHook() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gcHook()).toBe(true);
  });
});
