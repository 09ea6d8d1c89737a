import { finished, Readable } from "node:stream";
import type { DumpContext, DumpResult, RunningDump } from "@lb/core";
import { AbortedError, createRedactor, DumpError, LabelBackupError } from "@lb/core";
import type { MongoClient } from "mongodb";
import { ArchiveWriter, type PreludeCollection } from "../archive/index.js";
import { ArchiveVerifier } from "../archive-verifier.js";
import type { MongoConnection } from "../mongodb-connection.js";
import { connectNative, driverMessage, NATIVE_TOOL, serverVersion } from "./native-client.js";
import { databasesToDump, planDatabase } from "./plan-collections.js";

/** One archive block: at most this many documents, or about this many bytes. */
const BLOCK_DOCUMENTS = 1000;
const BLOCK_BYTES = 4 * 1024 * 1024;

/** The documents of one collection in blocks, as raw BSON: nothing is decoded on the way. */
async function* blocksOf(client: MongoClient, entry: PreludeCollection): AsyncGenerator<Buffer[]> {
  const cursor = client
    .db(entry.db)
    .collection(entry.collection)
    .find({}, { raw: true, batchSize: BLOCK_DOCUMENTS, noCursorTimeout: false });
  try {
    let block: Buffer[] = [];
    let bytes = 0;
    for await (const document of cursor) {
      const raw = document as unknown as Uint8Array;
      const buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      block.push(buffer);
      bytes += buffer.length;
      if (block.length >= BLOCK_DOCUMENTS || bytes >= BLOCK_BYTES) {
        yield block;
        block = [];
        bytes = 0;
      }
    }
    if (block.length > 0) yield block;
  } finally {
    await cursor.close().catch(() => {});
  }
}

/**
 * Dumps with the official driver into mongodump's archive format, so `mongorestore
 * --archive` (and this package's own restore) reads it. Collections are read one after
 * another, a block at a time, only as fast as the consumer takes the bytes. A cursor or
 * connection error fails the run; the output is verified as it streams, like mongodump's.
 */
export async function nativeDump(
  context: DumpContext,
  connection: MongoConnection,
  // mongodump itself writes an empty archive for a database that does not exist; the
  // stand-in tools in this package's tests say `false` to behave the same.
  options: { requireCollections: boolean } = { requireCollections: true },
): Promise<RunningDump> {
  if (context.signal.aborted) throw new AbortedError(`${NATIVE_TOOL} was not started: the run was aborted`);
  const redact = createRedactor([connection.password]);
  const client = await connectNative(connection, redact, context.signal);
  const writer = new ArchiveWriter();
  let result: DumpResult | undefined;
  let failure: Error | undefined;
  let aborted = false;
  let place = "listing the collections";

  async function* produce(): AsyncGenerator<Buffer> {
    try {
      const version = await serverVersion(client);
      const prelude: PreludeCollection[] = [];
      for (const database of await databasesToDump(client, connection.database)) {
        prelude.push(...(await planDatabase(client, database)));
      }
      if (options.requireCollections && connection.database && prelude.length === 0) {
        throw new DumpError(`database ${connection.database} holds no collection: it does not exist or is empty`);
      }
      yield writer.start(
        { formatVersion: "0.1", serverVersion: version, toolVersion: NATIVE_TOOL, concurrentCollections: 1 },
        prelude,
      );
      for (const entry of prelude) {
        place = `reading ${entry.db}.${entry.collection}`;
        if (entry.type === "collection") {
          for await (const block of blocksOf(client, entry)) yield writer.block(entry.db, entry.collection, block);
        }
        yield writer.end(entry.db, entry.collection);
      }
      result = { toolVersion: NATIVE_TOOL, serverVersion: version };
    } catch (error) {
      failure = aborted
        ? new AbortedError(`${NATIVE_TOOL} was stopped before it finished`)
        : LabelBackupError.isInstance(error)
          ? (error as Error)
          : new DumpError(`${NATIVE_TOOL} failed ${place}: ${redact(driverMessage(error))}`);
      throw failure;
    } finally {
      await client.close().catch(() => {});
    }
  }

  const source = Readable.from(produce(), { objectMode: false });
  const verifier = new ArchiveVerifier();
  source.on("error", (error) => verifier.destroy(error));
  // A consumer that gives up (a failed writer, a timeout) stops the producer and its cursor.
  verifier.on("close", () => source.destroy());
  const stream = source.pipe(verifier);

  const completed = new Promise<DumpResult>((resolve, reject) => {
    finished(stream, (error) => {
      if (failure) return reject(failure);
      if (aborted) return reject(new AbortedError(`${NATIVE_TOOL} was stopped before it finished`));
      if (error || !result) {
        return reject(new DumpError(`${NATIVE_TOOL} stopped ${place}: the output stream ended early`));
      }
      const verdict = verifier.verdict();
      if ("incomplete" in verdict)
        return reject(new DumpError(`${NATIVE_TOOL} output is incomplete: ${verdict.incomplete}`));
      resolve(result);
    });
  });
  completed.catch(() => {});

  const abort = async () => {
    aborted = true;
    source.destroy();
    verifier.destroy();
    await client.close().catch(() => {});
  };
  context.signal.addEventListener("abort", () => void abort(), { once: true });
  return { stream, extension: "archive", completed, abort };
}
