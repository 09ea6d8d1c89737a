import { Readable } from "node:stream";
import type { RestoreContext } from "@lb/core";
import { createRedactor, DumpError, RestoreError } from "@lb/core";
import { lastLines, runCommand } from "../shared/run-command.js";
import { libpqEnvironment, postgresCredentials } from "./postgres-credentials.js";

// Identifiers travel as psql variables (:"name"), so no quoting is done by hand.
const COUNT_USER_TABLES =
  "select count(*) from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace " +
  "where c.relkind in ('r','p','v','m','S') and n.nspname not in ('pg_catalog','information_schema') " +
  "and n.nspname not like 'pg_toast%';";

/**
 * Loads a plain SQL dump with `psql` inside the target container. An empty (or missing)
 * database is restored into; one with tables is refused unless `force`, which drops and
 * re-creates the database first.
 */
export async function restorePostgres(context: RestoreContext): Promise<void> {
  const credentials = postgresCredentials(context.spec, context.container.env);
  const env = libpqEnvironment(credentials);
  const redact = createRedactor([credentials.password]);
  const psql = (database: string, extra: string[] = []) => [
    "psql",
    "--no-password",
    "-v",
    "ON_ERROR_STOP=1",
    "-X",
    "-q",
    "-At",
    `--username=${credentials.user}`,
    `--dbname=${database}`,
    ...extra,
  ];
  const run = async (database: string, sql: string): Promise<string> => {
    const result = await runCommand(context.runtime, context.spec.containerId, {
      cmd: psql(database, ["-v", `target=${credentials.database}`, "-v", `owner=${credentials.user}`]),
      env,
      stdin: Readable.from([Buffer.from(sql)]),
    });
    if (result.exitCode !== 0) {
      throw new DumpError(`psql exited with code ${result.exitCode}: ${redact(lastLines(result.stderr))}`, {
        exitCode: result.exitCode,
        stderr: redact(result.stderr),
      });
    }
    return result.stdout.trim();
  };

  const exists = (await run("postgres", "select count(*) from pg_database where datname = :'target';")) === "1";
  if (exists) {
    const tables = Number(await run(credentials.database, COUNT_USER_TABLES));
    if (tables > 0 && !context.force) {
      throw new RestoreError(
        `database ${credentials.database} in ${context.container.name} already holds ${tables} relations; restore with --force to replace it`,
      );
    }
    if (tables > 0) await run("postgres", 'drop database :"target" with (force);');
  }
  if (!exists || context.force) {
    const stillThere = (await run("postgres", "select count(*) from pg_database where datname = :'target';")) === "1";
    if (!stillThere) await run("postgres", 'create database :"target" owner :"owner";');
  }

  const restore = await runCommand(context.runtime, context.spec.containerId, {
    cmd: psql(credentials.database),
    env,
    stdin: context.source,
  });
  if (restore.exitCode !== 0) {
    throw new DumpError(`psql restore exited with code ${restore.exitCode}: ${redact(lastLines(restore.stderr))}`, {
      exitCode: restore.exitCode,
      stderr: redact(restore.stderr),
    });
  }
}
