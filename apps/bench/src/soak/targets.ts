import {
  databaseImage,
  runContainer,
  startMariadbServer,
  startPostgresServer,
  startRedisServer,
  type TestContainer,
} from "@lb/testing";
import type Docker from "dockerode";

export interface SoakTarget {
  name: string;
  engine: "postgres" | "redis" | "mysql" | "volume";
  dest: "local" | "remote";
  cron: string;
  /** What it holds, for the report. */
  holds: string;
  container: TestContainer;
  /** Starts the container when it is not running; resolves once its server answers again. */
  bringBack(timeoutMs?: number): Promise<{ startedByUs: boolean }>;
}

/** Why every target is labelled the way it is, in one place. */
export function soakLabels(
  runId: string,
  name: string,
  engine: string,
  dest: "local" | "remote",
  cron: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    "backup.enabled": "true",
    "backup.type": engine,
    "backup.cron": cron,
    "backup.dest": dest,
    "backup.prefix": `soak/${name}`,
    // Short, so the minute-by-minute GC really prunes and the small disk does not fill by itself.
    "backup.retention": "5m",
    "lb.soak": runId,
    ...extra,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Brings a container back after a kill or an engine restart, then waits for `probe` to exit
 * 0. A dockerd that was SIGKILLed stops the containers it finds when it starts again (they
 * exit 143), and this engine (20.10) leaves them stopped even with `--restart
 * unless-stopped`, so the soak starts them as an operator would.
 */
function bringBackWith(
  docker: Docker,
  container: TestContainer,
  probe?: { cmd: string[]; env?: string[] },
): SoakTarget["bringBack"] {
  return async (timeoutMs = 90_000) => {
    const handle = docker.getContainer(container.id);
    const deadline = Date.now() + timeoutMs;
    let startedByUs = false;
    for (;;) {
      const state = await handle.inspect().then(
        (info) => info.State,
        () => undefined,
      );
      if (state && !state.Running) {
        // 304 (already started) when the engine's restart policy won the race.
        await handle.start().catch(() => undefined);
        startedByUs = true;
      } else if (state?.Paused) {
        await handle.unpause().catch(() => undefined);
      } else if (state?.Running) {
        const answer = probe
          ? await container.exec(probe.cmd, probe.env ? { env: probe.env } : {}).catch(() => undefined)
          : undefined;
        if (!probe || answer?.exitCode === 0) return { startedByUs };
      }
      if (Date.now() > deadline) throw new Error(`${container.name} did not come back within ${timeoutMs / 1000} s`);
      await sleep(500);
    }
  };
}

export interface TargetSet {
  targets: SoakTarget[];
  /** The PostgreSQL target whose dump takes seconds: faults that need a run in progress aim at it. */
  big: SoakTarget;
}

/**
 * Eight labelled targets on 6-field (seconds) schedules, staggered so that ticks do not all
 * land at once but the queue (MAX_CONCURRENT_BACKUPS=2) is never idle for long: three
 * PostgreSQL (one of 400,000 rows, whose dump takes seconds and spans several 5 MiB
 * upload parts), two Redis, one MariaDB and two folders backed up as volumes. Local ones
 * go to the small tmpfs, remote ones to MinIO.
 */
export async function startTargets(docker: Docker, runId: string, log: (line: string) => void): Promise<TargetSet> {
  // One build per image before the servers start in parallel, not one per server.
  for (const engine of ["postgres", "redis", "mariadb"] as const) {
    const began = performance.now();
    const image = await databaseImage(docker, engine);
    log(`image ${image} ready in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  }
  const name = (what: string) => `lb-soak-${runId}-${what}`;
  // Nothing is removed here on failure: the caller removes every container labelled with the run id.

  const postgres = async (what: string, dest: "local" | "remote", cron: string, rows: number) => {
    const server = await startPostgresServer(docker, {
      name: name(what),
      labels: soakLabels(runId, what, "postgres", dest, cron, { "backup.database": "appdb" }),
    });
    // md5 text compresses about 2:1, so the big one's stored size is still several parts.
    await server.sql(
      `create table items as select g as id, md5(g::text) || md5((g * 7)::text) as v from generate_series(1, ${rows}) g;`,
    );
    const target: SoakTarget = {
      name: server.container.name,
      engine: "postgres",
      dest,
      cron,
      holds: `PostgreSQL, ${rows.toLocaleString("en")} rows`,
      container: server.container,
      bringBack: bringBackWith(docker, server.container, {
        cmd: ["pg_isready", "-h", "127.0.0.1", "-p", String(server.port)],
      }),
    };
    return target;
  };

  const redis = async (what: string, cron: string, seed: boolean) => {
    const server = await startRedisServer(docker, {
      name: name(what),
      // The server listens on a free port, not 6379: the agent learns it from the URI (password from REDIS_PASSWORD).
      labels: ({ port }) =>
        soakLabels(runId, what, "redis", "local", cron, { "backup.conn": `redis://127.0.0.1:${port}/0` }),
    });
    if (seed) await server.seedSample();
    else await server.cli(["SET", "greeting", "hello"]);
    const target: SoakTarget = {
      name: server.container.name,
      engine: "redis",
      dest: "local",
      cron,
      holds: seed ? "Redis, 21,703 keys of every type" : "Redis, 1 key",
      container: server.container,
      bringBack: bringBackWith(docker, server.container, {
        cmd: ["redis-cli", "-p", String(server.port), "--no-auth-warning", "PING"],
        ...(server.password ? { env: [`REDISCLI_AUTH=${server.password}`] } : {}),
      }),
    };
    return target;
  };

  const mariadb = async (what: string, cron: string) => {
    const server = await startMariadbServer(docker, {
      name: name(what),
      labels: soakLabels(runId, what, "mysql", "remote", cron, { "backup.database": "appdb" }),
    });
    await server.sql(
      "CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(64) NOT NULL); INSERT INTO orders SELECT seq, MD5(seq) FROM seq_1_to_20000;",
    );
    const target: SoakTarget = {
      name: server.container.name,
      engine: "mysql",
      dest: "remote",
      cron,
      holds: "MariaDB, 20,000 rows",
      container: server.container,
      bringBack: bringBackWith(docker, server.container, {
        cmd: ["mariadb-admin", "--protocol=tcp", "--host=127.0.0.1", `--port=${server.port}`, "--user=root", "ping"],
        env: [`MYSQL_PWD=${server.rootPassword}`],
      }),
    };
    return target;
  };

  const volume = async (what: string, cron: string) => {
    const container = await runContainer(docker, {
      image: await databaseImage(docker, "postgres"),
      name: name(what),
      cmd: [
        "sh",
        "-c",
        "mkdir -p /data/sub && head -c 200000 /dev/urandom > /data/random.bin && seq 1 20000 > /data/sub/numbers.txt && exec sleep infinity",
      ],
      labels: soakLabels(runId, what, "volume", "local", cron, { "backup.path": "/data" }),
    });
    const target: SoakTarget = {
      name: container.name,
      engine: "volume",
      dest: "local",
      cron,
      holds: "a folder of 300 KB (random bytes and text)",
      container,
      bringBack: bringBackWith(docker, container, { cmd: ["test", "-f", "/data/sub/numbers.txt"] }),
    };
    return target;
  };

  const targets = await Promise.all([
    postgres("pg-big", "remote", "3,33 * * * * *", 400_000),
    postgres("pg-a", "local", "0-59/20 * * * * *", 2_000),
    postgres("pg-b", "remote", "15-59/20 * * * * *", 2_000),
    redis("redis-a", "4-59/20 * * * * *", true),
    redis("redis-b", "14-59/20 * * * * *", false),
    mariadb("mariadb", "10-59/30 * * * * *"),
    volume("vol-a", "7-59/20 * * * * *"),
    volume("vol-b", "17-59/20 * * * * *"),
  ]);
  return { targets, big: targets[0]! };
}
