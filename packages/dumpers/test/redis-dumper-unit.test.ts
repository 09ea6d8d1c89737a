import { PassThrough, Readable } from "node:stream";
import type { BackupSpec, ContainerInfo, ContainerRuntime, ExecOptions, ExecProcess } from "@lb/core";
import { DumpError, RestoreError, silentLogger } from "@lb/core";
import { describe, expect, it } from "vitest";
import { redisConnection, redisDumper, requirepassIn } from "../src/index.js";
import { CRC64_JONES, crc64 } from "../src/redis/crc64.js";
import { redisConfigString, temporaryServerConfig } from "../src/redis/redis-restore.js";

const SECRET = "s3cret-Pa55 word";

function rdb(): Buffer {
  const body = Buffer.concat([Buffer.from("REDIS0010"), Buffer.alloc(100, 0x61), Buffer.from([0xff])]);
  const sum = Buffer.alloc(8);
  sum.writeBigUInt64LE(crc64(CRC64_JONES, body));
  return Buffer.concat([body, sum]);
}

interface Reply {
  stdout?: string | Buffer;
  stderr?: string;
  code?: number;
}

/** A runtime that answers each exec from `answer` and records what was run. */
function scriptedRuntime(answer: (options: ExecOptions) => Reply) {
  const calls: ExecOptions[] = [];
  const runtime: ContainerRuntime = {
    inspect: async () => ({ id: "c", name: "redis-1", image: "redis:7", labels: {}, env: {}, running: true }),
    readArchive: async () => Readable.from([]),
    exec: async (_id, options): Promise<ExecProcess> => {
      calls.push(options);
      options.stdin?.resume();
      const reply = answer(options);
      const stdout = Readable.from([Buffer.from(reply.stdout ?? "")]);
      const stderr = new PassThrough();
      stderr.end(reply.stderr ?? "");
      const exitCode = new Promise<number>((resolve) => stdout.on("end", () => resolve(reply.code ?? 0)));
      return { stdout, stderr, exitCode, kill: async () => {} };
    },
  };
  return { runtime, calls };
}

const spec = (overrides: Partial<BackupSpec> = {}) =>
  ({ containerId: "c", containerName: "redis-1", database: "", labels: {}, ...overrides }) as BackupSpec;
const container = (env: Record<string, string> = {}): ContainerInfo => ({
  id: "c",
  name: "redis-1",
  image: "redis:7",
  labels: {},
  env,
  running: true,
});

