import type { Dumper } from "@lb/core";
import { DUMPER_CONTRACT_VERSION, DumpError } from "@lb/core";
import { runExecDump } from "../shared/run-exec-dump.js";
import { mysqlDumpExec } from "./mysql-command.js";
import { mysqlCredentials, plainPassword } from "./mysql-credentials.js";
import { withAuthHint } from "./mysql-errors.js";
import { verifyMysqlDump } from "./mysql-format.js";
import { restoreMysql } from "./mysql-restore.js";
import { DUMP_TOOLS, findLocalMysqlTool, findMysqlTool } from "./mysql-tools.js";

/**
 * MySQL and MariaDB, dumped by the `mariadb-dump` or `mysqldump` inside the database
 * container, so the tool always matches the server; in client mode (asked for, or the
 * container has no dump tool and `backup.conn` is set) by the one beside the agent. Output is plain SQL for one
 * database, restorable with the `mariadb` or `mysql` client into a database of any name.
 */
export function mysqlDumper(): Dumper {
  return {
    contractVersion: DUMPER_CONTRACT_VERSION,
    engine: "mysql",
    async dump(context) {
      const credentials = mysqlCredentials(context.spec, context.container.env);
      const inContainer =
        context.spec.mode === "client"
          ? undefined
          : await findMysqlTool(context.runtime, context.spec.containerId, DUMP_TOOLS, context.signal);
      // Client mode: asked for, or (auto) the container has no dump tool but backup.conn says where to connect.
      const local = !inContainer && context.spec.mode !== "exec" && context.spec.conn !== undefined;
      const tool = inContainer ?? (local ? await findLocalMysqlTool(DUMP_TOOLS) : undefined);
      if (!tool) {
        throw new DumpError(
          local
            ? `neither ${DUMP_TOOLS.join(" nor ")} is installed beside the agent for backup.mode=client`
            : `neither ${DUMP_TOOLS.join(" nor ")} is installed in container ${context.container.name}`,
        );
      }
      if (local && !plainPassword(credentials) && credentials.secret) {
        throw new DumpError(
          "client mode needs the password in backup.conn or the container's environment, not in a file",
        );
      }
      const running = await runExecDump(context, {
        tool: local ? `${tool.name} (client mode)` : tool.name,
        extension: "sql",
        secrets: [plainPassword(credentials) ?? ""],
        exec: mysqlDumpExec(tool, credentials),
        local,
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
