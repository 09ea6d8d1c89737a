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
 * Where and as whom to connect: `backup.conn` (`redis://[user][:password]@host[:port]`,
 * or `rediss://` for TLS) when set, with the password falling back to the container's
 * `REDIS_PASSWORD` (the Bitnami image's variable, and the usual compose idiom
 * `command: redis-server --requirepass $REDIS_PASSWORD`). A `REDISCLI_AUTH` in the
 * container's own environment reaches `redis-cli` without any help.
 */
export function redisConnection(spec: BackupSpec, containerEnv: Record<string, string>): RedisConnection {
  const envPassword = containerEnv.REDIS_PASSWORD || containerEnv.REDISCLI_AUTH || undefined;
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
