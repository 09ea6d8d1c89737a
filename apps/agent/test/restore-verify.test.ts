import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type PostgresServer, startPostgresServer } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

// Restore checks the artifact against its manifest before anything reaches the database.
describe("label-backup restore verifies the artifact first", () => {
  let server: PostgresServer;
  let backups: string;
  let env: Record<string, string>;
  let artifactKey: string;
  let artifactPath: string;
  let original: Buffer;
  let manifest: { sha256: string; storedBytes: number };
  const rowsOfT = () => server.sql("select count(*) from t");
  const tableExists = async () => (await server.sql("select to_regclass('public.t') is not null")) === "t";

  beforeAll(async () => {
    const { docker, dockerHost } = testEngine();
    backups = await mkdtemp(join(tmpdir(), "lb-restore-verify-"));
    env = { DOCKER_HOST: dockerHost, LOCAL_BACKUP_PATH: backups };
    server = await startPostgresServer(docker, {
      name: `lb-restore-verify-${process.pid}`,
      labels: {
        "backup.enabled": "true",
        "backup.type": "postgres",
        // Never due: only the `backup` command below writes backups of it.
        "backup.cron": "0 0 1 1 *",
        "backup.database": "appdb",
        "backup.prefix": "rv",
      },
    });
    await server.sql("create table t (id int primary key); insert into t select generate_series(1, 100);");
    const backup = await runCli(["backup", server.container.name], env);
    expect(backup.code, backup.stderr).toBe(0);
    const [name] = (await readdir(join(backups, "rv"))).filter((f) => f.endsWith(".sql.gz"));
    artifactKey = `rv/${name}`;
    artifactPath = join(backups, artifactKey);
    original = await readFile(artifactPath);
    manifest = JSON.parse(await readFile(`${artifactPath}.manifest.json`, "utf8"));
  });
  afterAll(async () => {
    await server?.container.remove();
  });

  it("refuses an artifact replaced by another valid gzip, naming the sha256 mismatch, and leaves the table", async () => {
    const hostile = gzipSync("drop table t;\n");
    await writeFile(artifactPath, hostile);
    const result = await runCli(["restore", server.container.name, "--force"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`refusing to restore ${artifactKey}`);
    expect(result.stderr).toContain("sha256 mismatch");
    expect(result.stderr).toContain(manifest.sha256);
    expect(result.stderr).toContain(`expected ${manifest.storedBytes} bytes`);
    expect(result.stderr).toContain(`found    ${hostile.length} bytes`);
    expect(result.stderr).not.toContain(`restoring ${artifactKey}`);
    expect(await tableExists()).toBe(true);
    expect(await rowsOfT()).toBe("100");
  });

  it("refuses a truncated artifact", async () => {
    await writeFile(artifactPath, original.subarray(0, Math.floor(original.length / 2)));
    const result = await runCli(["restore", server.container.name, "--artifact", artifactKey, "--force"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`refusing to restore ${artifactKey}`);
    expect(result.stderr).toMatch(/size mismatch: manifest says \d+ bytes, found \d+/);
    expect(await rowsOfT()).toBe("100");
  });

  it("restores the intact artifact", async () => {
    await writeFile(artifactPath, original);
    await server.sql("delete from t where id > 10");
    const result = await runCli(["restore", server.container.name, "--force"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("warning");
    expect(await rowsOfT()).toBe("100");
  });

  it("with --no-verify warns that the artifact was not checked, and loads it", async () => {
    await writeFile(artifactPath, gzipSync("drop table t;\n"));
    const result = await runCli(["restore", server.container.name, "--force", "--no-verify"], env);
    expect(result.stderr).toContain(`warning: --no-verify: ${artifactKey} was not checked against its manifest`);
    expect(result.stderr).not.toContain("mismatch");
    // The hostile dump reached the database: what the check above prevents.
    expect(await tableExists()).toBe(false);
  });
});
