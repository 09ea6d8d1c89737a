import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BackupSpec } from "@lb/core";
import { type DumpError, RestoreError, silentLogger } from "@lb/core";
import { createDockerRuntime } from "@lb/discovery";
import { drainDump, dumpVerdict, type MongoServer, recordingRuntime, startMongoServer } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveVerifier, mongodbDumper } from "../src/index.js";
import { mongoSpec } from "./server-specs.js";
import { mongoToolsStandInImage } from "./stand-ins/mongo-tools-image.js";

// Exec mode runs `mongodump` and `mongorestore` inside the database container. The real
// MongoDB Database Tools cannot be had here, so the image carries stand-ins (see
// stand-ins/mongo-tools-cli.ts): what is tested is the plumbing around the tools.
describe("mongodbDumper, exec mode, with stand-in tools in the container", () => {
  let server: MongoServer;
  let archive: Buffer;
  const recorded = recordingRuntime(createDockerRuntime(testEngine().docker));
  const context = async (spec: BackupSpec) => ({
    spec,
    container: await recorded.runtime.inspect(server.container.id),
    runtime: recorded.runtime,
    signal: new AbortController().signal,
    logger: silentLogger,
  });
  const dumpOf = async (spec: BackupSpec) => {
    const dump = await mongodbDumper().dump(await context(spec));
    const [bytes, outcome] = await Promise.all([drainDump(dump), dumpVerdict(dump)]);
    return { bytes, outcome };
  };
  const restoreInto = async (database: string, bytes: Buffer, force: boolean, mode: BackupSpec["mode"] = "exec") =>
    mongodbDumper().restore({
      ...(await context(mongoSpec(server, { database, mode }))),
      source: Readable.from([bytes]),
      force,
    });

  beforeAll(async () => {
    const { docker } = testEngine();
    server = await startMongoServer(docker, { image: await mongoToolsStandInImage(docker) });
    await server.seedSample();
  });
  afterAll(async () => {
    await server?.container.remove();
  });

  it("in auto mode, runs the container's mongodump with the URI on stdin, never in argv", async () => {
    const before = recorded.calls.length;
    const { bytes, outcome } = await dumpOf(mongoSpec(server, { mode: "auto" }));
    expect(outcome.ok ? "dumped" : outcome.error.message).toBe("dumped");
    const calls = recorded.calls.slice(before);
    expect(calls.map((call) => call.cmd)).toContainEqual([
      "mongodump",
      "--config=/dev/stdin",
      "--archive",
      "--db=appdb",
    ]);
    for (const call of recorded.calls) expect(JSON.stringify(call.cmd)).not.toContain(server.password);
    const verifier = new ArchiveVerifier();
    await pipeline(Readable.from([bytes]), verifier, new Writable({ write: (_c, _e, cb) => cb() }));
    expect(verifier.verdict()).toMatchObject({ documents: 8500 });
    archive = bytes;
  });

  it("reports the tool's own failure, redacted, when the password is wrong", async () => {
    const conn = `mongodb://${server.user}:not-the-password@127.0.0.1:${server.port}/?authSource=admin`;
    const { outcome } = await dumpOf(mongoSpec(server, { conn, mode: "exec" }));
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: DumpError }).error;
    expect(error.message).toMatch(/^mongodump exited with code 1: Failed: .*(Authentication failed|auth)/i);
    expect(error.message + error.stderr).not.toContain("not-the-password");
  });

  it("restores with the container's mongorestore: renamed, refused when not empty, replaced with force", async () => {
    await restoreInto("copy", archive, false);
    expect(await server.fingerprint("copy")).toBe(await server.fingerprint());
    await expect(restoreInto("copy", archive, false)).rejects.toThrow(RestoreError);
    await server.withClient((client) =>
      client
        .db("copy")
        .collection<{ _id: number }>("customers")
        .deleteMany({ _id: { $lt: 10 } }),
    );
    await restoreInto("copy", archive, true);
    expect(await server.fingerprint("copy")).toBe(await server.fingerprint());
    for (const call of recorded.calls) expect(JSON.stringify(call.cmd)).not.toContain(server.password);
  });

  it("the native restore reads the archive the container's mongodump wrote", async () => {
    await restoreInto("native_copy", archive, false, "client");
    expect(await server.fingerprint("native_copy")).toBe(await server.fingerprint());
  });
});
