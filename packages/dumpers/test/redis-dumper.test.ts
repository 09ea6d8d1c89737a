import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BackupSpec } from "@lb/core";
import { DumpError, RestoreError, silentLogger } from "@lb/core";
import { createDockerRuntime } from "@lb/discovery";
import {
  databaseImage,
  drainDump,
  dumpVerdict,
  type RedisServer,
  recordingRuntime,
  startRedisServer,
} from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RdbVerifier, redisDumper } from "../src/index.js";
import { redisSpec } from "./server-specs.js";

describe("redisDumper against a real Redis", () => {
  let server: RedisServer;
  const recorded = recordingRuntime(createDockerRuntime(testEngine().docker));
  const context = async (s: RedisServer, spec: BackupSpec, signal = new AbortController().signal) => ({
    spec,
    container: await recorded.runtime.inspect(s.container.id),
    runtime: recorded.runtime,
    signal,
    logger: silentLogger,
  });
  const dumpOf = async (s: RedisServer, spec: BackupSpec, dumper = redisDumper()) => {
    const dump = await dumper.dump(await context(s, spec));
    const [bytes, outcome] = await Promise.all([drainDump(dump), dumpVerdict(dump)]);
    return { bytes, outcome };
  };
  const restoreInto = async (s: RedisServer, bytes: Buffer, force: boolean) =>
    redisDumper().restore({ ...(await context(s, redisSpec(s))), source: Readable.from([bytes]), force });

  beforeAll(async () => {
    await databaseImage(testEngine().docker, "redis");
    server = await startRedisServer(testEngine().docker);
    await server.seedSample();
  });
  afterAll(async () => {
    await server?.container.remove();
  });

  it("streams a checksummed RDB with the container's password and records versions", async () => {
    const { bytes, outcome } = await dumpOf(server, redisSpec(server));
    expect(outcome).toEqual({
      ok: true,
      result: { toolVersion: expect.stringMatching(/^7\./), serverVersion: expect.stringMatching(/^7\./) },
    });
    expect(bytes.subarray(0, 5).toString()).toBe("REDIS");
    // What came out is a plain RDB file: it verifies again, with no end mark left to strip.
    const again = new RdbVerifier();
    await pipeline(Readable.from([bytes]), again, new Writable({ write: (_c, _e, cb) => cb() }));
    expect(again.verdict()).toMatchObject({ checksummed: true });
    expect(await server.fingerprint()).toMatch(/^db0:21203:\w+\/db2:500:\w+$/);
  });

  it("uses the password from backup.conn alone, and never puts a password in argv", async () => {
    const bare = await startRedisServer(testEngine().docker, { passwordInEnv: false });
    try {
      await bare.cli(["SET", "k", "v"]);
      const conn = `redis://:${encodeURIComponent(bare.password ?? "")}@127.0.0.1:${bare.port}`;
      const { outcome } = await dumpOf(bare, redisSpec(bare, { conn }));
      expect(outcome.ok).toBe(true);
      for (const call of recorded.calls) expect(call.cmd.join(" ")).not.toContain(bare.password);
    } finally {
      await bare.container.remove();
    }
  });

  it("reads the password from --requirepass in the container's command, as the official image takes it", async () => {
    const official = await startRedisServer(testEngine().docker, { passwordInEnv: false });
    try {
      const container = await recorded.runtime.inspect(official.container.id);
      expect(container.command).toContain("--requirepass");
      expect(container.env.REDIS_PASSWORD).toBeUndefined();
      const { outcome } = await dumpOf(official, redisSpec(official));
      expect(outcome.ok).toBe(true);
      for (const call of recorded.calls) expect(call.cmd.join(" ")).not.toContain(official.password);
    } finally {
      await official.container.remove();
    }
  });

  it("dumps as an ACL user named in backup.conn", async () => {
    await server.cli(["ACL", "SETUSER", "backup", "on", ">backup-pw", "~*", "&*", "+@all"]);
    const { outcome } = await dumpOf(
      server,
      redisSpec(server, { conn: `redis://backup:backup-pw@127.0.0.1:${server.port}` }),
    );
    expect(outcome.ok).toBe(true);
  });

  it("dumps in client mode with the redis-cli beside the agent, nothing run in the container", async () => {
    const before = recorded.calls.length;
    const { bytes, outcome } = await dumpOf(server, redisSpec(server, { mode: "client" }));
    expect(outcome).toEqual({
      ok: true,
      result: { toolVersion: expect.stringMatching(/^\d+\./), serverVersion: expect.stringMatching(/^7\./) },
    });
    expect(recorded.calls.length).toBe(before);
    const { bytes: inContainer } = await dumpOf(server, redisSpec(server, { mode: "exec" }));
    expect(bytes.length).toBe(inContainer.length);
  });

  it("picks client mode by itself when the container has no redis-cli", async () => {
    await server.container.exec(["mv", "/usr/bin/redis-cli", "/usr/bin/redis-cli.away"]);
    try {
      const before = recorded.calls.length;
      const { outcome } = await dumpOf(server, redisSpec(server, { mode: "auto" }));
      expect(outcome.ok).toBe(true);
      // Only the probe that found no redis-cli ran in the container.
      expect(recorded.calls.slice(before).map((call) => call.cmd[0])).toEqual(["sh"]);
    } finally {
      await server.container.exec(["mv", "/usr/bin/redis-cli.away", "/usr/bin/redis-cli"]);
    }
  });

  it("in client mode, needs backup.conn to name the server", async () => {
    const context_ = await context(server, redisSpec(server, { mode: "client", conn: undefined }));
    await expect(redisDumper().dump(context_)).rejects.toThrow(/backup.mode=client needs backup.conn/);
  });

  it("fails with the tool's message, redacted, when the password is wrong or missing", async () => {
    const wrong = await dumpOf(
      server,
      redisSpec(server, { conn: `redis://:not-the-password@127.0.0.1:${server.port}` }),
    );
    expect(wrong.outcome.ok).toBe(false);
    const error = (wrong.outcome as { error: DumpError }).error;
    expect(DumpError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/redis-cli --rdb exited with code 1: .*WRONGPASS/);
    expect(error.message + error.stderr).not.toContain("not-the-password");

    const none = await startRedisServer(testEngine().docker, { passwordHidden: true });
    try {
      const { outcome } = await dumpOf(none, redisSpec(none));
      expect(String((outcome as { error: Error }).error.message)).toMatch(
        /NOAUTH Authentication required.*set it in the container.s REDIS_PASSWORD or in backup.conn/,
      );
    } finally {
      await none.container.remove();
    }
  });

  it("works through a temp file in the container, as with redis-cli 6", async () => {
    const { bytes, outcome } = await dumpOf(server, redisSpec(server), redisDumper({ transfer: "file" }));
    expect(outcome.ok).toBe(true);
    const { bytes: streamed } = await dumpOf(server, redisSpec(server));
    expect(bytes.length).toBe(streamed.length);
    const leftovers = await server.container.exec(["sh", "-c", "ls /tmp | grep -c '^tmp\\.' || true"]);
    expect(leftovers.stdout.trim()).toBe("0");
  });

  it("restores into an empty server, refuses a non-empty one, and replaces it with force", async () => {
    const { bytes } = await dumpOf(server, redisSpec(server));
    const target = await startRedisServer(testEngine().docker, { serverArgs: ["--masterauth", "unrelated-secret"] });
    try {
      await restoreInto(target, bytes, false);
      expect(await target.fingerprint()).toBe(await server.fingerprint());
      // Detached again, with its own settings untouched.
      expect(await target.cli(["INFO", "replication"])).toMatch(/role:master/);
      expect(await target.cli(["CONFIG", "GET", "masterauth"])).toContain("unrelated-secret");

      const refused = restoreInto(target, bytes, false);
      await expect(refused).rejects.toThrow(RestoreError);
      await expect(refused).rejects.toThrow(/already holds \d+ keys; restore with --force/);

      await target.cli(["SET", "extra", "1"]);
      await restoreInto(target, bytes, true);
      expect(await target.fingerprint()).toBe(await server.fingerprint());
      expect(await target.cli(["EXISTS", "extra"])).toBe("0");
      const leftovers = await target.container.exec(["sh", "-c", "ls /data /tmp | grep -c label-backup || true"]);
      expect(leftovers.stdout.trim()).toBe("0");
      for (const call of recorded.calls) expect(call.cmd.join(" ")).not.toContain(target.password);
    } finally {
      await target.container.remove();
    }
  });

  it("refuses a truncated backup before the target is touched", async () => {
    const { bytes } = await dumpOf(server, redisSpec(server));
    const target = await startRedisServer(testEngine().docker);
    try {
      await expect(restoreInto(target, bytes.subarray(0, bytes.length - 100), false)).rejects.toThrow(
        /not a complete RDB file: .*cut short/,
      );
      expect(await target.cli(["DBSIZE"])).toBe("0");
    } finally {
      await target.container.remove();
    }
  });
});
