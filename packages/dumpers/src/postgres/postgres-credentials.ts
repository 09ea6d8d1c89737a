import type { BackupSpec } from "@lb/core";
import { DumpError } from "@lb/core";

export interface PostgresCredentials {
  user: string;
  password: string | undefined;
  database: string;
  /** Only from `backup.conn`; otherwise the tool uses the container's local socket. */
  host: string | undefined;
  port: string | undefined;
  /** libpq settings from the URI's query (sslmode and friends), as PG* variables. */
  libpqEnv: Record<string, string>;
}

// URI query options that libpq also reads from the environment.
const QUERY_TO_ENV: Record<string, string> = {
  sslmode: "PGSSLMODE",
  sslrootcert: "PGSSLROOTCERT",
  sslcert: "PGSSLCERT",
  sslkey: "PGSSLKEY",
  connect_timeout: "PGCONNECT_TIMEOUT",
  application_name: "PGAPPNAME",
  options: "PGOPTIONS",
};

/**
 * Who to connect as, from `backup.conn` when given, else from the variables the
 * official image reads (`POSTGRES_USER`, `POSTGRES_PASSWORD`, `POSTGRES_DB`).
 */
export function postgresCredentials(spec: BackupSpec, containerEnv: Record<string, string>): PostgresCredentials {
  const envUser = containerEnv.POSTGRES_USER || "postgres";
  const fromEnv: PostgresCredentials = {
    user: envUser,
    password: containerEnv.POSTGRES_PASSWORD || undefined,
    database: spec.database || containerEnv.POSTGRES_DB || envUser,
    host: undefined,
    port: containerEnv.PGPORT,
    libpqEnv: {},
  };
  if (!spec.conn) return fromEnv;

  let uri: URL;
  try {
    uri = new URL(spec.conn);
  } catch {
    throw new DumpError("backup.conn is not a valid postgres:// URI");
  }
  const libpqEnv: Record<string, string> = {};
  for (const [key, value] of uri.searchParams) {
    const name = QUERY_TO_ENV[key];
    if (name) libpqEnv[name] = value;
  }
  const pathDatabase = decodeURIComponent(uri.pathname.replace(/^\//, ""));
  return {
    user: uri.username ? decodeURIComponent(uri.username) : fromEnv.user,
    password: uri.password ? decodeURIComponent(uri.password) : fromEnv.password,
    database: spec.database || pathDatabase || fromEnv.database,
    host: uri.hostname || undefined,
    port: uri.port || fromEnv.port,
    libpqEnv,
  };
}

/** The connection as libpq variables; the password travels here, never in argv. */
export function libpqEnvironment(credentials: PostgresCredentials): Record<string, string> {
  const env: Record<string, string> = { ...credentials.libpqEnv };
  if (credentials.password) env.PGPASSWORD = credentials.password;
  if (credentials.host) env.PGHOST = credentials.host;
  if (credentials.port) env.PGPORT = credentials.port;
  return env;
}
