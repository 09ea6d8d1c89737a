import { Readable } from "node:stream";
import type { RestoreContext } from "@lb/core";
import { BoundedCapture, createRedactor, DumpError, RestoreError } from "@lb/core";
import { chooseDumpSide } from "../shared/dump-side.js";
import { lastLines, runCommand } from "../shared/run-command.js";
import { ArchiveReader } from "./archive-verifier.js";
import { type MongoConnection, mongoConnection, toolConfig } from "./mongodb-connection.js";
import { nativeRestore } from "./native/native-restore.js";

type Redact = (text: string) => string;
const SYSTEM_DATABASES = new Set(["admin", "config", "local"]);

/** Reads the backup up to the end of its prelude; the returned stream replays it whole. */
async function openArchive(source: Readable): Promise<{ reader: ArchiveReader; replay: Readable }> {
  const reader = new ArchiveReader();
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const held: Buffer[] = [];
  while (!reader.preludeDone) {
    const next = await iterator.next();
    if (next.done) break;
    reader.update(next.value);
    held.push(next.value);
    const verdict = reader.preludeDone ? undefined : peekFailure(reader);
    if (verdict) break;
  }
  if (!reader.preludeDone) {
    const verdict = reader.finish();
    const reason = "incomplete" in verdict ? verdict.incomplete : "its prelude never ended";
    throw new RestoreError(`the backup is not a complete mongodump archive: ${reason}`);
  }
  async function* rest() {
    yield* held;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      reader.update(next.value);
      yield next.value;
    }
  }
  return { reader, replay: Readable.from(rest()) };
}

function peekFailure(reader: ArchiveReader): string | undefined {
  const verdict = reader.finish();
  return "incomplete" in verdict && verdict.incomplete.startsWith("the archive is corrupted")
    ? verdict.incomplete
    : undefined;
}

/**
 * The collections a database holds, from the prelude of a `mongodump` that is stopped as
 * soon as the prelude is read: the one listing the database tools can give without a shell.
 */
async function collectionsIn(
  context: RestoreContext,
  connection: MongoConnection,
  database: string | undefined,
  redact: Redact,
): Promise<string[]> {
  const proc = await context.runtime.exec(context.spec.containerId, {
    cmd: ["mongodump", "--config=/dev/stdin", "--archive", ...(database ? [`--db=${database}`] : [])],
    stdin: Readable.from([toolConfig(connection)]),
  });
  const stderr = new BoundedCapture(4096);
  proc.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const reader = new ArchiveReader();
  for await (const chunk of proc.stdout) {
    reader.update(chunk as Buffer);
    if (reader.preludeDone || peekFailure(reader)) break;
  }
  if (!reader.preludeDone) {
    const exitCode = await proc.exitCode;
    throw new DumpError(
      `mongodump could not list the target's collections (exit code ${exitCode}): ${redact(lastLines(stderr.text()))}`,
      {
        exitCode,
        stderr: redact(stderr.text()),
      },
    );
  }
  await proc.kill();
  await proc.exitCode.catch(() => {});
  return reader.preludeNamespaces().filter((name) => database || !SYSTEM_DATABASES.has(name.split(".")[0] ?? ""));
}

/** Which part of the archive goes where: the dump's database renamed to the target's. */
function namespaceArgs(databases: string[], target: string | undefined): string[] {
  if (!target) return [];
  if (databases.length === 1) {
    const [source] = databases;
    return source === target ? [`--nsInclude=${source}.*`] : [`--nsFrom=${source}.*`, `--nsTo=${target}.*`];
  }
  if (databases.includes(target)) return [`--nsInclude=${target}.*`];
  throw new RestoreError(
    `the backup holds databases ${databases.join(", ") || "(none)"}, not ${target}; restore it without naming a database`,
  );
}

/**
 * Loads a mongodump archive into the target: with `mongorestore --archive` inside the
 * container when it has one, else (or in client mode) with the native restore through
 * the driver. The dumped database is renamed to the target's. A target database that
 * already has collections is refused unless `force`.
 */
export async function restoreMongo(context: RestoreContext): Promise<void> {
  const connection = mongoConnection(context.spec, context.container.env);
  if ((await chooseDumpSide(context, "mongorestore")) === "client") return nativeRestore(context, connection);
  return restoreWithTools(context, connection);
}

/**
 * `mongorestore --archive` inside the target container. `force` adds `--drop` (each
 * restored collection is dropped first). Errors stop the restore (`--stopOnError`).
 */
async function restoreWithTools(context: RestoreContext, connection: MongoConnection): Promise<void> {
  const redact = createRedactor([connection.password]);
  const target = connection.database;
  const { reader, replay } = await openArchive(context.source);
  const databases = [...new Set(reader.preludeNamespaces().map((name) => name.slice(0, name.indexOf("."))))];
  const nsArgs = namespaceArgs(databases, target);

  const existing = await collectionsIn(context, connection, target, redact);
  if (existing.length > 0 && !context.force) {
    throw new RestoreError(
      `${target ? `database ${target}` : "the server"} in ${context.container.name} already holds ${existing.length} collections; restore with --force to replace them`,
    );
  }

  // The config goes to a file that is opened and unlinked before mongorestore starts, so it
  // is on disk for an instant and never left behind; mongorestore reads it from /dev/fd/3.
  const written = await runCommand(context.runtime, context.spec.containerId, {
    cmd: ["sh", "-c", 'umask 077 && f=$(mktemp) && cat > "$f" && echo "$f"'],
    stdin: Readable.from([toolConfig(connection)]),
  });
  const configPath = written.stdout.trim();
  if (written.exitCode !== 0 || !configPath) {
    throw new DumpError(
      `cannot write the mongorestore config in ${context.container.name}: ${redact(lastLines(written.stderr))}`,
    );
  }
  const args = ["--archive", "--stopOnError", ...(context.force ? ["--drop"] : []), ...nsArgs];
  const restore = await runCommand(context.runtime, context.spec.containerId, {
    cmd: ["sh", "-c", 'exec 3<"$0" && rm -f "$0" && exec mongorestore --config=/dev/fd/3 "$@"', configPath, ...args],
    stdin: replay,
  });
  const said = redact(restore.stderr);
  const failed = Number(/(\d+) document\(s\) failed to restore/.exec(said)?.[1] ?? 0);
  if (restore.exitCode !== 0 || failed > 0) {
    throw new DumpError(`mongorestore exited with code ${restore.exitCode}: ${lastLines(said)}`, {
      exitCode: restore.exitCode,
      stderr: said,
    });
  }
  const verdict = reader.finish();
  if ("incomplete" in verdict)
    throw new RestoreError(`the backup is not a complete mongodump archive: ${verdict.incomplete}`);
}
