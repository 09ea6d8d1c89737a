import type { BackupSpec } from "@lb/core";
import { DumpError } from "@lb/core";

export interface RedisConnection {
  /** Only from `backup.conn`; otherwise `redis-cli` uses its default, 127.0.0.1. */
  host: string | undefined;
  port: string | undefined;
  /** An ACL user; undefined means the `default` user. */
  user: string | undefined;
  password: string | undefined;
  tls: boolean;
}

/**
 * The value of `--requirepass` in a container's command: separate arguments as in
 * `command: redis-server --requirepass s3cret` (compose has already put in any
 * `${VAR}`), or inside one shell string. A value still naming a shell variable is
 * unknown here, and skipped.
 */
export function requirepassIn(command: readonly string[] | undefined): string | undefined {
  if (!command) return undefined;
  for (let i = 0; i < command.length; i++) {
    const arg = command[i]!;
    let value: string | undefined;
    if (arg === "--requirepass") value = command[i + 1];
    else if (arg.includes("--requirepass ")) {
      const match = /--requirepass\s+(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(arg);
      value = match?.[1] ?? match?.[2] ?? match?.[3];
    }
    if (value && !value.includes("$")) return value;
  }
  return undefined;
}

/**
 * Where and as whom to connect: `backup.conn` (`redis://[user][:password]@host[:port]`,
 * or `rediss://` for TLS) when set. Its password falls back to the container's
 * `REDIS_PASSWORD` (the Bitnami image's variable) or `REDISCLI_AUTH`, then to the
 * `--requirepass` in the container's command, which is how the official image is given one.
 */
export function redisConnection(
  spec: BackupSpec,
  containerEnv: Record<string, string>,
  containerCommand?: readonly string[],
): RedisConnection {
  const envPassword =
    containerEnv.REDIS_PASSWORD || containerEnv.REDISCLI_AUTH || requirepassIn(containerCommand) || undefined;
  const fromEnv: RedisConnection = {
    host: undefined,
    port: undefined,
    user: undefined,
    password: envPassword,
    tls: false,
  };
  if (!spec.conn) return fromEnv;

  let uri: URL;
  try {
    uri = new URL(spec.conn);
  } catch {
    throw new DumpError("backup.conn is not a valid redis:// URI");
  }
  if (uri.protocol !== "redis:" && uri.protocol !== "rediss:") {
    throw new DumpError(`backup.conn must be a redis:// or rediss:// URI, not ${uri.protocol}//`);
  }
  const user = uri.username ? decodeURIComponent(uri.username) : undefined;
  return {
    host: uri.hostname ? uri.hostname.replace(/^\[(.*)\]$/, "$1") : undefined,
    port: uri.port || undefined,
    // `redis://default:pw@` and `redis://:pw@` both mean the default user.
    user: user && user !== "default" ? user : undefined,
    password: uri.password ? decodeURIComponent(uri.password) : envPassword,
    tls: uri.protocol === "rediss:",
  };
}

/** `redis-cli` options for a connection; the password never appears here. */
export function redisCliArgs(connection: RedisConnection): string[] {
  const args: string[] = [];
  if (connection.host) args.push("-h", connection.host);
  if (connection.port) args.push("-p", connection.port);
  if (connection.user) args.push("--user", connection.user);
  if (connection.tls) args.push("--tls");
  return args;
}

/** The environment that carries the password to `redis-cli`. */
export function redisCliEnv(connection: RedisConnection): Record<string, string> {
  return connection.password ? { REDISCLI_AUTH: connection.password } : {};
}
