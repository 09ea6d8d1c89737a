import { Readable } from "node:stream";
import type { RestoreContext } from "@lb/core";
import { createRedactor, DumpError, errorMessage, RestoreError } from "@lb/core";
import { lastLines, runCommand } from "../shared/run-command.js";
import { HeadTailWindow } from "../shared/tail-window.js";
import { mysqlLoadExec, mysqlQueryExec } from "./mysql-command.js";
import { type MysqlCredentials, mysqlCredentials, plainPassword } from "./mysql-credentials.js";
import { withAuthHint } from "./mysql-errors.js";
import { endsWithTrailer } from "./mysql-format.js";
import { CLIENT_TOOLS, findMysqlTool, type MysqlTool } from "./mysql-tools.js";

/** A name as an SQL identifier: backquoted, inner backquotes doubled. */
export function sqlIdentifier(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

/** A string as a hex literal: no escaping rules (nor sql_mode) can change what it means. */
export function sqlText(text: string): string {
  return `_utf8mb4 X'${Buffer.from(text, "utf8").toString("hex")}'`;
}

interface TargetState {
  exists: boolean;
  tables: number;
  /** `CHARACTER SET x COLLATE y` of the existing database, to re-create it alike. */
  defaults: string;
}

/**
 * Loads a dump with the `mariadb` or `mysql` client inside the target container. A
 * missing database is created and an empty one restored into; one with tables is
 * refused unless `force`, which drops it and creates it again with the same defaults.
 */
export async function restoreMysql(context: RestoreContext): Promise<void> {
  const credentials = mysqlCredentials(context.spec, context.container.env);
  const containerId = context.spec.containerId;
  const redact = createRedactor([plainPassword(credentials)]);
  const client = await findMysqlTool(context.runtime, containerId, CLIENT_TOOLS);
  if (!client) {
    throw new RestoreError(`neither ${CLIENT_TOOLS.join(" nor ")} is installed in container ${context.container.name}`);
  }

  const failed = (what: string, exitCode: number, stderr: string) =>
    withAuthHint(
      new DumpError(`${what} exited with code ${exitCode}: ${redact(lastLines(stderr))}`, {
        exitCode,
        stderr: redact(stderr),
      }),
    );
  const query = async (sql: string): Promise<string> => {
    const result = await runCommand(context.runtime, containerId, {
      ...mysqlQueryExec(client, credentials),
      stdin: Readable.from([Buffer.from(sql)]),
    });
    if (result.exitCode !== 0) throw failed(client.name, result.exitCode, result.stderr);
    return result.stdout.trim();
  };

  const database = credentials.database;
  const target = await targetState(query, database);
  if (target.tables > 0 && !context.force) {
    throw new RestoreError(
      `database ${database} in ${context.container.name} already holds ${target.tables} tables; restore with --force to replace it`,
    );
  }
  if (target.exists && target.tables > 0) {
    await query(
      `DROP DATABASE ${sqlIdentifier(database)}; CREATE DATABASE ${sqlIdentifier(database)}${target.defaults};`,
    );
  } else if (!target.exists) {
    await query(`CREATE DATABASE ${sqlIdentifier(database)};`);
  }

  await load(context, client, credentials, failed);
}

async function targetState(query: (sql: string) => Promise<string>, database: string): Promise<TargetState> {
  const name = sqlText(database);
  const row = await query(
    `SELECT COUNT(*), ` +
      `(SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${name}), ` +
      `MAX(DEFAULT_CHARACTER_SET_NAME), MAX(DEFAULT_COLLATION_NAME) ` +
      `FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${name};`,
  );
  const [exists = "0", tables = "0", charset = "", collation = ""] = row.split("\t");
  const word = /^\w+$/;
  const defaults = word.test(charset) && word.test(collation) ? ` CHARACTER SET ${charset} COLLATE ${collation}` : "";
  return { exists: Number(exists) > 0, tables: Number(tables), defaults };
}

/**
 * Feeds the dump to the client. The dump's own closing line is checked on the way: a
 * cut-short dump cannot be rolled back (each table commits on its own), but it is
 * reported instead of passing for a restore.
 */
async function load(
  context: RestoreContext,
  client: MysqlTool,
  credentials: MysqlCredentials,
  failed: (what: string, exitCode: number, stderr: string) => unknown,
): Promise<void> {
  const window = new HeadTailWindow(4096);
  let sourceError: unknown;
  context.source.on("error", (error) => {
    sourceError = error;
    // The client sees the end of its input and stops; the error is reported below.
    window.end();
  });
  context.source.pipe(window);
  const result = await runCommand(context.runtime, context.spec.containerId, {
    ...mysqlLoadExec(client, credentials, credentials.database),
    stdin: window,
  });
  if (result.exitCode !== 0) throw failed(`${client.name} restore`, result.exitCode, result.stderr);
  if (sourceError !== undefined) {
    throw new RestoreError(
      `the dump could not be read to its end (${errorMessage(sourceError)}); ${credentials.database} may be partly restored`,
      { cause: sourceError },
    );
  }
  if (!endsWithTrailer(window.tail())) {
    throw new RestoreError(
      `the dump has no closing "-- Dump completed" line, so it was cut short; ${credentials.database} may be partly restored`,
    );
  }
}
