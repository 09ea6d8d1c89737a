import type { Dumper } from "@lb/core";
import { DUMPER_CONTRACT_VERSION } from "@lb/core";
import { runExecDump } from "../shared/run-exec-dump.js";
import { postgresCredentials } from "./postgres-credentials.js";
import { restorePostgres } from "./postgres-restore.js";

// pg_dump writes this as the last line of a plain-format dump, and only on success.
const PLAIN_TRAILER = "-- PostgreSQL database dump complete";

/**
 * PostgreSQL, dumped by the `pg_dump` inside the database container, so the tool
 * always matches the server's version. Output is plain SQL, restorable with `psql`.
 */
export function postgresDumper(): Dumper {
  return {
    contractVersion: DUMPER_CONTRACT_VERSION,
    engine: "postgres",
    async dump(context) {
      const credentials = postgresCredentials(context.spec, context.container.env);
      const env: Record<string, string> = { ...credentials.libpqEnv };
      // The password reaches pg_dump through its environment, never its arguments.
      if (credentials.password) env.PGPASSWORD = credentials.password;
      if (credentials.host) env.PGHOST = credentials.host;
      if (credentials.port) env.PGPORT = credentials.port;
      return runExecDump(context, {
        tool: "pg_dump",
        extension: "sql",
        secrets: [credentials.password ?? ""],
        exec: {
          cmd: [
            "pg_dump",
            "--no-password",
            "--format=plain",
            `--username=${credentials.user}`,
            `--dbname=${credentials.database}`,
          ],
          env,
        },
        verify({ head, tail }) {
          if (!tail.toString("utf8").includes(PLAIN_TRAILER)) {
            return { incomplete: `the closing line "${PLAIN_TRAILER}" is missing` };
          }
          const header = head.toString("utf8");
          return {
            serverVersion: header.match(/^-- Dumped from database version (.+)$/m)?.[1]?.trim(),
            toolVersion: header.match(/^-- Dumped by pg_dump version (.+)$/m)?.[1]?.trim(),
          };
        },
      });
    },
    restore: restorePostgres,
  };
}
