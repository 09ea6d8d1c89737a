import { randomInt } from "node:crypto";
import { Readable } from "node:stream";
import type { ExecProcess, RestoreContext } from "@lb/core";
import { BoundedCapture, createRedactor, DumpError, RestoreError } from "@lb/core";
import { lastLines, runCommand } from "../shared/run-command.js";
import { RdbVerifier } from "./rdb-verifier.js";
import { keyspaceOf, parseInfo, type RedisCli, redisCli } from "./redis-cli.js";
import { type RedisConnection, redisConnection } from "./redis-connection.js";

const LOOPBACK = "127.0.0.1";
/** A sync that makes no visible progress for this long has failed. */
const STALL_MS = 60_000;
const POLL_MS = 200;

type Redact = (text: string) => string;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Text for a Redis config file value: double-quoted, with the escapes `sdssplitargs` reads. */
export function redisConfigString(value: string): string {
  const escaped = value.replace(
    /[\\"\n\r\t]/g,
    (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c]!,
  );
  return `"${escaped}"`;
}

/** What the target sends when it connects to a master; the temporary server must accept it. */
interface MasterAuth {
  user: string | undefined;
  password: string | undefined;
}

/** The temporary server's configuration: loopback only, never saves, serves a snapshot at once. */
export function temporaryServerConfig(dir: string, port: number, auth: MasterAuth): string {
  const lines = [
    `port ${port}`,
    `bind ${LOOPBACK}`,
    "protected-mode yes",
    `dir ${redisConfigString(dir)}`,
    "dbfilename dump.rdb",
    'save ""',
    "appendonly no",
    "daemonize no",
    'logfile ""',
    // No waiting for more replicas before the transfer starts.
    "repl-diskless-sync-delay 0",
  ];
  if (auth.user && auth.password) {
    lines.push("user default off", `user ${auth.user} on ${redisConfigString(`>${auth.password}`)} ~* &* +@all`);
  } else if (auth.password) {
    lines.push(`requirepass ${redisConfigString(auth.password)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** CONFIG GET field value, or undefined when CONFIG is renamed away or the field is unset. */
async function configValue(cli: RedisCli, field: string): Promise<string | undefined> {
  try {
    const [, value] = (await cli.run("CONFIG", "GET", field)).split("\n");
    return value?.trim() || undefined;
  } catch {
    return undefined;
  }
}

async function shell(context: RestoreContext, script: string, args: string[], redact: Redact, stdin?: Readable) {
  const result = await runCommand(context.runtime, context.spec.containerId, {
    cmd: ["sh", "-c", script, "sh", ...args],
    ...(stdin ? { stdin } : {}),
  });
  if (result.exitCode !== 0) {
    throw new DumpError(
      `sh in ${context.container.name} exited with code ${result.exitCode}: ${redact(lastLines(result.stderr))}`,
      {
        exitCode: result.exitCode,
        stderr: redact(result.stderr),
      },
    );
  }
  return result.stdout.trim();
}

/** Streams the backup into `path` in the container, checking it is a whole RDB on the way. */
async function upload(context: RestoreContext, path: string, redact: Redact): Promise<void> {
  const verifier = new RdbVerifier();
  let sourceError: unknown;
  const proc = await context.runtime.exec(context.spec.containerId, {
    cmd: ["sh", "-c", 'umask 077 && cat > "$0"', path],
    stdin: verifier,
  });
  context.source.on("error", (error) => {
    sourceError = error;
    void proc.kill();
  });
  context.source.pipe(verifier);
  const stderr = new BoundedCapture(4096);
  proc.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  proc.stdout.resume();
  const exitCode = await proc.exitCode;
  if (sourceError) throw new RestoreError("the backup could not be read", { cause: sourceError });
  if (exitCode !== 0) {
    throw new DumpError(
      `writing the backup into ${context.container.name} failed: ${redact(lastLines(stderr.text()))}`,
      {
        exitCode,
        stderr: redact(stderr.text()),
      },
    );
  }
  const verdict = verifier.verdict();
  if ("incomplete" in verdict) throw new RestoreError(`the backup is not a complete RDB file: ${verdict.incomplete}`);
}

interface TemporaryServer {
  port: number;
  cli: RedisCli;
  proc: ExecProcess;
  log: BoundedCapture;
  exited: () => boolean;
  stop(): Promise<void>;
}

/**
 * A second redis-server inside the target container, started from the uploaded RDB:
 * the same binary as the target, so it reads exactly what the target could read.
 */
async function startTemporaryServer(
  context: RestoreContext,
  dir: string,
  auth: MasterAuth,
  redact: Redact,
): Promise<TemporaryServer> {
  for (let attempt = 1; ; attempt++) {
    const port = 20000 + randomInt(40000);
    const conf = `${dir}/restore.conf`;
    await shell(
      context,
      'umask 077 && cat > "$1"',
      [conf],
      redact,
      Readable.from([temporaryServerConfig(dir, port, auth)]),
    );
    const proc = await context.runtime.exec(context.spec.containerId, { cmd: ["redis-server", conf] });
    const log = new BoundedCapture(4096);
    proc.stdout.on("data", (chunk: Buffer) => log.push(chunk));
    proc.stderr.on("data", (chunk: Buffer) => log.push(chunk));
    let exited = false;
    void proc.exitCode.then(() => {
      exited = true;
    });
    const connection: RedisConnection = { host: LOOPBACK, port: String(port), ...auth, tls: false };
    const cli = redisCli(context.runtime, context.spec.containerId, connection, redact);
    const server: TemporaryServer = {
      port,
      cli,
      proc,
      log,
      exited: () => exited,
      async stop() {
        if (!exited) await cli.run("SHUTDOWN", "NOSAVE").catch(() => {});
        await proc.kill();
        await proc.exitCode.catch(() => {});
      },
    };
    for (;;) {
      if (context.signal.aborted) {
        await server.stop();
        throw new RestoreError("the restore was aborted");
      }
      // Connected and done loading: PONG rather than LOADING or a refused connection.
      const pong = await cli.run("PING").catch(() => "");
      if (pong === "PONG" && !exited) return server;
      if (exited) break;
      await sleep(100);
    }
    const said = redact(log.text());
    if (/Address already in use/i.test(said) && attempt < 5) continue;
    throw new DumpError(`the temporary redis-server could not load the backup: ${lastLines(said, 4)}`, {
      exitCode: await proc.exitCode.catch(() => -1),
      stderr: said,
    });
  }
}

function totalKeys(keyspace: Map<string, { keys: number }>): number {
  let total = 0;
  for (const { keys } of keyspace.values()) total += keys;
  return total;
}

/** Makes the target a replica of the temporary server until it holds the same data, then detaches it. */
async function replicate(context: RestoreContext, target: RedisCli, source: TemporaryServer): Promise<void> {
  const sourceInfo = parseInfo(await source.cli.run("INFO"));
  const sourceReplid = sourceInfo.get("master_replid");
  await target.run("REPLICAOF", LOOPBACK, String(source.port));
  try {
    let lastState = "";
    let lastChange = Date.now();
    for (;;) {
      if (context.signal.aborted) throw new RestoreError("the restore was aborted");
      if (source.exited()) {
        throw new DumpError(`the temporary redis-server stopped during the copy: ${lastLines(source.log.text(), 4)}`);
      }
      const info = parseInfo(await target.run("INFO", "replication"));
      if (info.get("master_link_status") === "up" && info.get("master_sync_in_progress") === "0") {
        if (sourceReplid && info.get("master_replid") !== sourceReplid) {
          throw new RestoreError("the target synchronised from a different server than the temporary one");
        }
        break;
      }
      const state = [
        "master_link_status",
        "master_sync_in_progress",
        "master_sync_read_bytes",
        "master_sync_left_bytes",
      ]
        .map((field) => info.get(field) ?? "")
        .join("/");
      if (state !== lastState) {
        lastState = state;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > STALL_MS) {
        throw new RestoreError(
          `the target did not load the backup from the temporary server within ${STALL_MS / 1000} s (replication state ${state})`,
        );
      }
      await sleep(POLL_MS);
    }
  } finally {
    await target.run("REPLICAOF", "NO", "ONE");
  }

  const expected = keyspaceOf(sourceInfo);
  const actual = keyspaceOf(parseInfo(await target.run("INFO", "keyspace")));
  for (const [db, { keys, expires }] of expected) {
    // Keys with a time to live may expire between the two reads; nothing else may differ.
    const held = actual.get(db)?.keys ?? 0;
    if (held < keys - expires || held > keys) {
      throw new RestoreError(`after the restore ${db} holds ${held} keys where the backup has ${keys}`);
    }
  }
}

/**
 * Loads an RDB snapshot into a running Redis without stopping it. Redis has no command
 * that loads an RDB over a connection, so the snapshot is written into the container,
 * served by a temporary redis-server (same binary, loopback only, never saving), and the
 * target is made its replica until the full sync is done, then detached with
 * `REPLICAOF NO ONE`. The target keeps its own configuration and persistence. A target
 * that holds keys is refused unless `force`; with `force` every database is replaced.
 */
export async function restoreRedis(context: RestoreContext): Promise<void> {
  const connection = redisConnection(context.spec, context.container.env, context.container.command);
  const redact = createRedactor([connection.password, context.container.env.REDISCLI_AUTH]);
  const name = context.container.name;
  const target = redisCli(context.runtime, context.spec.containerId, connection, redact);

  const info = parseInfo(await target.run("INFO"));
  if (info.get("role") !== "master") {
    throw new RestoreError(
      `Redis in ${name} is a replica of ${info.get("master_host")}:${info.get("master_port")}; restore into its master`,
    );
  }
  if (info.get("cluster_enabled") === "1") {
    throw new RestoreError(
      `Redis in ${name} runs in cluster mode, which an RDB restore through replication cannot serve`,
    );
  }
  const held = totalKeys(keyspaceOf(info));
  if (held > 0 && !context.force) {
    throw new RestoreError(`Redis in ${name} already holds ${held} keys; restore with --force to replace them`);
  }

  // The target authenticates to its master with these, so the temporary server asks for the same.
  const auth: MasterAuth = {
    user: await configValue(target, "masteruser"),
    password: await configValue(target, "masterauth"),
  };
  const redactAll = createRedactor([connection.password, context.container.env.REDISCLI_AUTH, auth.password]);
  // Beside the server's own snapshots, where there is room for one; else /tmp.
  const parent = (await configValue(target, "dir")) ?? "/tmp";
  const dir = await shell(
    context,
    'mktemp -d "$1/label-backup-restore.XXXXXX" 2>/dev/null || mktemp -d /tmp/label-backup-restore.XXXXXX',
    [parent],
    redactAll,
  );
  try {
    await upload(context, `${dir}/dump.rdb`, redactAll);
    const source = await startTemporaryServer(context, dir, auth, redactAll);
    try {
      await replicate(context, target, source);
    } finally {
      await source.stop();
    }
  } finally {
    await shell(context, 'rm -rf "$1"', [dir], redactAll).catch(() => {});
  }
}
