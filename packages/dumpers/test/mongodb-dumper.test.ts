import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BackupSpec } from "@lb/core";
import { DumpError, RestoreError, silentLogger } from "@lb/core";
import { createDockerRuntime } from "@lb/discovery";
import {
  databaseImage,
  drainDump,
  type MongoServer,
  mongoToolsFolder,
  recordingRuntime,
  startMongoServer,
} from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveVerifier, mongodbDumper } from "../src/index.js";
import { mongoSpec } from "./server-specs.js";

// FerretDB stands in for mongod here (see @lb/testing's mongo recipe); the tools are the real mongo-tools.
describe("mongodbDumper against a MongoDB wire-protocol server", () => {
  let server: MongoServer;
  let archive: Buffer;
  const recorded = recordingRuntime(createDockerRuntime(testEngine().docker));
  const context = async (s: MongoServer, spec: BackupSpec) => ({
    spec,
    container: await recorded.runtime.inspect(s.container.id),
    runtime: recorded.runtime,
    signal: new AbortController().signal,
    logger: silentLogger,
  });
  const dumpOf = async (s: MongoServer, spec: BackupSpec, dumper = mongodbDumper()) => {
    const dump = await dumper.dump(await context(s, spec));
    const [bytes, outcome] = await Promise.all([
      drainDump(dump),
      dump.completed.then(
        (result) => ({ ok: true as const, result }),
        (error: DumpError) => ({ ok: false as const, error }),
      ),
    ]);
    return { bytes, outcome };
  };
  const restoreInto = async (s: MongoServer, database: string, bytes: Buffer, force: boolean) =>
    mongodbDumper().restore({
      ...(await context(s, mongoSpec(s, { database }))),
      source: Readable.from([bytes]),
      force,
    });

  beforeAll(async () => {
    await databaseImage(testEngine().docker, "mongo");
    server = await startMongoServer(testEngine().docker);
    await server.seedSample();
  });
  afterAll(async () => {
    await server?.container.remove();
  });

  it("dumps the database as a complete archive with the container's root user, and records versions", async () => {
    const { bytes, outcome } = await dumpOf(server, mongoSpec(server));
    expect(outcome).toEqual({
      ok: true,
      result: { toolVersion: expect.any(String), serverVersion: expect.stringMatching(/^\d+\.\d+/) },
    });
    archive = bytes;
    const again = new ArchiveVerifier();
    await pipeline(Readable.from([bytes]), again, new Writable({ write: (_c, _e, cb) => cb() }));
    expect(again.verdict()).toMatchObject({
      namespaces: expect.arrayContaining(["appdb.customers", "appdb.orders", "appdb.events"]),
      documents: 8500,
    });
    expect(await server.fingerprint()).toMatch(/^customers:3000:\w+\/orders:5000:\w+\/events:500:\w+$/);
    for (const call of recorded.calls) expect(call.cmd.join(" ")).not.toContain(server.password);
  });

  it("uses credentials and database from backup.conn", async () => {
    const conn = `mongodb://${server.user}:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/appdb?authSource=admin`;
    const { outcome } = await dumpOf(server, mongoSpec(server, { conn, database: "" }));
    expect(outcome.ok).toBe(true);
  });

  it("dumps in client mode with the mongodump beside the agent, nothing run in the container", async () => {
    const conn = `mongodb://${server.user}:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/appdb?authSource=admin`;
    const before = recorded.calls.length;
    const dumper = mongodbDumper({ toolFolder: await mongoToolsFolder() });
    const { bytes, outcome } = await dumpOf(server, mongoSpec(server, { conn, database: "", mode: "client" }), dumper);
    expect(outcome.ok ? "dumped" : outcome.error.message).toBe("dumped");
    expect(recorded.calls.length).toBe(before);
    const again = new ArchiveVerifier();
    await pipeline(Readable.from([bytes]), again, new Writable({ write: (_c, _e, cb) => cb() }));
    expect(again.verdict()).toMatchObject({ documents: 8500 });
  });

  it("in client mode, names a mongodump that is not installed beside the agent", async () => {
    const dumper = mongodbDumper({ toolFolder: "/nonexistent" });
    await expect(dumper.dump(await context(server, mongoSpec(server, { mode: "client" })))).rejects.toThrow(
      /cannot run \/nonexistent\/mongodump: it is not installed beside the agent/,
    );
  });

  it("fails with the tool's message, redacted, when the password is wrong", async () => {
    const conn = `mongodb://${server.user}:not-the-password@127.0.0.1:${server.port}/?authSource=admin`;
    const { outcome } = await dumpOf(server, mongoSpec(server, { conn }));
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: DumpError }).error;
    expect(DumpError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/mongodump exited with code 1: .*(Authentication failed|auth error)/);
    expect(error.message + error.stderr).not.toContain("not-the-password");
  });

  it("restores under another name, refuses a non-empty database, and replaces it with force", async () => {
    await restoreInto(server, "copy", archive, false);
    expect(await server.fingerprint("copy")).toBe(await server.fingerprint());

    const refused = restoreInto(server, "copy", archive, false);
    await expect(refused).rejects.toThrow(RestoreError);
    await expect(refused).rejects.toThrow(/database copy in .* already holds 3 collections; restore with --force/);

    await server.tool("mongoimport", ["--db=copy", "--collection=customers"], '{"_id": 999999, "name": "extra"}\n');
    await restoreInto(server, "copy", archive, true);
    expect(await server.fingerprint("copy")).toBe(await server.fingerprint());
    for (const call of recorded.calls) expect(call.cmd.join(" ")).not.toContain(server.password);
    const leftovers = await server.container.exec(["sh", "-c", "ls /tmp | grep -c '^tmp\\.' || true"]);
    expect(leftovers.stdout.trim()).toBe("0");
  });

  it("refuses a truncated archive", async () => {
    await expect(restoreInto(server, "cut", archive.subarray(0, archive.length - 50), false)).rejects.toThrow();
    await expect(restoreInto(server, "cut", archive.subarray(0, 20), false)).rejects.toThrow(
      /not a complete mongodump archive/,
    );
  });
});
