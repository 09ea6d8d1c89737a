import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BackupSpec } from "@lb/core";
import { DumpError, RestoreError, silentLogger } from "@lb/core";
import { createDockerRuntime } from "@lb/discovery";
import {
  databaseImage,
  drainDump,
  dumpVerdict,
  type MongoServer,
  recordingRuntime,
  startMongoServer,
} from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveVerifier, mongodbDumper } from "../src/index.js";
import { readArchive } from "../src/mongodb/archive/index.js";
import { mongoSpec } from "./server-specs.js";

// FerretDB stands in for mongod (see @lb/testing's mongo recipe). Its image has no MongoDB
// tools, so every dump and restore here goes through the native client.
describe("mongodbDumper, native client, against a MongoDB wire-protocol server", () => {
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
  const settle = dumpVerdict;
  const dumpOf = async (s: MongoServer, spec: BackupSpec) => {
    const dump = await mongodbDumper().dump(await context(s, spec));
    // A failed dump also fails its stream; the verdict is what the tests look at.
    const [bytes, outcome] = await Promise.all([drainDump(dump).catch(() => Buffer.alloc(0)), settle(dump)]);
    return { bytes, outcome };
  };
  const restoreInto = async (s: MongoServer, database: string, bytes: Buffer, force: boolean) =>
    mongodbDumper().restore({
      ...(await context(s, mongoSpec(s, { database, mode: "client" }))),
      source: Readable.from([bytes]),
      force,
    });
  const verdictOf = async (bytes: Buffer) => {
    const verifier = new ArchiveVerifier();
    await pipeline(Readable.from([bytes]), verifier, new Writable({ write: (_c, _e, cb) => cb() }));
    return verifier.verdict();
  };

  beforeAll(async () => {
    await databaseImage(testEngine().docker, "mongo");
    server = await startMongoServer(testEngine().docker);
    await server.seedSample();
  });
  afterAll(async () => {
    await server?.container.remove();
  });

  it("dumps in client mode as a complete archive with its indexes, nothing run in the container", async () => {
    const before = recorded.calls.length;
    const { bytes, outcome } = await dumpOf(server, mongoSpec(server, { mode: "client" }));
    expect(outcome).toEqual({
      ok: true,
      result: { toolVersion: "label-backup native client", serverVersion: expect.stringMatching(/^\d+\.\d+/) },
    });
    expect(recorded.calls.length).toBe(before);
    archive = bytes;
    expect(await verdictOf(bytes)).toMatchObject({
      namespaces: ["appdb.customers", "appdb.events", "appdb.orders"],
      documents: 8500,
    });
    const indexes: string[] = [];
    for await (const event of readArchive(Readable.from([bytes]))) {
      if (event.kind === "collection") indexes.push(event.entry.metadata);
    }
    expect(indexes.join()).toContain("name_unique");
    expect(indexes.join()).toContain("by_time");
    expect(indexes.join()).toContain('"capped":true');
    expect(await server.fingerprint()).toMatch(/^customers:3000:\w+:\w+\/orders:5000:\w+:\w+\/events:500:\w+:\w+$/);
  });

  it("in auto mode, falls back to the native client when the container has no mongodump", async () => {
    const before = recorded.calls.length;
    const { outcome } = await dumpOf(server, mongoSpec(server, { mode: "auto" }));
    expect(outcome.ok ? "dumped" : outcome.error.message).toBe("dumped");
    // Only the probe for mongodump ran in the container.
    expect(recorded.calls.slice(before).map((call) => call.cmd.join(" "))).toEqual([
      'sh -c command -v "$1" sh mongodump',
    ]);
  });

  it("uses credentials and database from backup.conn, and never puts the password in an exec", async () => {
    const conn = `mongodb://${server.user}:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/appdb?authSource=admin`;
    const { outcome } = await dumpOf(server, mongoSpec(server, { conn, database: "", mode: "client" }));
    expect(outcome.ok).toBe(true);
    for (const call of recorded.calls) expect(JSON.stringify(call)).not.toContain(server.password);
  });

  it("works with a backup.conn without credentials against a server without authentication", async () => {
    const open = await startMongoServer(testEngine().docker, { auth: false });
    try {
      await open.seedSample();
      const { bytes, outcome } = await dumpOf(open, mongoSpec(open, { mode: "client" }));
      expect(outcome.ok ? "dumped" : outcome.error.message).toBe("dumped");
      expect(await verdictOf(bytes)).toMatchObject({ documents: 8500 });
    } finally {
      await open.container.remove();
    }
  });

  it("fails naming the native client, with the password redacted, when the password is wrong", async () => {
    const conn = `mongodb://${server.user}:not-the-password@127.0.0.1:${server.port}/?authSource=admin`;
    const failed = mongodbDumper().dump(await context(server, mongoSpec(server, { conn, mode: "client" })));
    const error = (await failed.catch((e: DumpError) => e)) as DumpError;
    expect(DumpError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/label-backup native client cannot reach MongoDB: .*(Authentication failed|auth)/i);
    expect(error.message).not.toContain("not-the-password");
  });

  it("fails when the database holds no collection", async () => {
    const { outcome } = await dumpOf(server, mongoSpec(server, { database: "no_such_database", mode: "client" }));
    expect(outcome.ok ? "dumped" : outcome.error.message).toMatch(/database no_such_database holds no collection/);
  });

  it("fails, and produces no complete archive, when the server goes away while the dump streams", async () => {
    const doomed = await startMongoServer(testEngine().docker);
    try {
      await doomed.seedSample();
      const dump = await mongodbDumper().dump(await context(doomed, mongoSpec(doomed, { mode: "client" })));
      const outcome = settle(dump);
      // Take the first bytes, then stop the server before the rest is read.
      const first = await new Promise<Buffer>((resolve) => dump.stream.once("data", resolve));
      dump.stream.pause();
      expect(first.length).toBeGreaterThan(0);
      await doomed.container.exec(["kill", "-KILL", "1"]).catch(() => {});
      await doomed.container.remove();
      dump.stream.resume();
      const settled = await outcome;
      expect(settled.ok ? "dumped" : settled.error.message).toMatch(/label-backup native client (failed|stopped)/);
    } finally {
      await doomed.container.remove();
    }
  });

  it("restores under another name with documents and indexes, refuses a non-empty database, replaces it with force", async () => {
    await restoreInto(server, "copy", archive, false);
    expect(await server.fingerprint("copy")).toBe(await server.fingerprint());

    const refused = restoreInto(server, "copy", archive, false);
    await expect(refused).rejects.toThrow(RestoreError);
    await expect(refused).rejects.toThrow(/database copy in .* already holds 3 collections; restore with --force/);

    await server.withClient((client) =>
      client.db("copy").collection<{ _id: number }>("customers").insertOne({ _id: 999999 }),
    );
    expect(await server.fingerprint("copy")).not.toBe(await server.fingerprint());
    await restoreInto(server, "copy", archive, true);
    expect(await server.fingerprint("copy")).toBe(await server.fingerprint());
    const names = await server.withClient((client) => client.db("copy").listCollections().toArray());
    expect(names.map((entry) => entry.name).sort()).toEqual(["customers", "events", "orders"]);
  });

  it("refuses a truncated or damaged archive and leaves the target as it was", async () => {
    const before = await server.fingerprint("copy");
    await expect(restoreInto(server, "copy", archive.subarray(0, archive.length - 50), true)).rejects.toThrow(
      /not a complete mongodump archive/,
    );
    await expect(restoreInto(server, "cut", archive.subarray(0, 20), false)).rejects.toThrow(
      /not a complete mongodump archive/,
    );
    const damaged = Buffer.from(archive);
    damaged[Math.floor(damaged.length / 2)]! ^= 0x01;
    await expect(restoreInto(server, "copy", damaged, true)).rejects.toThrow(RestoreError);
    expect(await server.fingerprint("copy")).toBe(before);
    const left = await server.withClient((client) => client.db("copy").listCollections().toArray());
    expect(left.map((entry) => entry.name).sort()).toEqual(["customers", "events", "orders"]);
  });
});
