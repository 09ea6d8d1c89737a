export { type PostgresCredentials, postgresCredentials } from "./postgres/postgres-credentials.js";
export { postgresDumper } from "./postgres/postgres-dumper.js";
export { type ExecDumpPlan, runExecDump } from "./shared/run-exec-dump.js";
export { HeadTailWindow } from "./shared/tail-window.js";

import type { Dumper } from "@lb/core";
import { postgresDumper } from "./postgres/postgres-dumper.js";

/** The engines this package ships, by `backup.type`. */
export function builtInDumpers(): Dumper[] {
  return [postgresDumper()];
}
