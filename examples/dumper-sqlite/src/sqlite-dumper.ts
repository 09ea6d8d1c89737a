import type { Dumper, DumpResult, RestoreContext } from "@lb/core";
import { DUMPER_CONTRACT_VERSION, DumpError, RestoreError } from "@lb/core";
import { lastLines, runCommand, runExecDump } from "@lb/dumpers";

// `.dump` ends every complete dump with this statement; a cut-off dump lacks it.
const TRAILER = "COMMIT;";

/**
 * SQLite, dumped as SQL by the `sqlite3` shell inside the container that holds the
 * database file. `backup.database` is the file's path inside the container.
 */
export function sqliteDumper(): Dumper {
  return {
    contractVersion: DUMPER_CONTRACT_VERSION,
    engine: "sqlite",

    dump(context) {
      return runExecDump(context, {
        tool: "sqlite3",
        extension: "sql",
        secrets: [],
        // -readonly: a missing file is an error, not a new empty database.
        exec: { cmd: ["sqlite3", "-bail", "-readonly", context.spec.database, ".dump"] },
        verify({ tail }): DumpResult | { incomplete: string } {
          const text = tail.toString("utf8").trimEnd();
          return text.endsWith(TRAILER) ? {} : { incomplete: `the closing "${TRAILER}" is missing` };
        },
      });
    },

    async restore(context: RestoreContext) {
      const file = context.spec.database;
      const { runtime } = context;
      const id = context.spec.containerId;
      const tables = await runCommand(runtime, id, {
        cmd: ["sh", "-c", 'test -f "$0" || exit 0; sqlite3 -readonly "$0" "select count(*) from sqlite_master"', file],
      });
      const count = Number(tables.stdout.trim() || "0");
      if (count > 0 && !context.force) {
        throw new RestoreError(
          `${file} in ${context.container.name} already holds ${count} objects; restore with --force to replace it`,
        );
      }
      if (count > 0) await runCommand(runtime, id, { cmd: ["rm", "-f", file, `${file}-wal`, `${file}-shm`] });
      const result = await runCommand(runtime, id, { cmd: ["sqlite3", "-bail", file], stdin: context.source });
      if (result.exitCode !== 0) {
        throw new DumpError(`sqlite3 restore exited with code ${result.exitCode}: ${lastLines(result.stderr)}`, {
          exitCode: result.exitCode,
          stderr: result.stderr,
        });
      }
    },
  };
}
