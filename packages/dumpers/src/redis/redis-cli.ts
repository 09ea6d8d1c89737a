import type { ContainerRuntime } from "@lb/core";
import { DumpError } from "@lb/core";
import { lastLines, runCommand } from "../shared/run-command.js";
import { type RedisConnection, redisCliArgs, redisCliEnv } from "./redis-connection.js";

// redis-cli exits 0 on an error reply unless given -e (7.0+), so replies are read too.
const ERROR_REPLY =
  /^(ERR|WRONGPASS|NOAUTH|NOPERM|WRONGTYPE|LOADING|BUSY|MISCONF|READONLY|MASTERDOWN|NOREPLICAS|EXECABORT|NOSCRIPT|CLUSTERDOWN|MOVED|ASK)\b/;

export interface RedisCli {
  /** Runs one command; resolves with its reply as text, rejects on an error reply. */
  run(...args: string[]): Promise<string>;
}

/** `redis-cli` inside a container, talking to `connection`, with secrets kept out of argv and errors. */
export function redisCli(
  runtime: ContainerRuntime,
  containerId: string,
  connection: RedisConnection,
  redact: (text: string) => string,
): RedisCli {
  return {
    async run(...args) {
      const result = await runCommand(runtime, containerId, {
        cmd: ["redis-cli", ...redisCliArgs(connection), "--no-auth-warning", ...args],
        env: redisCliEnv(connection),
      });
      const reply = result.stdout.trim();
      if (result.exitCode !== 0 || ERROR_REPLY.test(reply)) {
        const said = lastLines(`${result.stderr}\n${ERROR_REPLY.test(reply) ? reply : ""}`);
        throw new DumpError(`redis-cli ${args[0] ?? ""} failed: ${redact(said) || `exit code ${result.exitCode}`}`, {
          exitCode: result.exitCode,
          stderr: redact(result.stderr),
        });
      }
      return reply;
    },
  };
}

/** `INFO` output as field -> value (sections flattened; lines end in CRLF). */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(":");
    if (at > 0 && !line.startsWith("#")) fields.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return fields;
}

/** Keys per logical database (`db0` -> 12), from the keyspace section of `INFO`. */
export function keyspaceOf(info: Map<string, string>): Map<string, { keys: number; expires: number }> {
  const databases = new Map<string, { keys: number; expires: number }>();
  for (const [field, value] of info) {
    if (!/^db\d+$/.test(field)) continue;
    const keys = Number(/keys=(\d+)/.exec(value)?.[1] ?? 0);
    const expires = Number(/expires=(\d+)/.exec(value)?.[1] ?? 0);
    databases.set(field, { keys, expires });
  }
  return databases;
}

/** `7.0.15` from `redis-cli 7.0.15`, or undefined when the output is not that. */
export function parseCliVersion(text: string): string | undefined {
  return /redis-cli\s+v?(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}
