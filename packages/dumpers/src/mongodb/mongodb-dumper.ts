import { Readable } from "node:stream";
import type { Dumper } from "@lb/core";
import { DUMPER_CONTRACT_VERSION } from "@lb/core";
import { stdoutThrough } from "../redis/stdout-through.js";
import { runExecDump } from "../shared/run-exec-dump.js";
import { ArchiveVerifier } from "./archive-verifier.js";
import { mongoConnection, toolConfig } from "./mongodb-connection.js";
import { restoreMongo } from "./mongodb-restore.js";

/**
 * MongoDB, dumped by the `mongodump` inside the database container as one archive
 * (`--archive`), restorable with `mongorestore --archive`. The URI with its password
 * reaches mongodump as a `--config` file read from the exec's stdin, so it is never in
 * argv nor on disk.
 */
export function mongodbDumper(): Dumper {
  return {
    contractVersion: DUMPER_CONTRACT_VERSION,
    engine: "mongodb",
    async dump(context) {
      const connection = mongoConnection(context.spec, context.container.env);
      const verifier = new ArchiveVerifier();
      const database = connection.database;
      return runExecDump(
        { ...context, runtime: stdoutThrough(context.runtime, verifier) },
        {
          tool: "mongodump",
          extension: "archive",
          secrets: [connection.password ?? ""],
          exec: {
            cmd: ["mongodump", "--config=/dev/stdin", "--archive", ...(database ? [`--db=${database}`] : [])],
            stdin: Readable.from([toolConfig(connection)]),
          },
          verify() {
            const verdict = verifier.verdict();
            if ("incomplete" in verdict) return verdict;
            // MongoDB has no empty databases: one without collections does not exist.
            if (database && verdict.namespaces.length === 0) {
              return { incomplete: `it holds no collection: database ${database} does not exist or is empty` };
            }
            return { toolVersion: verdict.toolVersion, serverVersion: verdict.serverVersion };
          },
        },
      );
    },
    restore: restoreMongo,
  };
}
