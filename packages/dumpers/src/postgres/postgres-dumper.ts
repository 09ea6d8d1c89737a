import type { DumpContext, Dumper, DumpResult } from "@lb/core";
import { DUMPER_CONTRACT_VERSION, DumpError } from "@lb/core";
import { runCommand } from "../shared/run-command.js";
import { runExecDump } from "../shared/run-exec-dump.js";
import { chooseClient, findPostgresClients, serverMajorVersion } from "./postgres-clients.js";
import { libpqEnvironment, postgresCredentials } from "./postgres-credentials.js";
import { restorePostgres } from "./postgres-restore.js";

// pg_dump writes this as the last line of a plain-format dump, and only on success.
const PLAIN_TRAILER = "-- PostgreSQL database dump complete";

/** exec when asked, or (auto) when the container has pg_dump; client otherwise. */
async function chooseMode(context: DumpContext): Promise<"exec" | "client"> {
  if (context.spec.mode !== "auto") return context.spec.mode;
  const probe = await runCommand(context.runtime, context.spec.containerId, {
    cmd: ["sh", "-c", "command -v pg_dump"],
  }).catch(() => undefined);
  return probe?.exitCode === 0 || !context.spec.conn ? "exec" : "client";
}

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
      if ((await chooseMode(context)) === "exec") {
        return runExecDump(context, { ...plan, tool: "pg_dump", exec: { cmd: ["pg_dump", ...args], env } });
      }
      if (!context.spec.conn) throw new DumpError("backup.mode=client needs backup.conn to reach the server");
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
