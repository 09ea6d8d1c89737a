import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import {
  databaseImage,
  type MariadbServer,
  type MongoServer,
  type RedisServer,
  runContainer,
  startMariadbServer,
  startMongoServer,
  startRedisServer,
  type TestContainer,
} from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "./agent-process.js";
import { runCli } from "./run-cli.js";

const tag = process.pid;
const scheduled = (type: string, extra: Record<string, string>) => ({
  "backup.enabled": "true",
  "backup.type": type,
  "backup.cron": "*/3 * * * * *",
  "backup.prefix": `engines/${type}`,
  ...extra,
});
const MARIADB_CHECKSUM = "select count(*), md5(group_concat(id, name, amount order by id separator ',')) from sales";
const FILES = ["sh", "-c", "cd /data && find . -type f | sort | xargs sha256sum"];

describe("every engine, end to end through the agent: scheduled backup, then restore", () => {
  let env: Record<string, string>;
  let agent: AgentProcess;
  let mariadb: MariadbServer;
  let redis: RedisServer;
  let mongo: MongoServer;
  let volume: TestContainer;
  // Labelled containers without a server: their dumps run in client mode, beside the agent.
  // No MongoDB tools exist anywhere here: MongoDB is dumped and restored by the native client.
  let redisClient: TestContainer;
  let mongoClient: TestContainer;
  const cleanup: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    const { docker, dockerHost } = testEngine();
    env = {
      DOCKER_HOST: dockerHost,
      LOCAL_BACKUP_PATH: await mkdtemp(join(tmpdir(), "lb-engines-")),
    };
    [mariadb, redis, mongo] = await Promise.all([
      startMariadbServer(docker, {
        name: `lb-e2e-maria-${tag}`,
        labels: scheduled("mysql", { "backup.database": "appdb" }),
      }),
      // On the host network the servers listen on free ports, so backup.conn says where;
      // the credentials still come from each container's environment.
      startRedisServer(docker, {
        name: `lb-e2e-redis-${tag}`,
        labels: ({ port }) => scheduled("redis", { "backup.conn": `redis://127.0.0.1:${port}/0` }),
      }),
      startMongoServer(docker, {
        name: `lb-e2e-mongo-${tag}`,
        labels: ({ port }) => scheduled("mongodb", { "backup.conn": `mongodb://127.0.0.1:${port}/appdb` }),
      }),
    ]);
    volume = await runContainer(docker, {
      image: await databaseImage(docker, "postgres"),
      name: `lb-e2e-volume-${tag}`,
      cmd: ["sh", "-c", "mkdir -p /data/sub && exec sleep infinity"],
      labels: scheduled("volume", { "backup.path": "/data" }),
    });
    const sidecar = async (name: string, labels: Record<string, string>, containerEnv: Record<string, string>) =>
      runContainer(docker, {
        image: await databaseImage(docker, "postgres"),
        name,
        cmd: ["sleep", "infinity"],
        env: containerEnv,
        labels: { ...labels, "backup.mode": "client" },
      });
    redisClient = await sidecar(
      `lb-e2e-redis-client-${tag}`,
      scheduled("redis", { "backup.conn": `redis://127.0.0.1:${redis.port}/0` }),
      { REDIS_PASSWORD: redis.password ?? "" },
    );
    mongoClient = await sidecar(
      `lb-e2e-mongo-client-${tag}`,
      scheduled("mongodb", { "backup.conn": `mongodb://127.0.0.1:${mongo.port}/appdb` }),
      { MONGO_INITDB_ROOT_USERNAME: mongo.user, MONGO_INITDB_ROOT_PASSWORD: mongo.password },
    );
    cleanup.push(
      () => mariadb.container.remove(),
      () => redis.container.remove(),
      () => mongo.container.remove(),
      () => volume.remove(),
      () => redisClient.remove(),
      () => mongoClient.remove(),
    );
    await mariadb.appSql(
      "create table sales (id int primary key, name varchar(64), amount decimal(10,2)); " +
        "insert into sales select seq, concat('sale ', seq), seq * 1.5 from seq_1_to_2000;",
    );
    await redis.seedSample();
    await mongo.seedSample("appdb");
    await volume.exec(["sh", "-c", "echo hello > /data/a.txt && head -c 100000 /dev/urandom > /data/sub/b.bin"]);
    agent = startAgentProcess(env);
  });
  afterAll(async () => {
    await agent?.stop();
    await Promise.all(cleanup.map((remove) => remove()));
  });

  it("backs up each engine on its schedule", { timeout: 180_000 }, async () => {
    const containers = [mariadb.container, redis.container, mongo.container, volume, redisClient, mongoClient];
    for (const { name: container } of containers) {
      await agent
        .waitForLine((l) => l.event === "backup.succeeded" && l.container === container, 120_000)
        .catch(() => {
          const failures = agent.lines.filter((l) => l.event === "backup.failed" && l.container === container);
          throw new Error(`${container} was not backed up: ${JSON.stringify(failures.slice(-1))}`);
        });
    }
    const code = await agent.stop();
    expect(code).toBe(0);
    expect(agent.lines.filter((l) => l.event === "backup.failed")).toEqual([]);
  });

  it("restores MariaDB into a fresh server", async () => {
    const fresh = await startMariadbServer(testEngine().docker, { name: `lb-e2e-maria-copy-${tag}` });
    cleanup.push(() => fresh.container.remove());
    const result = await runCli(["restore", mariadb.container.name, "--into", fresh.container.name], env);
    expect(result.stderr).not.toMatch(/failed/);
    expect(result.code).toBe(0);
    expect(await fresh.sql(MARIADB_CHECKSUM, "appdb")).toBe(await mariadb.sql(MARIADB_CHECKSUM, "appdb"));
  });

  it("restores Redis into a fresh server, from the backup made in client mode", async () => {
    // Labelled too (never due), so the restore knows the port it listens on.
    const fresh = await startRedisServer(testEngine().docker, {
      name: `lb-e2e-redis-copy-${tag}`,
      labels: ({ port }) => ({
        ...scheduled("redis", { "backup.conn": `redis://127.0.0.1:${port}/0` }),
        "backup.cron": "0 0 1 1 *",
      }),
    });
    cleanup.push(() => fresh.container.remove());
    const result = await runCli(["restore", redisClient.name, "--into", fresh.container.name], env);
    const key = /^restoring (\S+) into /m.exec(result.stderr)?.[1];
    expect(result.stderr).toBe(`checking ${key} against its manifest\nrestoring ${key} into ${fresh.container.name}\n`);
    expect(result.code).toBe(0);
    expect(await fresh.fingerprint()).toBe(await redis.fingerprint());
  });

  it("restores MongoDB into a fresh server, from the backup made in client mode", async () => {
    const fresh = await startMongoServer(testEngine().docker, {
      name: `lb-e2e-mongo-copy-${tag}`,
      labels: ({ port }) => ({
        ...scheduled("mongodb", { "backup.conn": `mongodb://127.0.0.1:${port}/appdb` }),
        "backup.cron": "0 0 1 1 *",
      }),
    });
    cleanup.push(() => fresh.container.remove());
    const result = await runCli(["restore", mongoClient.name, "--into", fresh.container.name], env);
    expect(result.stderr).not.toContain("failed");
    expect(result.code).toBe(0);
    expect(await fresh.fingerprint("appdb")).toBe(await mongo.fingerprint("appdb"));
  });

  it("backs up MongoDB without any MongoDB tools, and restore --force brings back documents and indexes", async () => {
    const expected = await mongo.fingerprint("appdb");
    const backup = await runCli(["backup", mongoClient.name], env);
    expect(backup.stderr).not.toMatch(/failed/i);
    expect(backup.code).toBe(0);
    const listed = JSON.parse((await runCli(["list", mongoClient.name, "--json"], env)).stdout) as {
      artifacts: Array<{ key: string }>;
    };
    const newest =
      listed.artifacts
        .map((entry) => entry.key)
        .sort()
        .at(-1) ?? "";
    expect(newest).toMatch(/^engines\/mongodb\/mongodb-appdb-.*\.archive\.gz$/);
    const gzipped = await readFile(join(env.LOCAL_BACKUP_PATH!, newest));
    expect(gunzipSync(gzipped).readUInt32LE(0)).toBe(0x8199e26d);

    // Lose documents and an index, then restore over them.
    await mongo.withClient(async (client) => {
      await client
        .db("appdb")
        .collection("orders")
        .deleteMany({ customer: { $lt: 100 } });
      await client.db("appdb").collection("customers").dropIndex("name_unique");
    });
    expect(await mongo.fingerprint("appdb")).not.toBe(expected);
    const refused = await runCli(["restore", mongoClient.name, "--artifact", newest], env);
    expect(refused.code).toBe(4);
    const restored = await runCli(["restore", mongoClient.name, "--artifact", newest, "--force"], env);
    expect(restored.stderr).not.toMatch(/failed/i);
    expect(restored.code).toBe(0);
    expect(await mongo.fingerprint("appdb")).toBe(expected);
  });

  it("restores a volume into a fresh container", async () => {
    const { docker } = testEngine();
    const fresh = await runContainer(docker, {
      image: await databaseImage(docker, "postgres"),
      name: `lb-e2e-volume-copy-${tag}`,
      cmd: ["sh", "-c", "mkdir -p /data && exec sleep infinity"],
    });
    cleanup.push(() => fresh.remove());
    const result = await runCli(["restore", volume.name, "--into", fresh.name], env);
    expect(result.code).toBe(0);
    expect((await fresh.exec(FILES)).stdout).toBe((await volume.exec(FILES)).stdout);
    expect((await fresh.exec(FILES)).stdout).toContain("sub/b.bin");
  });
});
