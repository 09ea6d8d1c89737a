import { Readable } from "node:stream";
import type { Dumper } from "@lb/core";
import { DUMPER_CONTRACT_VERSION } from "@lb/core";
import { chooseDumpSide } from "../shared/dump-side.js";
import { runExecDump } from "../shared/run-exec-dump.js";
import { ArchiveVerifier } from "./archive-verifier.js";
import { mongoConnection, toolConfig } from "./mongodb-connection.js";
import { restoreMongo } from "./mongodb-restore.js";
import { nativeDump } from "./native/native-dump.js";

/**
 * MongoDB, dumped as one mongodump archive (`--archive`), restorable with `mongorestore
 * --archive` or this package's own restore. By `mongodump` inside the database container
 * when it has one (the official image does): the URI with its password reaches it as a
 * `--config` file read from stdin, never in argv nor on disk. In client mode (asked for,
 * or the container has no mongodump and `backup.conn` is set) by the agent itself through
 * the official driver, so no MongoDB tools are needed anywhere.
 */
export function mongodbDumper(): Dumper {
  return {
    contractVersion: DUMPER_CONTRACT_VERSION,
    engine: "mongodb",
    async dump(context) {
      const connection = mongoConnection(context.spec, context.container.env);
      if ((await chooseDumpSide(context, "mongodump")) === "client") return nativeDump(context, connection);
      const verifier = new ArchiveVerifier();
      const database = connection.database;
      return runExecDump(context, {
        tool: "mongodump",
        extension: "archive",
        secrets: [connection.password ?? ""],
        exec: {
          cmd: ["mongodump", "--config=/dev/stdin", "--archive", ...(database ? [`--db=${database}`] : [])],
          stdin: Readable.from([toolConfig(connection)]),
        },
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
