import type { Dumper } from "@lb/core";
import { DUMPER_CONTRACT_VERSION, DumpError } from "@lb/core";
import { runExecDump } from "../shared/run-exec-dump.js";
import { mysqlDumpExec } from "./mysql-command.js";
import { mysqlCredentials, plainPassword } from "./mysql-credentials.js";
import { withAuthHint } from "./mysql-errors.js";
import { verifyMysqlDump } from "./mysql-format.js";
import { restoreMysql } from "./mysql-restore.js";
import { DUMP_TOOLS, findMysqlTool } from "./mysql-tools.js";

/**
 * MySQL and MariaDB, dumped by the `mariadb-dump` or `mysqldump` inside the database
 * container, so the tool always matches the server. Output is plain SQL for one
 * database, restorable with the `mariadb` or `mysql` client into a database of any name.
 */
export function mysqlDumper(): Dumper {
  return {
    contractVersion: DUMPER_CONTRACT_VERSION,
    engine: "mysql",
    async dump(context) {
      const credentials = mysqlCredentials(context.spec, context.container.env);
      const tool = await findMysqlTool(context.runtime, context.spec.containerId, DUMP_TOOLS);
      if (!tool) {
        throw new DumpError(`neither ${DUMP_TOOLS.join(" nor ")} is installed in container ${context.container.name}`);
      }
      const running = await runExecDump(context, {
        tool: tool.name,
        extension: "sql",
        secrets: [plainPassword(credentials) ?? ""],
        exec: mysqlDumpExec(tool, credentials),
        verify: (output) => verifyMysqlDump(tool, output),
      });
      const completed = running.completed.catch((error: unknown) => {
        throw withAuthHint(error);
      });
      completed.catch(() => {});
      return { ...running, completed };
    },
    restore: restoreMysql,
  };
}
