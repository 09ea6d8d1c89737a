import { join } from "node:path";
import { Readable } from "node:stream";
import type { Dumper } from "@lb/core";
import { DUMPER_CONTRACT_VERSION, DumpError } from "@lb/core";
import { chooseDumpSide } from "../shared/dump-side.js";
import { runLocalCommand } from "../shared/local-process.js";
import { lastLines } from "../shared/run-command.js";
import { runExecDump } from "../shared/run-exec-dump.js";
import { ArchiveVerifier } from "./archive-verifier.js";
import { mongoConnection, toolConfig } from "./mongodb-connection.js";
import { restoreMongo } from "./mongodb-restore.js";

/** Fails with the reason when `tool` cannot run beside the agent. */
async function requireLocalTool(tool: string): Promise<void> {
  const probe = await runLocalCommand([tool, "--version"]);
  if (probe.exitCode !== 0) {
    throw new DumpError(
      `${tool} --version exited with code ${probe.exitCode}: ${lastLines(probe.stderr) || "no output"}`,
    );
  }
}

export interface MongodbDumperOptions {
  /** Where client mode finds `mongodump`; the agent's PATH when unset. */
  toolFolder?: string;
}

/**
 * MongoDB, dumped by `mongodump` as one archive (`--archive`), restorable with
 * `mongorestore --archive`: the one inside the database container, or in client mode
 * (asked for, or the container has none and `backup.conn` is set) the one beside the
 * agent. The URI with its password reaches mongodump as a `--config` file read from
 * stdin, so it is never in argv nor on disk.
 */
export function mongodbDumper(options: MongodbDumperOptions = {}): Dumper {
  return {
    contractVersion: DUMPER_CONTRACT_VERSION,
    engine: "mongodb",
    async dump(context) {
      const connection = mongoConnection(context.spec, context.container.env);
      const verifier = new ArchiveVerifier();
      const database = connection.database;
      const local = (await chooseDumpSide(context, "mongodump")) === "client";
      const tool = local && options.toolFolder ? join(options.toolFolder, "mongodump") : "mongodump";
      const cmd = [tool, "--config=/dev/stdin", "--archive", ...(database ? [`--db=${database}`] : [])];
      if (local) await requireLocalTool(tool);
      return runExecDump(context, {
        tool: local ? "mongodump (client mode)" : "mongodump",
        extension: "archive",
        secrets: [connection.password ?? ""],
        exec: {
          // The stdin of a process Node starts is a socket, which mongodump cannot open as
          // /dev/stdin; behind a shell's pipe it is a pipe, as in a container.
          cmd: local ? ["sh", "-c", 'cat | "$@"', "sh", ...cmd] : cmd,
          stdin: Readable.from([toolConfig(connection)]),
        },
        local,
        through: verifier,
        verify() {
          const verdict = verifier.verdict();
          if ("incomplete" in verdict) return verdict;
          // MongoDB has no empty databases: one without collections does not exist.
          if (database && verdict.namespaces.length === 0) {
            return { incomplete: `it holds no collection: database ${database} does not exist or is empty` };
          }
          return { toolVersion: verdict.toolVersion, serverVersion: verdict.serverVersion };
        },
      });
    },
    restore: restoreMongo,
  };
}
