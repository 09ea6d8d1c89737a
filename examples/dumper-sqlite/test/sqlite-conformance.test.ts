import { randomBytes } from "node:crypto";
import type { BackupSpec } from "@lb/core";
import { createDockerRuntime } from "@lb/discovery";
import { backupSpecFor, databaseImage, runContainer } from "@lb/testing";
import { dumperConformanceSuite, type ServerUnderTest } from "@lb/testing/conformance";
import { testEngine } from "@lb/testing/vitest";
import { sqliteDumper } from "../src/index.js";

const FILE = "/data/app.db";
const SEED = `
  create table books (id integer primary key, title text not null, price real, cover blob);
  with recursive n(i) as (select 1 union all select i + 1 from n where i < 5000)
    insert into books select i, 'book ' || i || ' ''quoted''', i * 0.5, randomblob(16) from n;`;
const FINGERPRINT = "select count(*) || ':' || sum(price) || ':' || hex(max(cover)) from books;";

dumperConformanceSuite("sqlite (example plugin)", async () => {
  const { docker } = testEngine();
  const image = await databaseImage(docker, "postgres");
  return {
    dumper: sqliteDumper(),
    runtime: createDockerRuntime(docker),
    async startServer(): Promise<ServerUnderTest> {
      const container = await runContainer(docker, {
        image,
        name: `lb-sqlite-${randomBytes(4).toString("hex")}`,
        cmd: ["sh", "-c", "mkdir -p /data && exec sleep infinity"],
      });
      const sqlite = async (sql: string) => {
        const result = await container.exec(["sqlite3", "-bail", FILE], { stdin: sql });
        if (result.exitCode !== 0) throw new Error(result.stderr);
        return result.stdout.trim();
      };
      const spec = (overrides: Partial<BackupSpec> = {}): BackupSpec =>
        backupSpecFor(container, { engine: "sqlite", database: FILE, ...overrides });
      return {
        containerId: container.id,
        spec,
        seed: async () => void (await sqlite(SEED)),
        fingerprint: () => sqlite(FINGERPRINT),
        badCredentials: () => undefined, // a file has no login
        missingDatabase: () => ({ database: "/data/missing.db" }),
        stopServer: async () => {
          await docker.getContainer(container.id).stop({ t: 1 });
        },
        remove: () => container.remove(),
      };
    },
  };
});
