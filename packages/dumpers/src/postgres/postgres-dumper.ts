import type { Dumper, DumpResult } from "@lb/core";
import { DUMPER_CONTRACT_VERSION } from "@lb/core";
import { chooseDumpSide } from "../shared/dump-side.js";
import { runExecDump } from "../shared/run-exec-dump.js";
import { chooseClient, findPostgresClients, serverMajorVersion } from "./postgres-clients.js";
import { libpqEnvironment, postgresCredentials } from "./postgres-credentials.js";
import { restorePostgres } from "./postgres-restore.js";

// pg_dump writes this as the last line of a plain-format dump, and only on success.
const PLAIN_TRAILER = "-- PostgreSQL database dump complete";

function verifyPlainDump({ head, tail }: { head: Buffer; tail: Buffer }): DumpResult | { incomplete: string } {
  if (!tail.toString("utf8").includes(PLAIN_TRAILER)) {
    return { incomplete: `the closing line "${PLAIN_TRAILER}" is missing` };
  }
  const header = head.toString("utf8");
  return {
    serverVersion: header.match(/^-- Dumped from database version (.+)$/m)?.[1]?.trim(),
    toolVersion: header.match(/^-- Dumped by pg_dump version (.+)$/m)?.[1]?.trim(),
  };
}

/**
 * PostgreSQL as plain SQL, restorable with `psql`. In exec mode (the default when the
 * container has the tools) `pg_dump` runs inside the database container, so it always
 * matches the server. In client mode it runs beside the agent, connecting with
 * `backup.conn`; the installed client that fits the server's version is chosen, and a
 * client older than the server is named in the error before anything is dumped.
 */
export function postgresDumper(options: { clientRoot?: string } = {}): Dumper {
  return {
    contractVersion: DUMPER_CONTRACT_VERSION,
    engine: "postgres",
    async dump(context) {
      const credentials = postgresCredentials(context.spec, context.container.env);
      const env = libpqEnvironment(credentials);
      const args = [
        "--no-password",
        "--format=plain",
        `--username=${credentials.user}`,
        `--dbname=${credentials.database}`,
      ];
      const plan = { extension: "sql", secrets: [credentials.password ?? ""], verify: verifyPlainDump };
      if ((await chooseDumpSide(context, "pg_dump")) === "exec") {
        return runExecDump(context, { ...plan, tool: "pg_dump", exec: { cmd: ["pg_dump", ...args], env } });
      }
      const clients = await findPostgresClients(options.clientRoot);
      const client = chooseClient(
        clients,
        await serverMajorVersion(clients, { ...env, PGUSER: credentials.user }, credentials.database),
      );
      return runExecDump(context, {
        ...plan,
        tool: `pg_dump ${client.major}`,
        local: true,
        exec: { cmd: [`${client.bin}/pg_dump`, ...args], env },
      });
    },
    restore: restorePostgres,
  };
}
