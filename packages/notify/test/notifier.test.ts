import { createHmac } from "node:crypto";
import { ConfigError } from "@lb/core";
import { type RecordingLogger, recordingLogger } from "@lb/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  type BackupEventPayload,
  buildBackupPayload,
  createWebhookNotifier,
  SIGNATURE_SHA256_HEADER,
  verifyWebhookSignature,
  type WebhookNotifier,
  type WebhookNotifierOptions,
} from "../src/index.js";
import { type Behaviour, closedPortOrigin, type Receiver, startReceiver } from "./receiver.js";

const secret = "whsec-notify-tests";
const receivers: Receiver[] = [];
const notifiers: WebhookNotifier[] = [];

afterEach(async () => {
  // Abandon whatever a failed test left behind before its receivers go away.
  await Promise.all(notifiers.splice(0).map((notifier) => notifier.flush(0)));
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(behaviour: Behaviour): Promise<Receiver> {
  const started = await startReceiver(behaviour);
  receivers.push(started);
  return started;
}

function notifier(options: Partial<WebhookNotifierOptions> = {}): { notifier: WebhookNotifier; logs: RecordingLogger } {
  const logs = recordingLogger();
  const created = createWebhookNotifier({
    secret,
    timeoutSeconds: 2,
    maxRetries: 3,
    backoffBaseMs: 10,
    backoffMaxMs: 40,
    logger: logs,
    ...options,
  });
  notifiers.push(created);
  return { notifier: created, logs };
}

function payload(overrides: { success?: boolean } = {}): BackupEventPayload {
  const success = overrides.success ?? false;
  return buildBackupPayload({
    containerId: "0123456789ab",
    containerName: "shop_db",
    databaseType: "postgres",
    databaseName: "shop",
    destinationUrl: "/backups/shop/shop-20260124.sql.gz",
    destinationType: "local",
    success,
    error: success ? null : "pg_dump exited with code 1",
    durationSeconds: 3.2,
  });
}

const ok = () => ({ status: 200 });
const messages = (logs: RecordingLogger, level: string) =>
  logs.entries.filter((entry) => entry.level === level).map((entry) => entry.msg);

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("createWebhookNotifier against a real HTTP receiver", () => {
  it("POSTs the payload as JSON, with both signatures verifying", async () => {
    const hook = await receiver(ok);
    const { notifier: sender, logs } = notifier();
    const sent = payload();

    sender.notify(`${hook.origin}/hook?token=abc`, sent);
    expect(sender.pending()).toBe(1);
    await sender.flush(5000);

    expect(sender.pending()).toBe(0);
    expect(hook.requests).toHaveLength(1);
    const [request] = hook.requests;
    expect(request).toMatchObject({ method: "POST", url: "/hook?token=abc" });
    expect(request!.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": "label-backup",
      "x-labelbackup-event": "backup.failed",
      "x-labelbackup-id": sent.id,
    });
    expect(JSON.parse(request!.body)).toEqual(sent);

    const legacy = createHmac("sha256", secret).update(request!.body).digest("hex");
    expect(request!.headers[SIGNATURE_SHA256_HEADER.toLowerCase()]).toBe(legacy);
    expect(verifyWebhookSignature(secret, request!.body, request!.headers, { now: request!.receivedAt })).toMatchObject(
      {
        ok: true,
      },
    );
    expect(verifyWebhookSignature("wrong-secret", request!.body, request!.headers).ok).toBe(false);
    expect(logs.entries).toContainEqual(
      expect.objectContaining({
        level: "info",
        msg: "webhook delivered",
        fields: expect.objectContaining({ attempt: 1 }),
      }),
    );
  });

  it("sends no signature headers without a secret", async () => {
    const hook = await receiver(ok);
    const { notifier: sender } = notifier({ secret: "" });
    sender.notify(hook.origin, payload());
    await sender.flush(5000);
    expect(hook.requests).toHaveLength(1);
    expect(Object.keys(hook.requests[0]!.headers).filter((name) => name.includes("signature"))).toEqual([]);
    expect(hook.requests[0]!.headers["x-labelbackup-timestamp"]).toBeUndefined();
  });

  it("signs only for the signed origins; another origin gets the same body unsigned", async () => {
    const own = await receiver(ok);
    const foreign = await receiver(ok);
    const { notifier: sender, logs } = notifier({ signedOrigins: [own.origin] });
    const sent = payload();
    sender.notify(`${own.origin}/hook`, sent);
    sender.notify(`${foreign.origin}/elsewhere?token=abc`, sent);
    await sender.flush(5000);

    const [signed] = own.requests;
    const [unsigned] = foreign.requests;
    expect(verifyWebhookSignature(secret, signed!.body, signed!.headers, { now: signed!.receivedAt }).ok).toBe(true);
    expect(signed!.headers[SIGNATURE_SHA256_HEADER.toLowerCase()]).toBeDefined();
    expect(Object.keys(unsigned!.headers).filter((name) => name.includes("signature"))).toEqual([]);
    expect(unsigned!.headers["x-labelbackup-timestamp"]).toBeUndefined();
    expect(unsigned!.body).toBe(signed!.body);
    const delivered = logs.entries.filter((entry) => entry.msg === "webhook delivered").map((entry) => entry.fields);
    expect(delivered).toContainEqual(expect.objectContaining({ target: own.origin, signed: true }));
    expect(delivered).toContainEqual(expect.objectContaining({ target: foreign.origin, signed: false }));
  });

  it("signs nothing when the signed origins are empty", async () => {
    const hook = await receiver(ok);
    const { notifier: sender } = notifier({ signedOrigins: [] });
    sender.notify(`${hook.origin}/hook`, payload());
    await sender.flush(5000);
    expect(Object.keys(hook.requests[0]!.headers).filter((name) => name.includes("signature"))).toEqual([]);
  });

  it("retries a receiver that fails N times and then answers 200: N+1 attempts, same body", async () => {
    const failures = 2;
    const hook = await receiver((index) => ({ status: index < failures ? 503 : 200 }));
    const { notifier: sender, logs } = notifier({ maxRetries: 3 });

    sender.notify(hook.origin, payload());
    await sender.flush(5000);

    expect(hook.requests).toHaveLength(failures + 1);
    expect(new Set(hook.requests.map((request) => request.body)).size).toBe(1);
    for (const request of hook.requests) {
      expect(verifyWebhookSignature(secret, request.body, request.headers, { now: request.receivedAt }).ok).toBe(true);
    }
    expect(messages(logs, "warn")).toEqual(["webhook attempt failed", "webhook attempt failed"]);
    expect(messages(logs, "error")).toEqual([]);
    const failed = logs.entries.filter((entry) => entry.msg === "webhook attempt failed");
    expect(failed.map((entry) => [entry.fields.attempt, entry.fields.status])).toEqual([
      [1, 503],
      [2, 503],
    ]);
  });

  it("gives up after 1 + maxRetries attempts against a receiver that always answers 500", async () => {
    const hook = await receiver(() => ({ status: 500, body: "database locked" }));
    const { notifier: sender, logs } = notifier({ maxRetries: 2 });

    sender.notify(hook.origin, payload());
    await sender.flush(5000);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(hook.requests).toHaveLength(3);
    expect(messages(logs, "warn")).toHaveLength(2);
    const giveUp = logs.entries.filter((entry) => entry.level === "error");
    expect(giveUp).toHaveLength(1);
    expect(giveUp[0]).toMatchObject({
      msg: "webhook delivery failed; giving up",
      fields: { attempt: 3, maxAttempts: 3, status: 500, error: "HTTP 500: database locked" },
    });
  });

  it("times out an attempt on a hanging receiver after timeoutSeconds and retries", async () => {
    const hook = await receiver(() => "hang");
    const { notifier: sender, logs } = notifier({ timeoutSeconds: 1, maxRetries: 1 });

    const started = Date.now();
    sender.notify(hook.origin, payload());
    await sender.flush(10_000);
    const elapsed = Date.now() - started;

    expect(hook.requests).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(4000);
    const gap = hook.requests[1]!.receivedAt - hook.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(950);
    const errors = logs.entries.filter((entry) => entry.level !== "info").map((entry) => entry.fields.error);
    expect(errors).toEqual(["timed out after 1s", "timed out after 1s"]);
  });

  it("retries connection errors and says why", async () => {
    const origin = await closedPortOrigin();
    const { notifier: sender, logs } = notifier({ maxRetries: 2 });

    sender.notify(`${origin}/hook`, payload());
    await sender.flush(5000);

    expect(messages(logs, "warn")).toHaveLength(2);
    const [giveUp] = logs.entries.filter((entry) => entry.level === "error");
    expect(giveUp?.fields).toMatchObject({ attempt: 3, target: origin });
    expect(String(giveUp?.fields.error)).toContain("ECONNREFUSED");
  });

  it("does not follow redirects: a 3xx is a failed attempt", async () => {
    const hook = await receiver((_, request) =>
      request.url === "/moved" ? { status: 200 } : { status: 302, headers: { location: "/moved" } },
    );
    const { notifier: sender, logs } = notifier({ maxRetries: 0 });
    sender.notify(`${hook.origin}/hook`, payload());
    await sender.flush(5000);
    expect(hook.requests.map((request) => request.url)).toEqual(["/hook"]);
    expect(logs.entries.at(-1)).toMatchObject({ level: "error", fields: { status: 302 } });
  });

  it("returns from notify at once, and a hanging endpoint does not delay another", async () => {
    const slow = await receiver(() => "hang");
    const fast = await receiver(ok);
    const { notifier: sender } = notifier({ timeoutSeconds: 3, maxRetries: 0 });

    const started = Date.now();
    sender.notify(slow.origin, payload());
    sender.notify(`${slow.origin}/second`, payload());
    sender.notify(fast.origin, payload());
    expect(Date.now() - started).toBeLessThan(50);
    expect(sender.pending()).toBe(3);

    await fast.waitForRequests(1);
    expect(Date.now() - started).toBeLessThan(1000);
    await until(() => sender.pending() === 2);
    expect(Date.now() - started).toBeLessThan(1000);
    // Both notifications to the slow endpoint are in flight together, not queued behind each other.
    await slow.waitForRequests(2, 1000);
  });

  it("flush waits for the deliveries in flight, including retries", async () => {
    const hook = await receiver((index) => (index === 0 ? { status: 500 } : { status: 200, delayMs: 300 }));
    const { notifier: sender, logs } = notifier({ maxRetries: 1 });

    sender.notify(hook.origin, payload());
    const started = Date.now();
    await sender.flush(5000);

    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(sender.pending()).toBe(0);
    expect(hook.requests).toHaveLength(2);
    expect(messages(logs, "info")).toEqual(["webhook delivered"]);
  });

  it("flush gives up at its bound on an attempt in flight, and nothing is sent afterwards", async () => {
    const hook = await receiver(() => "hang");
    const { notifier: sender, logs } = notifier({ timeoutSeconds: 30, maxRetries: 5 });

    sender.notify(hook.origin, payload());
    await hook.waitForRequests(1);
    const started = Date.now();
    await sender.flush(300);
    const elapsed = Date.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
    expect(sender.pending()).toBe(0);
    expect(logs.entries).toContainEqual(
      expect.objectContaining({
        level: "warn",
        msg: "webhook flush timed out; abandoning pending deliveries",
        fields: expect.objectContaining({ abandoned: 1, targets: [hook.origin] }),
      }),
    );
    expect(messages(logs, "warn")).toContain("webhook delivery abandoned");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hook.requests).toHaveLength(1);
  });

  it("flush also cuts short a delivery waiting to retry", async () => {
    const hook = await receiver(() => ({ status: 500 }));
    const { notifier: sender } = notifier({ maxRetries: 3, backoffBaseMs: 20_000, backoffMaxMs: 20_000 });

    sender.notify(hook.origin, payload());
    await hook.waitForRequests(1);
    const started = Date.now();
    await sender.flush(200);

    expect(Date.now() - started).toBeLessThan(1000);
    expect(sender.pending()).toBe(0);
    expect(hook.requests).toHaveLength(1);
  });

  it("flush without a finite bound waits; with a NaN bound it does not", async () => {
    const hook = await receiver(() => ({ status: 200, delayMs: 200 }));
    const { notifier: sender } = notifier();

    sender.notify(hook.origin, payload());
    await sender.flush(Number.POSITIVE_INFINITY);
    expect(sender.pending()).toBe(0);
    expect(hook.requests).toHaveLength(1);

    sender.notify(hook.origin, payload());
    const started = Date.now();
    await sender.flush(Number.NaN);
    expect(Date.now() - started).toBeLessThan(150);
    expect(sender.pending()).toBe(0);
  });

  it("drops notifications beyond maxPending, with a warning", async () => {
    const hook = await receiver(() => "hang");
    const { notifier: sender, logs } = notifier({ maxPending: 1, timeoutSeconds: 5 });
    sender.notify(hook.origin, payload());
    sender.notify(hook.origin, payload());
    expect(sender.pending()).toBe(1);
    expect(messages(logs, "warn")).toEqual(["webhook not sent: too many deliveries pending"]);
  });

  it("never logs the URL's credentials, path or query, while the request still carries them", async () => {
    const tokens = ["hookuser", "pAssw0rdXYZ", "SeCrEtPaThToKeN", "QuErYtOkEn123"];
    const hook = await receiver(() => ({
      status: 500,
      body: "invalid token QuErYtOkEn123 for /hooks/SeCrEtPaThToKeN",
    }));
    const refused = await closedPortOrigin();
    const { notifier: sender, logs } = notifier({ maxRetries: 1 });
    const withTokens = (origin: string) =>
      `${origin.replace("http://", "http://hookuser:pAssw0rdXYZ@")}/hooks/SeCrEtPaThToKeN?token=QuErYtOkEn123`;

    sender.notify(withTokens(hook.origin), payload());
    sender.notify(withTokens(refused), payload());
    sender.notify("http://[::1/hooks/SeCrEtPaThToKeN?token=QuErYtOkEn123", payload());
    sender.notify("ftp://hookuser:pAssw0rdXYZ@files.example/SeCrEtPaThToKeN?token=QuErYtOkEn123", payload());
    await sender.flush(5000);

    // The receiver got the token-bearing URL and the credentials.
    expect(hook.requests[0]?.url).toBe("/hooks/SeCrEtPaThToKeN?token=QuErYtOkEn123");
    expect(hook.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from("hookuser:pAssw0rdXYZ").toString("base64")}`,
    );
    // The logs say what happened and where, without any of it.
    const text = logs.text();
    expect(logs.entries.length).toBeGreaterThanOrEqual(6);
    expect(text).toContain(hook.origin);
    expect(text).toContain(refused);
    expect(text).toContain("ECONNREFUSED");
    expect(text).toContain("invalid token");
    expect(messages(logs, "error").filter((msg) => msg === "webhook not sent")).toHaveLength(2);
    for (const token of tokens) expect(text).not.toContain(token);
  });

  it("rejects invalid options, naming the environment variable", () => {
    const make = (options: Partial<WebhookNotifierOptions>) => () =>
      createWebhookNotifier({ timeoutSeconds: 10, maxRetries: 3, ...options });
    expect(make({ timeoutSeconds: 0 })).toThrow(/WEBHOOK_TIMEOUT_SECONDS/);
    expect(make({ timeoutSeconds: Number.NaN })).toThrow(ConfigError);
    // Beyond Node's timer range the timeout would fire after 1 ms.
    expect(make({ timeoutSeconds: 3_000_000 })).toThrow(/WEBHOOK_TIMEOUT_SECONDS/);
    expect(make({ backoffMaxMs: 2 ** 31 })).toThrow(/backoffMaxMs/);
    expect(make({ maxRetries: -1 })).toThrow(/WEBHOOK_MAX_RETRIES/);
    expect(make({ maxRetries: 1.5 })).toThrow(ConfigError);
    expect(make({ maxPending: 0 })).toThrow(ConfigError);
    expect(make({ signedOrigins: ["https://hooks.example.com/path"] })).toThrow(/signedOrigins: entry 1 /);
    expect(make({ signedOrigins: ["https://ok.example.com", "https://u:pw@x.example.com"] })).toThrow(/entry 2 /);
    expect(make({ signedOrigins: ["https://hooks.example.com", "http://127.0.0.1:8080/"] })).not.toThrow();
    expect(make({})).not.toThrow();
  });
});
