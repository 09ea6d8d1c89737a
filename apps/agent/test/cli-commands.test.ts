import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PostgresServer, startPostgresServer } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

async function files(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

describe("label-backup backup, list, verify, restore and gc", () => {
  let source: PostgresServer;
  let copy: PostgresServer;
  let broken: PostgresServer;
  let backups: string;
  let env: Record<string, string>;
  const checksum = "select count(*) || ':' || md5(string_agg(id || note, ',' order by id)) from notes";

  beforeAll(async () => {
    const { docker, dockerHost } = testEngine();
    backups = await mkdtemp(join(tmpdir(), "lb-cli-"));
    env = { DOCKER_HOST: dockerHost, LOCAL_BACKUP_PATH: backups };
    const labels = (prefix: string, database: string) => ({
      "backup.enabled": "true",
      "backup.type": "postgres",
      "backup.cron": "0 0 1 1 *",
      "backup.database": database,
      "backup.prefix": prefix,
      "backup.retention": "7d",
    });
    [source, copy, broken] = await Promise.all([
      startPostgresServer(docker, { name: `lb-cli-source-${process.pid}`, labels: labels("cli", "appdb") }),
      startPostgresServer(docker, { name: `lb-cli-copy-${process.pid}` }),
      startPostgresServer(docker, { name: `lb-cli-broken-${process.pid}`, labels: labels("broken", "nosuchdb") }),
    ]);
    await source.sql(
      "create table notes (id int primary key, note text); insert into notes select g, md5(g::text) from generate_series(1, 3000) g;",
    );
  });
  afterAll(async () => {
    await Promise.all([source?.container.remove(), copy?.container.remove(), broken?.container.remove()]);
  });

  it("backs up now and prints where the backup went", async () => {
    // The second backup compresses on two threads: still one gzip file, read whole below.
    for (const threads of ["1", "2"]) {
      const result = await runCli(["backup", source.container.name], { ...env, COMPRESSION_THREADS: threads });
      expect(result.stderr).not.toContain(source.password);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(join(backups, "cli/postgres-appdb-"));
      expect(result.stdout).toMatch(/sha256 [0-9a-f]{64}/);
    }
    expect((await files(backups)).filter((f) => f.endsWith(".sql.gz"))).toHaveLength(2);
  });

  it("fails a backup whose database does not exist and leaves nothing", async () => {
    const result = await runCli(["backup", broken.container.name], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/pg_dump exited with code 1.*nosuchdb/);
    expect((await files(backups)).some((f) => f.startsWith("broken/"))).toBe(false);
  });

  it("lists the target's backups", async () => {
    const result = await runCli(["list", source.container.name, "--json"], env);
    expect(result.code).toBe(0);
    const { artifacts } = JSON.parse(result.stdout) as { artifacts: Array<{ key: string; target: string }> };
    expect(artifacts).toHaveLength(2);
    expect(artifacts.every((a) => a.target === source.container.name && a.key.startsWith("cli/"))).toBe(true);
  });

  it("verifies every backup and catches a corrupted one", async () => {
    const ok = await runCli(["verify"], env);
    expect(ok.stdout).toContain("2 checked, 0 failed");
    expect(ok.code).toBe(0);

    const [older] = (await files(backups)).filter((f) => f.endsWith(".sql.gz"));
    const path = join(backups, older!);
    const bytes = await readFile(path);
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length / 2)]! ^= 0xff;
    await writeFile(path, flipped);
    const bad = await runCli(["verify", older!], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAILED .*sha256/);
    await writeFile(path, bytes);
  });

  it("restores into another container, refuses to overwrite, and overwrites with --force", async () => {
    const first = await runCli(["restore", source.container.name, "--into", copy.container.name], env);
    expect(first.stderr).not.toContain("failed");
    expect(first.code).toBe(0);
    expect(await copy.sql(checksum, "appdb")).toBe(await source.sql(checksum));

    const refused = await runCli(["restore", source.container.name, "--into", copy.container.name], env);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain("--force");

    await copy.sql("delete from notes where id > 10", "appdb");
    const forced = await runCli(["restore", source.container.name, "--into", copy.container.name, "--force"], env);
    expect(forced.code).toBe(0);
    expect(await copy.sql(checksum, "appdb")).toBe(await source.sql(checksum));
  });

  it("prunes by retention: dry run deletes nothing, the newest survives, foreign files stay", async () => {
    // Age the older backup by rewriting its manifest: a clock offset without waiting.
    const manifests = (await files(backups)).filter((f) => f.endsWith(".manifest.json"));
    const older = join(backups, manifests[0]!);
    const manifest = JSON.parse(await readFile(older, "utf8"));
    manifest.startedAt = new Date(Date.now() - 30 * 86400_000).toISOString();
    await writeFile(older, JSON.stringify(manifest));
    await writeFile(join(backups, "cli", "someone-elses.sql.gz"), "not ours");
    const before = await files(backups);

    const dry = await runCli(["gc", "--dry-run"], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would delete cli\/postgres-appdb-.*older than 7d/);
    expect(await files(backups)).toEqual(before);

    const real = await runCli(["gc"], env);
    expect(real.code).toBe(0);
    const after = await files(backups);
    expect(after).toContain("cli/someone-elses.sql.gz");
    expect(after.filter((f) => f.endsWith(".sql.gz") && f.includes("postgres-appdb"))).toHaveLength(1);
    expect(after).not.toContain(manifests[0]);
  });
});