async function dumpWith(runtime: ContainerRuntime, s: BackupSpec, env: Record<string, string> = {}) {
  const dump = await redisDumper().dump({
    spec: s,
    container: container(env),
    runtime,
    signal: new AbortController().signal,
    logger: silentLogger,
  });
  const chunks: Buffer[] = [];
  dump.stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  const outcome = await dump.completed.then(
    (result) => ({ ok: true as const, result }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { outcome, bytes: Buffer.concat(chunks) };
}

const version = (cmd: string[]) => cmd.includes("--version");

describe("redisConnection", () => {
  it("reads host, port, ACL user, password and TLS from backup.conn", () => {
    expect(
      redisConnection(spec({ conn: `rediss://backup:${encodeURIComponent(SECRET)}@cache.internal:6380/0` }), {}),
    ).toEqual({ host: "cache.internal", port: "6380", user: "backup", password: SECRET, tls: true });
  });

  it("takes the password from REDIS_PASSWORD when backup.conn has none, and treats `default` as no user", () => {
    expect(redisConnection(spec({ conn: "redis://default@127.0.0.1:7000" }), { REDIS_PASSWORD: SECRET })).toEqual({
      host: "127.0.0.1",
      port: "7000",
      user: undefined,
      password: SECRET,
      tls: false,
    });
    expect(redisConnection(spec(), { REDIS_PASSWORD: SECRET }).password).toBe(SECRET);
  });

  it("falls back to --requirepass in the container's command, after the environment", () => {
    const command = ["docker-entrypoint.sh", "redis-server", "--appendonly", "yes", "--requirepass", SECRET];
    expect(redisConnection(spec(), {}, command).password).toBe(SECRET);
    expect(redisConnection(spec(), { REDIS_PASSWORD: "from-env" }, command).password).toBe("from-env");
    expect(redisConnection(spec({ conn: "redis://:from-conn@db:6379" }), {}, command).password).toBe("from-conn");
  });

  it("rejects a URI of another scheme", () => {
    expect(() => redisConnection(spec({ conn: "postgres://x@y/z" }), {})).toThrow(/redis:\/\/ or rediss:\/\//);
  });
});

describe("requirepassIn", () => {
  it("reads separate arguments and shell strings, quoted or not", () => {
    expect(requirepassIn(["redis-server", "--requirepass", "pw1"])).toBe("pw1");
    expect(requirepassIn(["sh", "-c", "redis-server --requirepass 'pw 2' --port 6379"])).toBe("pw 2");
    expect(requirepassIn(["sh", "-c", 'exec redis-server --requirepass "pw3"'])).toBe("pw3");
    expect(requirepassIn(["sh", "-c", "redis-server --requirepass pw4"])).toBe("pw4");
  });

  it("skips what it cannot know: a shell variable, a missing value, no command", () => {
    expect(requirepassIn(["sh", "-c", 'redis-server --requirepass "$REDIS_PASSWORD"'])).toBeUndefined();
    expect(requirepassIn(["redis-server", "--requirepass"])).toBeUndefined();
    expect(requirepassIn(["redis-server", "--port", "6379"])).toBeUndefined();
    expect(requirepassIn(undefined)).toBeUndefined();
  });
});

describe("redisDumper (scripted runtime)", () => {
  it("streams `redis-cli --rdb -` with the password only in the environment", async () => {
    const { runtime, calls } = scriptedRuntime(({ cmd }) =>
      version(cmd) ? { stdout: "redis-cli 7.0.15\n" } : { stdout: rdb() },
    );
    const { outcome, bytes } = await dumpWith(
      runtime,
      spec({ conn: `redis://:${encodeURIComponent(SECRET)}@127.0.0.1:7001` }),
    );
    expect(outcome).toEqual({ ok: true, result: { toolVersion: "7.0.15", serverVersion: undefined } });
    expect(bytes.equals(rdb())).toBe(true);
    const transfer = calls.find((call) => call.cmd.includes("--rdb"));
    expect(transfer?.cmd).toEqual(["redis-cli", "-h", "127.0.0.1", "-p", "7001", "--no-auth-warning", "--rdb", "-"]);
    expect(transfer?.env).toEqual({ REDISCLI_AUTH: SECRET });
    for (const call of calls) expect(call.cmd.join(" ")).not.toContain("s3cret");
  });

  it("goes through a temp file in the container for redis-cli before 7.0", async () => {
    const { runtime, calls } = scriptedRuntime(({ cmd }) =>
      version(cmd) ? { stdout: "redis-cli 6.2.14\n" } : { stdout: rdb() },
    );
    const { outcome } = await dumpWith(runtime, spec(), { REDIS_PASSWORD: SECRET });
    expect(outcome.ok).toBe(true);
    const transfer = calls[1];
    expect(transfer?.cmd.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(transfer?.cmd[2]).toContain('redis-cli "$@" --rdb "$f"');
    expect(transfer?.env).toEqual({ REDISCLI_AUTH: SECRET });
    for (const call of calls) expect(call.cmd.join(" ")).not.toContain(SECRET);
  });

  it("fails on a non-zero exit with the tool's words, the password masked", async () => {
    const { runtime } = scriptedRuntime(({ cmd }) =>
      version(cmd) ? { stdout: "redis-cli 7.0.15\n" } : { stderr: `AUTH failed: WRONGPASS for ${SECRET}\n`, code: 1 },
    );
    const { outcome } = await dumpWith(runtime, spec(), { REDIS_PASSWORD: SECRET });
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: DumpError }).error;
    expect(DumpError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/redis-cli --rdb exited with code 1: AUTH failed: WRONGPASS for \*\*\*/);
    expect(error.message + error.stderr).not.toContain(SECRET);
  });

  it("fails on truncated output even when redis-cli exits 0", async () => {
    const { runtime } = scriptedRuntime(({ cmd }) =>
      version(cmd) ? { stdout: "redis-cli 7.0.15\n" } : { stdout: rdb().subarray(0, 60) },
    );
    const { outcome } = await dumpWith(runtime, spec());
    expect(outcome.ok).toBe(false);
    expect(String((outcome as { error: Error }).error.message)).toMatch(/incomplete: .*cut short/);
  });

  it("fails clearly when the container has no redis-cli", async () => {
    const { runtime } = scriptedRuntime(() => ({ stderr: "exec: redis-cli: not found\n", code: 127 }));
    await expect(dumpWith(runtime, spec())).rejects.toThrow(/redis-cli is not usable in container redis-1/);
  });
});

describe("redis restore (scripted runtime)", () => {
  it("refuses a target that holds keys unless forced, before touching anything", async () => {
    const { runtime, calls } = scriptedRuntime(({ cmd }) =>
      cmd.includes("INFO")
        ? { stdout: "# Replication\r\nrole:master\r\n# Keyspace\r\ndb0:keys=12,expires=0,avg_ttl=0\r\n" }
        : {},
    );
    const restore = redisDumper().restore({
      spec: spec(),
      container: container({ REDIS_PASSWORD: SECRET }),
      runtime,
      signal: new AbortController().signal,
      logger: silentLogger,
      source: Readable.from([rdb()]),
      force: false,
    });
    await expect(restore).rejects.toThrow(RestoreError);
    await expect(restore).rejects.toThrow(/already holds 12 keys; restore with --force/);
    expect(calls).toHaveLength(1);
  });

  it("refuses a replica: the data would be overwritten by its master", async () => {
    const { runtime } = scriptedRuntime(() => ({
      stdout: "role:slave\r\nmaster_host:10.0.0.5\r\nmaster_port:6379\r\n",
    }));
    await expect(
      redisDumper().restore({
        spec: spec(),
        container: container(),
        runtime,
        signal: new AbortController().signal,
        logger: silentLogger,
        source: Readable.from([rdb()]),
        force: true,
      }),
    ).rejects.toThrow(/is a replica of 10\.0\.0\.5:6379; restore into its master/);
  });

  it("writes the temporary server's config with quoted secrets and loopback only", () => {
    expect(redisConfigString('a "b" \\ c\nd')).toBe('"a \\"b\\" \\\\ c\\nd"');
    const withPassword = temporaryServerConfig("/data/x", 31000, { user: undefined, password: 'p"w' });
    expect(withPassword).toContain("bind 127.0.0.1\n");
    expect(withPassword).toContain("port 31000\n");
    expect(withPassword).toContain('requirepass "p\\"w"\n');
    expect(withPassword).toContain('save ""\n');
    const withUser = temporaryServerConfig("/data/x", 31000, { user: "repl", password: "pw" });
    expect(withUser).toContain('user default off\nuser repl on ">pw" ~* &* +@all\n');
  });
});
