// Stands in for `mongodump` and `mongorestore` inside the test's MongoDB image, where the
// real MongoDB Database Tools cannot be had: the arguments the dumper passes are parsed as
// the real tools parse them, and the work is done by this package's native client. It
// exercises the exec-mode plumbing (argv, config on stdin, exit codes, stderr, output
// verification); it says nothing about the real tools' own behaviour.
import { readFileSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { BackupSpec, ContainerInfo, ContainerRuntime } from "@lb/core";
import { errorMessage, silentLogger } from "@lb/core";
import type { MongoConnection } from "../../src/mongodb/mongodb-connection.js";
import { nativeDump } from "../../src/mongodb/native/native-dump.js";
import { nativeRestore } from "../../src/mongodb/native/native-restore.js";

const [tool = "", ...args] = process.argv.slice(2);

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

/** The `--config` YAML the dumper writes: one key, `uri`, whose value is a JSON string. */
function connectionFrom(database: string | undefined): MongoConnection {
  const path = option("config");
  if (!path) throw new Error("error parsing command line options: --config is required by this stand-in");
  const match = /^uri:\s*(".*")\s*$/m.exec(readFileSync(path, "utf8"));
  if (!match?.[1]) throw new Error(`error parsing ${path}: no uri`);
  const uri = JSON.parse(match[1]) as string;
  const password = /^mongodb:\/\/[^:@/]*:([^@/]*)@/.exec(uri)?.[1];
  return { uri, database, password: password ? decodeURIComponent(password) : undefined };
}

const stripped = (pattern: string | undefined) => pattern?.replace(/\.\*$/, "");

// The native functions take a dump context; they use its signal and names only.
const context = {
  spec: {} as BackupSpec,
  container: { name: "this server" } as ContainerInfo,
  runtime: {} as ContainerRuntime,
  signal: new AbortController().signal,
  logger: silentLogger,
};

async function main(): Promise<void> {
  if (args.includes("--version")) {
    process.stdout.write(`${tool} version: stand-in (label-backup native client)\n`);
    return;
  }
  if (!args.includes("--archive")) throw new Error("this stand-in only supports --archive");
  if (tool === "mongodump") {
    const dump = await nativeDump(context, connectionFrom(option("db")), { requireCollections: false });
    await Promise.all([pipeline(dump.stream, process.stdout), dump.completed]);
    return;
  }
  if (tool === "mongorestore") {
    const database = stripped(option("nsTo")) ?? stripped(option("nsInclude"));
    await nativeRestore(
      { ...context, source: process.stdin, force: args.includes("--drop") },
      connectionFrom(database),
    );
    process.stderr.write("0 document(s) failed to restore.\n");
    return;
  }
  throw new Error(`unknown tool ${tool}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    // A reader that stops early (a prelude-only listing) closes the pipe: not a failure of ours.
    if ((error as NodeJS.ErrnoException).code === "EPIPE") process.exit(0);
    process.stderr.write(`Failed: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
