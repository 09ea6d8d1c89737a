import { randomBytes } from "node:crypto";
import { type RedisServer, startRedisServer } from "@lb/testing";
import type Docker from "dockerode";
import { buildCorpus } from "./corpus.js";
import { type BuildLog, benchLabels, type Dataset } from "./dataset.js";

// Keys first+1..first+n of five kinds: JSON strings, hashes, lists, sorted sets and
// binary blobs. Runs in the server, so a batch costs one round trip.
const FILL = `
local first, n, corpus = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local limit = #corpus - 2100
local function text(maxlen)
  local off = math.random(1, limit)
  return string.sub(corpus, off, off + math.random(4, maxlen) - 1)
end
for i = first + 1, first + n do
  local kind = i % 5
  if kind == 0 then
    redis.call('SET', 'session:' .. i, cjson.encode({user = i, agent = text(120), started = 1700000000 + math.random(1, 30000000),
      cart = {math.random(1, 1000), math.random(1, 1000), text(20)}}))
  elseif kind == 1 then
    redis.call('HSET', 'user:' .. i, 'name', text(20), 'email', 'user' .. i .. '@example.com', 'bio', text(400),
      'visits', math.random(1, 10000))
  elseif kind == 2 then
    for _ = 1, 8 do redis.call('RPUSH', 'feed:' .. i, text(200)) end
  elseif kind == 3 then
    for _ = 1, 16 do redis.call('ZADD', 'scores:' .. i, math.random() * 1000, 'member:' .. math.random(1, 100000)) end
  else
    local bytes = {}
    for b = 1, math.random(64, 1024) do bytes[b] = string.char(math.random(0, 255)) end
    redis.call('SET', 'blob:' .. i, table.concat(bytes))
  end
end
return n
`;

async function usedMemory(server: RedisServer): Promise<number> {
  const info = await server.cli(["INFO", "memory"]);
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
}

/** A Redis dataset of about `targetBytes` of server memory (used_memory). */
export async function buildRedisDataset(docker: Docker, targetBytes: number, log: BuildLog): Promise<Dataset> {
  const started = Date.now();
  const server = await startRedisServer(docker, {
    name: `lb-bench-redis-${randomBytes(3).toString("hex")}`,
    // Without backup.conn, redis-cli would try the default port; the server is on a free one.
    labels: ({ port }) => benchLabels("redis", { "backup.conn": `redis://127.0.0.1:${port}` }),
  });
  try {
    const corpus = buildCorpus();
    const keysPerCall = 20_000;
    let first = 0;
    let size = await usedMemory(server);
    while (size < targetBytes) {
      // -x: the corpus arrives on stdin as the last argument, not on a command line.
      await server.cli(["-x", "EVAL", FILL, "0", String(first), String(keysPerCall)], corpus);
      first += keysPerCall;
      size = await usedMemory(server);
      log(`redis dataset: ${(size / 2 ** 20).toFixed(0)} MiB of ${(targetBytes / 2 ** 20).toFixed(0)} MiB`);
    }
    const version = /^redis_version:(\S+)/m.exec(await server.cli(["INFO", "server"]))?.[1] ?? "?";
    return {
      engine: "redis",
      title: "Redis",
      serverVersion: `Redis ${version}`,
      container: server.container,
      sizeBytes: size,
      sizeMeaning: "in memory (used_memory)",
      buildSeconds: (Date.now() - started) / 1000,
      dumpCommand: `docker exec -e REDISCLI_AUTH "$C" redis-cli -h 127.0.0.1 -p ${server.port} --no-auth-warning --rdb -`,
      dumpEnv: { REDISCLI_AUTH: server.password ?? "" },
      remove: () => server.container.remove(),
    };
  } catch (error) {
    await server.container.remove();
    throw error;
  }
}
