import { PassThrough, Readable } from "node:stream";
import type { BackupSpec, ContainerInfo, ContainerRuntime, ExecOptions, ExecProcess } from "@lb/core";
import { type DumpError, silentLogger } from "@lb/core";
import { describe, expect, it } from "vitest";
import { mongoConnection, mongodbDumper } from "../src/index.js";
import { toolConfig } from "../src/mongodb/mongodb-connection.js";

const SECRET = "pa:ss@w/rd";
const ENV = { MONGO_INITDB_ROOT_USERNAME: "root", MONGO_INITDB_ROOT_PASSWORD: SECRET };
const spec = (overrides: Partial<BackupSpec> = {}) =>
  ({ containerId: "c", containerName: "mongo-1", database: "appdb", labels: {}, ...overrides }) as BackupSpec;

/** The smallest complete archive: magic, an empty header, no collections, the prelude's terminator. */
const EMPTY_ARCHIVE = Buffer.from([0x6d, 0xe2, 0x99, 0x81, 5, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);

async function text(stream: Readable | undefined): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream ?? []) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString();
}

function scriptedRuntime(reply: { stdout?: Buffer; stderr?: string; code?: number }) {
  const calls: { options: ExecOptions; stdin: Promise<string> }[] = [];
  const runtime: ContainerRuntime = {
    inspect: async () => ({ id: "c", name: "mongo-1", image: "mongo:7", labels: {}, env: ENV, running: true }),
    readArchive: async () => Readable.from([]),
    exec: async (_id, options): Promise<ExecProcess> => {
      calls.push({ options, stdin: text(options.stdin) });
      const stdout = Readable.from([reply.stdout ?? Buffer.alloc(0)]);
      const stderr = new PassThrough();
      stderr.end(reply.stderr ?? "");
      const exitCode = new Promise<number>((resolve) => stdout.on("end", () => resolve(reply.code ?? 0)));
      return { stdout, stderr, exitCode, kill: async () => {} };
    },
  };
  return { runtime, calls };
}

async function dump(runtime: ContainerRuntime, s: BackupSpec) {
  const container: ContainerInfo = { id: "c", name: "mongo-1", image: "mongo:7", labels: {}, env: ENV, running: true };
  const running = await mongodbDumper().dump({
    spec: s,
    container,
    runtime,
    signal: new AbortController().signal,
    logger: silentLogger,
  });
  running.stream.resume();
  return running.completed.then(
    (result) => ({ ok: true as const, result }),
    (error: DumpError) => ({ ok: false as const, error }),
  );
}

describe("mongoConnection", () => {
  it("uses the official image's root user against admin when backup.conn has no credentials", () => {
    const connection = mongoConnection(spec({ conn: "mongodb://127.0.0.1:27018/?tls=false" }), ENV);
    expect(connection).toEqual({
      uri: `mongodb://root:${encodeURIComponent(SECRET)}@127.0.0.1:27018/?tls=false&authSource=admin`,
      database: "appdb",
      password: SECRET,
    });
  });

  it("defaults to 127.0.0.1:27017 inside the container without backup.conn", () => {
    expect(mongoConnection(spec(), ENV).uri).toBe(
      `mongodb://root:${encodeURIComponent(SECRET)}@127.0.0.1:27017/?authSource=admin`,
    );
    expect(mongoConnection(spec(), {}).uri).toBe("mongodb://127.0.0.1:27017/");
  });

  it("keeps several hosts and options, moves the path database to --db and authenticates there", () => {
    const connection = mongoConnection(
      spec({ database: "", conn: "mongodb://app:p%40ss@db1:27017,db2:27017/shop?replicaSet=rs0" }),
      ENV,
    );
    expect(connection).toEqual({
      uri: "mongodb://app:p%40ss@db1:27017,db2:27017/?replicaSet=rs0&authSource=shop",
      database: "shop",
      password: "p@ss",
    });
  });

  it("passes mongodb+srv through and rejects what is not a MongoDB URI", () => {
    expect(mongoConnection(spec({ conn: "mongodb+srv://u:p@cluster0.example.net/" }), {}).uri).toBe(
      "mongodb+srv://u:p@cluster0.example.net/",
    );
    expect(() => mongoConnection(spec({ conn: "redis://x" }), {})).toThrow(/not a valid mongodb:\/\//);
  });

  it("writes the URI as a quoted YAML string for --config", () => {
    expect(toolConfig({ uri: 'mongodb://a:"b"@h/', database: undefined, password: undefined })).toBe(
      'uri: "mongodb://a:\\"b\\"@h/"\n',
    );
  });
});

describe("mongodbDumper (scripted runtime)", () => {
  it("runs mongodump --archive with the URI on stdin as its config, never in argv", async () => {
    const { runtime, calls } = scriptedRuntime({ stdout: EMPTY_ARCHIVE });
    await dump(runtime, spec({ database: "" }));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.options.cmd).toEqual(["mongodump", "--config=/dev/stdin", "--archive"]);
    expect(await calls[0]?.stdin).toContain(encodeURIComponent(SECRET));
    expect(JSON.stringify(calls[0]?.options.cmd)).not.toContain(SECRET);
    expect(JSON.stringify(calls[0]?.options.cmd)).not.toContain(encodeURIComponent(SECRET));
  });

  it("treats an archive without collections of a named database as a missing database", async () => {
    const { runtime } = scriptedRuntime({ stdout: EMPTY_ARCHIVE });
    const outcome = await dump(runtime, spec({ database: "nope" }));
    expect(outcome.ok).toBe(false);
    expect(String((outcome as { error: Error }).error.message)).toContain("database nope does not exist or is empty");
  });

  it("fails on truncated output even when mongodump exits 0", async () => {
    const { runtime } = scriptedRuntime({ stdout: EMPTY_ARCHIVE.subarray(0, 10) });
    const outcome = await dump(runtime, spec());
    expect(String((outcome as { error: Error }).error.message)).toMatch(/mongodump output is incomplete: .*prelude/);
  });

  it("reports the tool's error with the password masked, also inside URIs", async () => {
    const said = `Failed: error connecting to db server: failed to connect to mongodb://root:${SECRET}@127.0.0.1:27017/ (${encodeURIComponent(SECRET)})`;
    const { runtime } = scriptedRuntime({ stderr: said, code: 1 });
    const outcome = await dump(runtime, spec());
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: DumpError }).error;
    expect(error.message).toMatch(/mongodump exited with code 1: Failed: error connecting/);
    expect(error.message + error.stderr).not.toContain(SECRET);
    expect(error.message + error.stderr).not.toContain(encodeURIComponent(SECRET));
  });
});
