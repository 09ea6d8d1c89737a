import type { ExecOptions } from "@lb/core";
import type { MysqlCredentials } from "./mysql-credentials.js";
import type { MysqlTool } from "./mysql-tools.js";

// Reads a `*_FILE` password inside the container and hands it on as MYSQL_PWD, so the
// password is in neither the agent's hands nor any process's arguments.
const READ_PASSWORD_FILE =
  'MYSQL_PWD=$(cat -- "$LB_MYSQL_PASSWORD_FILE") || exit 1; export MYSQL_PWD; unset LB_MYSQL_PASSWORD_FILE; exec "$@"';

/** `--user`, and `--host`/`--port` when `backup.conn` names them; never the password. */
export function connectionArgs(credentials: MysqlCredentials): string[] {
  const args = [`--user=${credentials.user}`];
  if (credentials.host) args.push(`--host=${credentials.host}`);
  if (credentials.port) args.push(`--port=${credentials.port}`);
  return args;
}

/**
 * `cmd` with the password in its environment: `MYSQL_PWD`, which both vendors' tools
 * read. A password kept in a file inside the container is read there by a shell.
 */
export function withPassword(credentials: MysqlCredentials, cmd: string[]): ExecOptions {
  const secret = credentials.secret;
  if (!secret) return { cmd, env: {} };
  if ("password" in secret) return { cmd, env: { MYSQL_PWD: secret.password } };
  return {
    cmd: ["sh", "-c", READ_PASSWORD_FILE, "sh", ...cmd],
    env: { LB_MYSQL_PASSWORD_FILE: secret.passwordFile },
  };
}

/**
 * The dump command: one database, without `--databases`, so the output has no
 * `CREATE DATABASE`/`USE` and restores into a database of any name.
 */
export function mysqlDumpExec(tool: MysqlTool, credentials: MysqlCredentials): ExecOptions {
  return withPassword(credentials, [
    tool.name,
    ...connectionArgs(credentials),
    // One consistent snapshot of InnoDB tables, without locking them.
    "--single-transaction",
    "--routines",
    "--triggers",
    "--events",
    "--hex-blob",
    // Tablespace statements need the PROCESS privilege on MySQL 8, which app users lack.
    "--no-tablespaces",
    "--default-character-set=utf8mb4",
    // The closing "-- Dump completed" line is a comment: a `skip-comments` in the
    // container's my.cnf must not take away the proof that the dump finished.
    "--comments",
    // MySQL only: with GTIDs on, the dump would set GTID_PURGED and refuse to load into
    // a server that has its own GTID history.
    ...(tool.flavour === "mysql" ? ["--set-gtid-purged=OFF"] : []),
    "--",
    credentials.database,
  ]);
}

/** The client reading SQL from stdin: tab-separated rows without headers. */
export function mysqlQueryExec(client: MysqlTool, credentials: MysqlCredentials): ExecOptions {
  return withPassword(credentials, [
    client.name,
    ...connectionArgs(credentials),
    "--batch",
    "--skip-column-names",
    "--default-character-set=utf8mb4",
  ]);
}

/** The client loading a dump from stdin into `database`; it stops at the first error. */
export function mysqlLoadExec(client: MysqlTool, credentials: MysqlCredentials, database: string): ExecOptions {
  return withPassword(credentials, [
    client.name,
    ...connectionArgs(credentials),
    "--default-character-set=utf8mb4",
    `--database=${database}`,
  ]);
}
