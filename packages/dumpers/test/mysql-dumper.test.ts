import { Readable } from "node:stream";
import type { BackupSpec, ContainerInfo, ContainerRuntime } from "@lb/core";
import { DumpError, RestoreError, silentLogger } from "@lb/core";
import { createDockerRuntime } from "@lb/discovery";
import { drainDumpText, type MariadbServer, recordingRuntime, startMariadbServer } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mysqlDumper } from "../src/index.js";
import { mysqlSpec } from "./server-specs.js";

const ITEMS_SUM = "SELECT CONCAT(COUNT(*), ':', MD5(GROUP_CONCAT(id, name ORDER BY id))) FROM items";

describe("mysqlDumper", () => {
  let server: MariadbServer;
  let container: ContainerInfo;
  const runtime = () => createDockerRuntime(testEngine().docker);
  const context = (spec: BackupSpec, over: { runtime?: ContainerRuntime; container?: ContainerInfo } = {}) => ({
    spec,
    container: over.container ?? container,
    runtime: over.runtime ?? runtime(),
    signal: new AbortController().signal,
    logger: silentLogger,
  });

  beforeAll(async () => {
    server = await startMariadbServer(testEngine().docker);
    await server.appSql(
      "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(50)); INSERT INTO items SELECT seq, CONCAT('item ', seq) FROM seq_1_to_500;",
    );
    await server.sql(
      "CREATE DATABASE reports; CREATE TABLE reports.totals (n INT); INSERT INTO reports.totals VALUES (42);",
    );
    container = await runtime().inspect(server.container.id);
  });
  afterAll(async () => {
    await server?.container.remove();
  });

  it("dumps the app database with the container's own credentials, without naming the database", async () => {
    const dump = await mysqlDumper().dump(context(mysqlSpec(server)));
    const [sql, result] = await Promise.all([drainDumpText(dump), dump.completed]);
    expect(dump.extension).toBe("sql");
    expect(sql).toContain("CREATE TABLE `items`");
    expect(sql).toContain("'item 500'");
    expect(sql).not.toMatch(/^CREATE DATABASE|^USE /m);
    expect(sql).toMatch(/-- Dump completed on .*\n$/);
    expect(result.serverVersion).toMatch(/^10\.\d+\.\d+-MariaDB/);
    expect(result.toolVersion).toMatch(/^mariadb-dump \d+\.\d+\.\d+-MariaDB$/);
  });

  it("dumps another database as root with the root password", async () => {
    const dump = await mysqlDumper().dump(context(mysqlSpec(server, { database: "reports" })));
    const [sql] = await Promise.all([drainDumpText(dump), dump.completed]);
    expect(sql).toContain("INSERT INTO `totals` VALUES\n(42)");
  });

  it("uses backup.conn over TCP, and no command line anywhere holds the password", async () => {
    const { runtime: recording, calls } = recordingRuntime(createDockerRuntime(testEngine().docker));
    const conn = `mysql://${server.user}:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/${server.database}`;
    const dump = await mysqlDumper().dump(context(mysqlSpec(server, { conn, database: "" }), { runtime: recording }));
    const [sql] = await Promise.all([drainDumpText(dump), dump.completed]);
    expect(sql).toContain("-- Host: 127.0.0.1");
    expect(sql).toContain("'item 42'");
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) expect(call.cmd.join(" ")).not.toContain(server.password);
    expect(calls.at(-1)?.env?.MYSQL_PWD).toBe(server.password);
  });

  it("dumps in client mode with the client beside the agent, nothing run in the container", async () => {
    const { runtime: recording, calls } = recordingRuntime(createDockerRuntime(testEngine().docker));
    const conn = `mysql://${server.user}:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/${server.database}`;
    const dump = await mysqlDumper().dump(
      context(mysqlSpec(server, { conn, database: "", mode: "client" }), { runtime: recording }),
    );
    const [sql, result] = await Promise.all([drainDumpText(dump), dump.completed]);
    expect(sql).toContain("'item 42'");
    expect(result.serverVersion).toMatch(/MariaDB/);
    expect(calls).toEqual([]);
  });

  it("reads a *_FILE password inside the container", async () => {
    await server.container.exec([
      "sh",
      "-c",
      'umask 077 && printf "%s\\n" "$0" > /tmp/root-password',
      server.rootPassword,
    ]);
    const fromFile = { ...container, env: { MARIADB_ROOT_PASSWORD_FILE: "/tmp/root-password" } };
    const dump = await mysqlDumper().dump(context(mysqlSpec(server, { database: "reports" }), { container: fromFile }));
    const [sql] = await Promise.all([drainDumpText(dump), dump.completed]);
    expect(sql).toContain("(42)");
  });

  it("fails with the tool's message, the password masked, when the password is wrong", async () => {
    const conn = `mysql://${server.user}:not-the-password@127.0.0.1:${server.port}/${server.database}`;
    const dump = await mysqlDumper().dump(context(mysqlSpec(server, { conn })));
    const [, outcome] = await Promise.allSettled([drainDumpText(dump), dump.completed]);
    expect(outcome.status).toBe("rejected");
    const error = (outcome as PromiseRejectedResult).reason;
    expect(DumpError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/mariadb-dump exited with code 2: .*Access denied for user 'app'/);
    expect(error.message).not.toContain("not-the-password");
  });

  it("fails, naming it, when the database does not exist", async () => {
    const dump = await mysqlDumper().dump(context(mysqlSpec(server, { database: "missing_db" })));
    const [, outcome] = await Promise.allSettled([drainDumpText(dump), dump.completed]);
    expect(outcome.status).toBe("rejected");
    expect(String((outcome as PromiseRejectedResult).reason.message)).toMatch(/Unknown database 'missing_db'/);
  });

  it("falls back to mysqldump when the container has no mariadb-dump", async () => {
    await server.container.exec(["mv", "/usr/bin/mariadb-dump", "/usr/local/bin/mysqldump"]);
    try {
      const dump = await mysqlDumper().dump(context(mysqlSpec(server)));
      const [sql, result] = await Promise.all([drainDumpText(dump), dump.completed]);
      expect(sql).toContain("'item 7'");
      expect(result.toolVersion).toMatch(/^mysqldump /);
    } finally {
      await server.container.exec(["mv", "/usr/local/bin/mysqldump", "/usr/bin/mariadb-dump"]);
    }
  });

  it("restores into a database of another name, refuses a non-empty one, and replaces it with force", async () => {
    const dump = await mysqlDumper().dump(context(mysqlSpec(server)));
    const [sql] = await Promise.all([drainDumpText(dump), dump.completed]);
    const restoreInto = (database: string, force: boolean, source = sql) =>
      mysqlDumper().restore({
        ...context(mysqlSpec(server, { database })),
        source: Readable.from([Buffer.from(source)]),
        force,
      });

    // A missing database is created (as root: "copy" is not the app user's database).
    await restoreInto("copy", false);
    expect(await server.sql(ITEMS_SUM, "copy")).toBe(await server.sql(ITEMS_SUM));
    await expect(restoreInto("copy", false)).rejects.toThrow(
      /database copy in .* already holds 1 tables; restore with --force/,
    );

    // Forced: dropped and created again with its own defaults; what the dump lacks is gone.
    await server.sql(
      "ALTER DATABASE copy CHARACTER SET latin1 COLLATE latin1_swedish_ci; CREATE TABLE copy.extra (n INT);",
    );
    await server.sql("DELETE FROM copy.items WHERE id > 10");
    await restoreInto("copy", true);
    expect(await server.sql(ITEMS_SUM, "copy")).toBe(await server.sql(ITEMS_SUM));
    expect(await server.sql("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'copy'")).toBe("1");
    expect(
      await server.sql("SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'copy'"),
    ).toBe("latin1");

    // A dump cut short is reported, not passed off as a restore.
    const cut = sql.slice(0, sql.lastIndexOf("-- Dump completed"));
    const error = await restoreInto("cut", false, cut).catch((e: unknown) => e);
    expect(RestoreError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/no closing "-- Dump completed" line, so it was cut short/);
  });

  it("replaces the app user's own database with force, as the app user", async () => {
    const { runtime: recording, calls } = recordingRuntime(createDockerRuntime(testEngine().docker));
    const dump = await mysqlDumper().dump(context(mysqlSpec(server)));
    const [sql] = await Promise.all([drainDumpText(dump), dump.completed]);
    const before = await server.sql(ITEMS_SUM);
    await server.sql("INSERT INTO items VALUES (100000, 'extra')");
    await mysqlDumper().restore({
      ...context(mysqlSpec(server), { runtime: recording }),
      source: Readable.from([Buffer.from(sql)]),
      force: true,
    });
    expect(await server.sql(ITEMS_SUM)).toBe(before);
    expect(
      calls.every((call) => call.cmd.includes(`--user=${server.user}`) || call.cmd[2]?.startsWith("for tool")),
    ).toBe(true);
    for (const call of calls) expect(call.cmd.join(" ")).not.toContain(server.password);
  });

  it("reports a failing restore with the client's words", async () => {
    const error = await mysqlDumper()
      .restore({
        ...context(mysqlSpec(server, { database: "broken" })),
        source: Readable.from([Buffer.from("CREATE TABLE t (id INT);\nTHIS IS NOT SQL;\n-- Dump completed\n")]),
        force: false,
      })
      .catch((e: unknown) => e);
    expect(DumpError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/mariadb restore exited with code 1: .*ERROR 1064/);
  });
});
