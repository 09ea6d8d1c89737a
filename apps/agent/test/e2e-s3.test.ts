import { freePort, type MinioServer, type PostgresServer, startMinioServer, startPostgresServer } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "./agent-process.js";
import { runCli } from "./run-cli.js";

const checksum = "select count(*) || ':' || md5(string_agg(id || payload, ',' order by id)) from events";

describe("backups to S3 (MinIO), end to end through the agent", () => {
  let minio: MinioServer;
  let source: PostgresServer;
  let copy: PostgresServer;
  let agent: AgentProcess;
  let env: Record<string, string>;
  let bucket: string;
  let port: number;

  beforeAll(async () => {
    const { docker, dockerHost } = testEngine();
    minio = await startMinioServer();
    bucket = `lb-e2e-${process.pid}`;
    port = await freePort();
    [source, copy] = await Promise.all([
      startPostgresServer(docker, {
        name: `lb-s3-source-${process.pid}`,
        labels: {
          "backup.enabled": "true",
          "backup.type": "postgres",
          "backup.cron": "*/3 * * * * *",
          "backup.database": "appdb",
          "backup.dest": "remote",
          "backup.prefix": "customer_xyz/daily_backups",
        },
      }),
      startPostgresServer(docker, { name: `lb-s3-copy-${process.pid}` }),
    ]);
    await source.sql(
      "create table events (id int primary key, payload text); insert into events select g, md5(g::text) from generate_series(1, 5000) g;",
    );
    env = {
      DOCKER_HOST: dockerHost,
      LOCAL_BACKUP_PATH: "/nonexistent-local-path-is-not-used",
      BUCKET_NAME: bucket,
      ENDPOINT: minio.endpoint,
      ACCESS_KEY_ID: minio.root.accessKeyId,
      SECRET_ACCESS_KEY: minio.root.secretAccessKey,
    };
    agent = startAgentProcess({ ...env, HTTP_PORT: String(port) });
  });
  afterAll(async () => {
    await agent?.stop();
    await Promise.all([source?.container.remove(), copy?.container.remove()]);
    await minio?.stop();
  });

  it("creates the bucket and stores the backup with its manifest", async () => {
    const done = await agent.waitForLine((l) => l.event === "backup.succeeded", 90_000);
    const code = await agent.stop();
    expect(code).toBe(0);
    expect(String(done.key)).toMatch(/^customer_xyz\/daily_backups\/postgres-appdb-.*\.sql\.gz$/);
    const keys = await minio.listKeys(bucket, "customer_xyz/");
    expect(keys).toContain(done.key);
    expect(keys).toContain(`${done.key}.manifest.json`);
    expect(await minio.listUploads(bucket)).toEqual([]);
    expect(agent.stdout()).not.toContain(minio.root.secretAccessKey);
  });

  it("lists and verifies what is in the bucket", async () => {
    const listed = await runCli(["list", source.container.name, "--json"], env);
    expect(listed.code).toBe(0);
    const { artifacts } = JSON.parse(listed.stdout) as { artifacts: Array<{ destination: string }> };
    expect(artifacts.length).toBeGreaterThan(0);
    expect(artifacts.every((a) => a.destination === "s3")).toBe(true);
    const verified = await runCli(["verify"], env);
    expect(verified.stdout).toMatch(/\d+ checked, 0 failed/);
    expect(verified.code).toBe(0);
  });

  it("restores from the bucket into another server", async () => {
    const result = await runCli(["restore", source.container.name, "--into", copy.container.name], env);
    expect(result.code).toBe(0);
    expect(await copy.sql(checksum, "appdb")).toBe(await source.sql(checksum));
  });

  it("prunes in the bucket and never removes the newest backup", async () => {
    const result = await runCli(["gc"], { ...env, GLOBAL_RETENTION_PERIOD: "1s" });
    expect(result.code).toBe(0);
    const left = (await minio.listKeys(bucket, "customer_xyz/")).filter((k) => k.endsWith(".sql.gz"));
    expect(left).toHaveLength(1);
  });
});
