import { mkdtemp, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BackupSpec, ContainerInfo } from "@lb/core";
import { DumpError, silentLogger } from "@lb/core";
import { createDockerRuntime } from "@lb/discovery";
import { drainDumpText, type PostgresServer, startPostgresServer } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresDumper } from "../src/index.js";
import { chooseClient, findPostgresClients } from "../src/postgres/postgres-clients.js";
import { postgresSpec } from "./server-specs.js";

describe("postgresDumper", () => {
  let server: PostgresServer;
  let container: ContainerInfo;
  const runtime = () => createDockerRuntime(testEngine().docker);
  const context = (spec: BackupSpec, signal = new AbortController().signal) => ({
    spec,
    container,
    runtime: runtime(),
    signal,
    logger: silentLogger,
  });

  beforeAll(async () => {
    server = await startPostgresServer(testEngine().docker);
    await server.sql(
      "create table items (id int primary key, name text); insert into items select g, 'item ' || g from generate_series(1, 500) g;",
    );
    container = await runtime().inspect(server.container.id);
  });
  afterAll(async () => {
    await server?.container.remove();
  });

  it("dumps the database with the container's own credentials and records versions", async () => {
    const dump = await postgresDumper().dump(context(postgresSpec(server)));
    const [sql, result] = await Promise.all([drainDumpText(dump), dump.completed]);
    expect(dump.extension).toBe("sql");
    expect(sql).toContain("CREATE TABLE public.items");
    expect(sql).toContain("item 500");
    expect(result.serverVersion).toMatch(/^\d+/);
    expect(result.toolVersion).toMatch(/^\d+/);
  });

  it("uses backup.conn credentials over TCP without putting the password in argv", async () => {
    const conn = `postgresql://${server.user}:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/${server.database}`;
    const dump = await postgresDumper().dump(context(postgresSpec(server, { conn, database: "" })));
    const [sql] = await Promise.all([drainDumpText(dump), dump.completed]);
    expect(sql).toContain("item 42");
  });

  it("fails with the tool's message, redacted, when the password is wrong", async () => {
    const conn = `postgresql://${server.user}:not-the-password@127.0.0.1:${server.port}/${server.database}`;
    const dump = await postgresDumper().dump(context(postgresSpec(server, { conn })));
    const [, outcome] = await Promise.allSettled([drainDumpText(dump), dump.completed]);
    expect(outcome.status).toBe("rejected");
    const error = (outcome as PromiseRejectedResult).reason;
    expect(DumpError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/pg_dump exited with code 1.*password authentication failed/);
    expect(error.message).not.toContain("not-the-password");
  });

  it("fails when the database does not exist", async () => {
    const dump = await postgresDumper().dump(context(postgresSpec(server, { database: "missing_db" })));
    const [, outcome] = await Promise.allSettled([drainDumpText(dump), dump.completed]);
    expect(outcome.status).toBe("rejected");
    expect(String((outcome as PromiseRejectedResult).reason.message)).toContain("missing_db");
  });

  it("restores a dump into an empty database, refuses a non-empty one, and replaces it with force", async () => {
    const target = await startPostgresServer(testEngine().docker, { database: "copy" });
    try {
      const dump = await postgresDumper().dump(context(postgresSpec(server)));
      const [sql] = await Promise.all([drainDumpText(dump), dump.completed]);
      const targetInfo = await runtime().inspect(target.container.id);
      const restoreInto = (force: boolean) =>
        postgresDumper().restore({
          ...context(postgresSpec(target, { database: "copy" })),
          container: targetInfo,
          source: Readable.from([Buffer.from(sql)]),
          force,
        });
      await restoreInto(false);
      const sum = "select count(*) || ':' || md5(string_agg(name, ',' order by id)) from items";
      expect(await target.sql(sum)).toBe(await server.sql(sum));
      await expect(restoreInto(false)).rejects.toThrow(/already holds \d+ relations; restore with --force/);
      await target.sql("insert into items values (100000, 'extra')");
      await restoreInto(true);
      expect(await target.sql(sum)).toBe(await server.sql(sum));
    } finally {
      await target.container.remove();
    }
  });

  it("dumps in client mode with the installed client that fits the server", async () => {
    const conn = `postgresql://${server.user}:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/${server.database}`;
    const dump = await postgresDumper().dump(context(postgresSpec(server, { conn, mode: "client" })));
    const [sql, result] = await Promise.all([drainDumpText(dump), dump.completed]);
    expect(sql).toContain("item 500");
    expect(result.toolVersion?.split(".")[0]).toBe(result.serverVersion?.split(".")[0]);
  });

  it("names a client older than the server before dumping anything", async () => {
    // A client folder labelled 9 (its tools are really the installed ones, so the
    // server can still be asked its version).
    const root = await mkdtemp(join(tmpdir(), "lb-pg-clients-"));
    const [installed] = await findPostgresClients();
    if (!installed) throw new Error("this test needs a PostgreSQL client in /usr/lib/postgresql");
    await symlink(dirname(installed.bin), join(root, "9"), "dir");
    const conn = `postgresql://${server.user}:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/${server.database}`;
    await expect(
      postgresDumper({ clientRoot: root }).dump(context(postgresSpec(server, { conn, mode: "client" }))),
    ).rejects.toThrow(/pg_dump 9 is older than the PostgreSQL 15 server.*postgresql-client-15/);
  });

  // Loading 40 MB and dumping it slowly takes long on a loaded 2-core machine.
  it("fails when aborted mid-stream", { timeout: 180_000 }, async () => {
    await server.sql("create table big as select g, repeat('x', 200) as pad from generate_series(1, 200000) g;");
    const controller = new AbortController();
    const dump = await postgresDumper().dump(context(postgresSpec(server), controller.signal));
    let seen = 0;
    const sink = new Writable({
      write(chunk: Buffer, _e, cb) {
        seen += chunk.length;
        if (seen > 1024 * 1024 && !controller.signal.aborted) controller.abort();
        setTimeout(cb, 1);
      },
    });
    const [, outcome] = await Promise.allSettled([pipeline(dump.stream, sink), dump.completed]);
    expect(outcome.status).toBe("rejected");
    await server.sql("drop table big;");
  });
});

describe("chooseClient", () => {
  const clients = [
    { major: 13, bin: "/c/13" },
    { major: 15, bin: "/c/15" },
    { major: 17, bin: "/c/17" },
  ];
  it("picks the oldest client not older than the server", () => {
    expect(chooseClient(clients, 14).major).toBe(15);
    expect(chooseClient(clients, 15).major).toBe(15);
    expect(chooseClient(clients, 12).major).toBe(13);
  });
  it("refuses a server newer than every client, naming both", () => {
    expect(() => chooseClient(clients, 18)).toThrow(/pg_dump 17 is older than the PostgreSQL 18 server/);
    expect(() => chooseClient([], 16)).toThrow(/no PostgreSQL client tools.*postgresql-client-16/);
  });
});
