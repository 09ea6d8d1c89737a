import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgresServer, startWebhookReceiver } from "../src/index.js";
import { testEngine } from "../src/vitest/index.js";

describe("test engine", () => {
  it("answers and runs containers without a bridge network", async () => {
    const { docker } = testEngine();
    const info = await docker.info();
    expect(info.ServerVersion).toMatch(/^\d+\./);
  });
});

describe("PostgreSQL server", () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await startPostgresServer(testEngine().docker, { labels: { "backup.enabled": "true" } });
  });
  afterAll(async () => {
    await server?.container.remove();
  });

  it("initialises the user, password and database from the official image's variables", async () => {
    expect(await server.sql("select current_user || '@' || current_database()")).toBe("app@appdb");
    // The password works over TCP, where scram authentication applies.
    const viaTcp = await server.container.exec(
      ["psql", "-At", "-h", "127.0.0.1", "-p", String(server.port), "-U", "app", "-d", "appdb", "-c", "select 42"],
      { env: [`PGPASSWORD=${server.password}`] },
    );
    expect(viaTcp.stdout.trim()).toBe("42");
    const wrong = await server.container.exec(
      ["psql", "-At", "-h", "127.0.0.1", "-p", String(server.port), "-U", "app", "-d", "appdb", "-c", "select 42"],
      { env: ["PGPASSWORD=wrong"] },
    );
    expect(wrong.exitCode).not.toBe(0);
  });

  it("carries the labels it was given", async () => {
    const inspected = await testEngine().docker.getContainer(server.container.id).inspect();
    expect(inspected.Config.Labels["backup.enabled"]).toBe("true");
    expect(inspected.HostConfig.NetworkMode).toBe("host");
  });
});

describe("webhook receiver", () => {
  it("records requests and answers with the responder's status", async () => {
    const receiver = await startWebhookReceiver((_req, index, res) => res.writeHead(index === 0 ? 500 : 204).end());
    try {
      const post = (body: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request(receiver.url, { method: "POST" }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on("error", reject);
          req.end(body);
        });
      expect(await post("one")).toBe(500);
      expect(await post("two")).toBe(204);
      const got = await receiver.waitForRequests(2);
      expect(got.map((r) => r.body)).toEqual(["one", "two"]);
    } finally {
      await receiver.close();
    }
  });
});
