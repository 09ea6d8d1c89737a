import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { runContainer, type TestContainer } from "../engine/containers.js";
import { databaseImage } from "../images/database-image.js";
import { freePort } from "./free-port.js";

export interface RedisServer {
  container: TestContainer;
  port: number;
  /** Undefined when the server was started without `requirepass`. */
  password: string | undefined;
  /** Runs one redis-cli command inside the container (password through the environment); returns its reply. */
  cli(args: string[], stdin?: string): Promise<string>;
  /** Writes the sample dataset: 21,203 keys of every type in db 0, 500 in db 2. */
  seedSample(): Promise<void>;
  /** Key counts and a checksum of every key's type, value and TTL presence, per database. */
  fingerprint(): Promise<string>;
}

/** Strings, hashes, lists, sets, sorted sets, a stream, binary bytes and a TTL, in db 0 and db 2. */
const SAMPLE_SEED = `
for i = 1, 20000 do
  redis.call('SET', 'str:' .. i, string.rep('v', 80) .. i .. ' \\195\\188')
end
for i = 1, 300 do
  redis.call('HSET', 'hash:' .. i, 'a', i, 'b', 'x' .. i)
  redis.call('RPUSH', 'list:' .. i, 'one', 'two', i)
  redis.call('SADD', 'set:' .. i, 'm1', 'm2', i)
  redis.call('ZADD', 'zset:' .. i, i, 'm' .. i, i * 2, 'n' .. i)
end
redis.call('XADD', 'stream', '1-1', 'f', 'v')
redis.call('XADD', 'stream', '2-1', 'g', 'w')
redis.call('SET', 'binary', '\\0\\1\\2\\255')
redis.call('SET', 'ttl', 'x', 'EX', 3600)
redis.call('SELECT', 2)
for i = 1, 500 do redis.call('SET', 'db2:' .. i, i) end
return 'ok'`;

/** Per database: key count and a SHA-1 over every key's type, value and whether it has a TTL. */
const SAMPLE_FINGERPRINT = `
local out = {}
for _, db in ipairs({0, 2}) do
  redis.call('SELECT', db)
  local keys = redis.call('KEYS', '*')
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do
    local t = redis.call('TYPE', k).ok
    local v = ''
    if t == 'string' then v = redis.call('GET', k)
    elseif t == 'hash' then
      local h = redis.call('HGETALL', k)
      local f = {}
      for j = 1, #h, 2 do f[#f + 1] = h[j] .. '=' .. h[j + 1] end
      table.sort(f)
      v = table.concat(f, ',')
    elseif t == 'list' then v = table.concat(redis.call('LRANGE', k, 0, -1), ',')
    elseif t == 'set' then
      local m = redis.call('SMEMBERS', k)
      table.sort(m)
      v = table.concat(m, ',')
    elseif t == 'zset' then v = table.concat(redis.call('ZRANGE', k, 0, -1, 'WITHSCORES'), ',')
    elseif t == 'stream' then
      local e = redis.call('XRANGE', k, '-', '+')
      for _, entry in ipairs(e) do v = v .. entry[1] .. '{' .. table.concat(entry[2], ',') .. '}' end
    end
    local ttl = redis.call('TTL', k) > 0 and ':ttl' or ''
    parts[#parts + 1] = k .. '=' .. t .. ':' .. v .. ttl
  end
  out[#out + 1] = 'db' .. db .. ':' .. #keys .. ':' .. redis.sha1hex(table.concat(parts, '\\n'))
end
return table.concat(out, '/')`;

export interface RedisServerOptions {
  name?: string;
  labels?:
    | Record<string, string>
    | ((server: { port: number; password: string | undefined }) => Record<string, string>);
  /** `false` starts a server without a password. */
  password?: string | false;
  /**
   * Also put the password in the container's `REDIS_PASSWORD`, the variable the redis
   * dumper reads (default true). The server itself only reads `--requirepass`.
   */
  passwordInEnv?: boolean;
  /**
   * Hand the password to redis-server through a shell variable the agent does not read,
   * so neither the environment it knows nor the command shows it (as with a config file).
   */
  passwordHidden?: boolean;
  /** Extra `redis-server` options, e.g. `["--appendonly", "yes"]`. */
  serverArgs?: string[];
}

/**
 * A Redis server in a container on the host network, on a free loopback port, with
 * `requirepass` set from its command line as users of the official image do.
 * `repl-diskless-sync-delay 0` spares each `redis-cli --rdb` the server's 5 s wait for
 * more replicas; the dumper works without it.
 */
export async function startRedisServer(docker: Docker, options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const password =
    options.password === false ? undefined : (options.password ?? `pw-${randomBytes(12).toString("hex")}`);
  const labels = typeof options.labels === "function" ? options.labels({ port, password }) : options.labels;
  const serverCmd = ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--repl-diskless-sync-delay", "0"];
  const env: Record<string, string> = {};
  if (password && options.passwordInEnv !== false && !options.passwordHidden) env.REDIS_PASSWORD = password;
  let cmd = [...serverCmd, ...(password && !options.passwordHidden ? ["--requirepass", password] : [])];
  if (password && options.passwordHidden) {
    env.LB_TEST_HIDDEN = password;
    cmd = ["sh", "-c", 'exec "$@" --requirepass "$LB_TEST_HIDDEN"', "sh", ...serverCmd];
  }
  const container = await runContainer(docker, {
    image: await databaseImage(docker, "redis"),
    name: options.name ?? `lb-test-redis-${randomBytes(4).toString("hex")}`,
    network: "host",
    env,
    labels: labels ?? {},
    cmd: [...cmd, ...(options.serverArgs ?? [])],
  });
  const server: RedisServer = {
    container,
    port,
    password,
    async cli(args, stdin) {
      const result = await container.exec(["redis-cli", "-p", String(port), "--no-auth-warning", ...args], {
        env: password ? [`REDISCLI_AUTH=${password}`] : [],
        ...(stdin === undefined ? {} : { stdin }),
      });
      const reply = result.stdout.trim();
      if (result.exitCode !== 0 || /^(ERR|NOAUTH|WRONGPASS|WRONGTYPE)\b/.test(reply)) {
        throw new Error(`redis-cli ${args[0]} exited ${result.exitCode}: ${reply} ${result.stderr}`);
      }
      return reply;
    },
    seedSample: async () => void (await server.cli(["EVAL", SAMPLE_SEED, "0"])),
    fingerprint: () => server.cli(["EVAL", SAMPLE_FINGERPRINT, "0"]),
  };
  await waitUntilReady(server);
  return server;
}

async function waitUntilReady(server: RedisServer): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pong = await server.cli(["PING"]).catch(() => "");
    if (pong === "PONG") return;
    if (Date.now() > deadline) throw new Error(`Redis in ${server.container.name} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
