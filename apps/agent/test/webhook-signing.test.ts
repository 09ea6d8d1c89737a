import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyWebhookSignature } from "@lb/notify";
import {
  freePort,
  type PostgresServer,
  type ReceivedRequest,
  runContainer,
  startPostgresServer,
  startWebhookReceiver,
  type TestContainer,
  type WebhookReceiver,
} from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "./agent-process.js";
import { runCli } from "./run-cli.js";

const SECRET = "webhook-signing-secret";
const API_TOKEN = "token-for-the-webhook-signing-test";

const signatureHeaders = (request: ReceivedRequest) =>
  Object.keys(request.headers).filter((name) => name.includes("signature") || name.includes("timestamp"));
const isSigned = (request: ReceivedRequest) =>
  verifyWebhookSignature(SECRET, request.body, request.headers as Record<string, string>, {
    now: request.receivedAt,
  }).ok;
const from = (receiver: WebhookReceiver, container: string) =>
  receiver.requests.filter((r) => JSON.parse(r.body).container_name === container);

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// A `backup.webhook` label chooses where a payload goes, never that WEBHOOK_SECRET signs it.
describe("WEBHOOK_SECRET signs only for WEBHOOK_URL's origin and WEBHOOK_ALLOWED_ORIGINS", () => {
  let labelled: PostgresServer;
  let plain: TestContainer;
  let own: WebhookReceiver;
  let foreign: WebhookReceiver;
  let env: Record<string, string>;

  beforeAll(async () => {
    const { docker, dockerHost } = testEngine();
    // Two receivers on two ports: two origins.
    [own, foreign] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
    const labels = {
      "backup.enabled": "true",
      "backup.type": "postgres",
      // Never due: backups run only when the test asks, so no other agent on the engine sends any.
      "backup.cron": "0 0 1 1 *",
      "backup.database": "appdb",
      "backup.prefix": "signing",
    };
    labelled = await startPostgresServer(docker, {
      name: `lb-signing-labelled-${process.pid}`,
      labels: { ...labels, "backup.webhook": `${foreign.url}?token=label-chosen` },
    });
    // No server runs in it: its backup fails at once, and the failure goes to WEBHOOK_URL.
    plain = await runContainer(docker, {
      image: (await docker.getContainer(labelled.container.id).inspect()).Config.Image,
      name: `lb-signing-plain-${process.pid}`,
      cmd: ["sleep", "infinity"],
      labels,
    });
    env = {
      DOCKER_HOST: dockerHost,
      LOCAL_BACKUP_PATH: await mkdtemp(join(tmpdir(), "lb-signing-")),
      WEBHOOK_URL: own.url,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_MAX_RETRIES: "0",
    };
  });
  afterAll(async () => {
    await Promise.all([labelled?.container.remove(), plain?.remove()]);
    await Promise.all([own?.close(), foreign?.close()]);
  });

  it("the agent sends the label's receiver the payload unsigned, and WEBHOOK_URL's signed", async () => {
    const port = await freePort();
    const agent: AgentProcess = startAgentProcess({ ...env, HTTP_PORT: String(port), API_TOKEN });
    try {
      await agent.waitForLine((l) => l.event === "agent.started");
      for (const name of [labelled.container.name, plain.name]) {
        const response = await fetch(`http://127.0.0.1:${port}/api/targets/${name}/backup`, {
          method: "POST",
          headers: { authorization: `Bearer ${API_TOKEN}` },
        });
        expect(response.status, name).toBe(202);
      }
      await until(() => from(foreign, labelled.container.name).length > 0 && from(own, plain.name).length > 0);
    } finally {
      await agent.stop();
    }

    const [toLabel] = from(foreign, labelled.container.name);
    expect(toLabel!.path).toBe("/hook?token=label-chosen");
    expect(JSON.parse(toLabel!.body)).toMatchObject({ event: "backup.succeeded", success: true });
    expect(signatureHeaders(toLabel!)).toEqual([]);
    expect(isSigned(toLabel!)).toBe(false);

    const [toOwn] = from(own, plain.name);
    expect(JSON.parse(toOwn!.body)).toMatchObject({ event: "backup.failed", success: false });
    expect(isSigned(toOwn!)).toBe(true);
    expect(from(own, labelled.container.name)).toEqual([]);
  });

  it("signs for the label's receiver once its origin is in WEBHOOK_ALLOWED_ORIGINS", async () => {
    const before = from(foreign, labelled.container.name).length;
    const result = await runCli(["backup", labelled.container.name], {
      ...env,
      WEBHOOK_ALLOWED_ORIGINS: `https://hooks.example.com, ${new URL(foreign.url).origin}`,
    });
    expect(result.code, result.stderr).toBe(0);
    const sent = from(foreign, labelled.container.name).slice(before);
    expect(sent).toHaveLength(1);
    expect(isSigned(sent[0]!)).toBe(true);
  });

  it("LABEL_WEBHOOKS=off sends to WEBHOOK_URL only, signed", async () => {
    const before = from(foreign, labelled.container.name).length;
    const result = await runCli(["backup", labelled.container.name], { ...env, LABEL_WEBHOOKS: "off" });
    expect(result.code, result.stderr).toBe(0);
    const sent = from(own, labelled.container.name);
    expect(sent).toHaveLength(1);
    expect(isSigned(sent[0]!)).toBe(true);
    expect(from(foreign, labelled.container.name)).toHaveLength(before);
  });

  it("an invalid WEBHOOK_ALLOWED_ORIGINS stops the command, naming the variable", async () => {
    const result = await runCli(["backup", labelled.container.name], {
      ...env,
      WEBHOOK_ALLOWED_ORIGINS: `${foreign.url}`,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("WEBHOOK_ALLOWED_ORIGINS");
    expect(result.stderr).toContain("is not an origin");
  });
});
