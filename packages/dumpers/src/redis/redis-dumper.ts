import type { DumpContext, Dumper, ExecOptions, RunningDump } from "@lb/core";
import { AbortedError, createRedactor, DUMPER_CONTRACT_VERSION, DumpError } from "@lb/core";
import { chooseDumpSide, type DumpSide } from "../shared/dump-side.js";
import { runLocalCommand } from "../shared/local-process.js";
import { lastLines, PROBE_TIMEOUT_MS, runCommand } from "../shared/run-command.js";
import { runExecDump } from "../shared/run-exec-dump.js";
import { RdbVerifier } from "./rdb-verifier.js";
import { parseCliVersion } from "./redis-cli.js";
import { type RedisConnection, redisCliArgs, redisCliEnv, redisConnection } from "./redis-connection.js";
import { restoreRedis } from "./redis-restore.js";

export interface RedisDumperOptions {
  /**
   * How the snapshot leaves the container: `stdout` streams it (redis-cli 7.0+), `file`
   * has redis-cli write a temporary file in the container that is then streamed and
   * deleted (older redis-cli, which cannot write to stdout). `auto` picks by version.
   */
  transfer?: "auto" | "stdout" | "file";
}

// redis-cli before 7.0 takes "-" as a file name, so the snapshot goes through a temp file.
const THROUGH_TEMP_FILE = [
  'f=$(mktemp) || exit 1; trap \'rm -f "$f"\' EXIT; trap "exit 143" TERM INT',
  'redis-cli "$@" --rdb "$f" >&2 || exit $?',
  'cat "$f"',
].join("\n");

function transferCommand(connection: RedisConnection, transfer: "stdout" | "file"): ExecOptions {
  const args = [...redisCliArgs(connection), "--no-auth-warning"];
  const env = redisCliEnv(connection);
  if (transfer === "stdout") return { cmd: ["redis-cli", ...args, "--rdb", "-"], env };
  return { cmd: ["sh", "-c", THROUGH_TEMP_FILE, "sh", ...args], env };
}

async function cliVersion(
  context: DumpContext,
  side: DumpSide,
  redact: (text: string) => string,
): Promise<string | undefined> {
  const cmd = ["redis-cli", "--version"];
  const limits = { timeoutMs: PROBE_TIMEOUT_MS, signal: context.signal };
  const probe =
    side === "client"
      ? await runLocalCommand(cmd, {}, limits)
      : await runCommand(context.runtime, context.spec.containerId, { cmd }, limits);
  if (probe.exitCode !== 0) {
    const where = side === "client" ? "beside the agent" : `in container ${context.container.name}`;
    throw new DumpError(
      `redis-cli is not usable ${where} (exit code ${probe.exitCode}): ${redact(lastLines(probe.stderr)) || "no output"}`,
      { exitCode: probe.exitCode, stderr: redact(probe.stderr) },
    );
  }
  return parseCliVersion(probe.stdout);
}

/** A server that wants a password the agent was not given: say where the agent looks for one. */
function withPasswordHint(running: RunningDump): RunningDump {
  const completed = running.completed.catch((error: unknown) => {
    if (!DumpError.isInstance(error) || !/NOAUTH/.test(error.message)) throw error;
    throw new DumpError(
      `${error.message} (the server requires a password: set it in the container's REDIS_PASSWORD or in backup.conn)`,
      { stderr: error.stderr, exitCode: error.exitCode, cause: error },
    );
  });
  completed.catch(() => {});
  return { ...running, completed };
}

/**
 * Redis, dumped by `redis-cli --rdb`, which asks the server for a snapshot over the
 * replication protocol, so the server keeps serving and nothing is written to its data
 * folder. The `redis-cli` inside the database container runs it; in client mode (asked
 * for, or the container has none and `backup.conn` is set) the one beside the agent.
 * Output is an RDB file, the format the server itself loads at start.
 */
export function redisDumper(options: RedisDumperOptions = {}): Dumper {
  return {
    contractVersion: DUMPER_CONTRACT_VERSION,
    engine: "redis",
    async dump(context) {
      if (context.signal.aborted) throw new AbortedError("redis-cli was not started: the run was aborted");
      const connection = redisConnection(context.spec, context.container.env, context.container.command);
      const side = await chooseDumpSide(context, "redis-cli");
      if (side === "client" && !connection.host) {
        throw new DumpError("backup.conn must name the server's host for backup.mode=client, e.g. redis://db:6379");
      }
      const secrets = [connection.password ?? "", context.container.env.REDISCLI_AUTH ?? ""];
      const toolVersion = await cliVersion(context, side, createRedactor(secrets));
      const major = Number(toolVersion?.split(".")[0] ?? 0);
      const transfer =
        options.transfer && options.transfer !== "auto" ? options.transfer : major >= 7 ? "stdout" : "file";

      const verifier = new RdbVerifier();
      const running = await runExecDump(context, {
        tool: side === "client" ? "redis-cli --rdb (client mode)" : "redis-cli --rdb",
        extension: "rdb",
        secrets,
        exec: transferCommand(connection, transfer),
        local: side === "client",
        through: verifier,
        verify() {
          const verdict = verifier.verdict();
          if ("incomplete" in verdict) return verdict;
          return { toolVersion, serverVersion: verdict.redisVersion };
        },
      });
      return connection.password ? running : withPasswordHint(running);
    },
    restore: restoreRedis,
  };
}
