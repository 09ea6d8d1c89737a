import { randomBytes } from "node:crypto";
import type { RestoreContext } from "@lb/core";
import { createRedactor, DumpError, LabelBackupError, RestoreError } from "@lb/core";
import { deserialize } from "bson";
import type { Document, MongoClient } from "mongodb";
import {
  ArchiveError,
  type ArchiveEvent,
  namespaceKey,
  type PreludeCollection,
  readArchive,
} from "../archive/index.js";
import type { MongoConnection } from "../mongodb-connection.js";
import { connectNative, driverMessage, NATIVE_TOOL } from "./native-client.js";
import { planRestore, type RestoreItem } from "./restore-plan.js";

/** Documents are inserted in batches of at most this many, or about this many bytes. */
const BATCH_DOCUMENTS = 1000;
const BATCH_BYTES = 4 * 1024 * 1024;
/** Across every collection of an interleaved archive, no more than this is held at once. */
const HELD_BYTES = 32 * 1024 * 1024;

// Every BSON type comes back as itself (int32 stays int32, binary keeps its subtype), so
// what is inserted is what was dumped.
const EXACT = { promoteLongs: false, promoteValues: false, promoteBuffers: false, bsonRegExp: true } as const;

interface Staged {
  item: RestoreItem;
  /** The collection the data is loaded into, renamed over the target once the archive proved whole. */
  staging: string;
  batch: Buffer[];
  bytes: number;
  documents: number;
}

async function nonSystemCollections(client: MongoClient, database: string): Promise<string[]> {
  const listed = await client.db(database).listCollections({}, { nameOnly: true }).toArray();
  return listed
    .map((entry) => entry.name)
    .filter((name) => !name.startsWith("system.") && !/^lb_(restore|replaced)_/.test(name));
}

async function rename(client: MongoClient, database: string, from: string, to: string): Promise<void> {
  await client.db("admin").command({ renameCollection: `${database}.${from}`, to: `${database}.${to}` });
}

/**
 * Renames every staging collection over its target. Existing targets are first moved
 * aside and dropped only once every staging collection is in place; if a rename fails,
 * what was moved is put back, so the target is left as it was.
 */
async function swapIn(client: MongoClient, staged: Staged[], run: string): Promise<void> {
  const asides: Array<{ database: string; name: string; aside: string }> = [];
  const placed: Staged[] = [];
  try {
    for (const target of staged) {
      const { database, entry } = target.item;
      const exists = await client
        .db(database)
        .listCollections({ name: entry.collection }, { nameOnly: true })
        .hasNext();
      if (exists) {
        const aside = `lb_replaced_${run}_${entry.collection}`;
        await rename(client, database, entry.collection, aside);
        asides.push({ database, name: entry.collection, aside });
      }
      await rename(client, database, target.staging, entry.collection);
      placed.push(target);
    }
  } catch (error) {
    for (const target of placed) {
      await rename(client, target.item.database, target.item.entry.collection, target.staging).catch(() => {});
    }
    for (const { database, name, aside } of asides) await rename(client, database, aside, name).catch(() => {});
    throw error;
  }
  for (const { database, aside } of asides)
    await client
      .db(database)
      .dropCollection(aside)
      .catch(() => false);
}

async function flush(client: MongoClient, staged: Staged): Promise<void> {
  if (staged.batch.length === 0) return;
  let documents: Document[];
  try {
    documents = staged.batch.map((bytes) => deserialize(bytes, EXACT));
  } catch (error) {
    throw new RestoreError(
      `the backup holds a document of ${staged.item.entry.db}.${staged.item.entry.collection} that is not valid BSON: ${(error as Error).message}`,
    );
  }
  staged.batch = [];
  staged.bytes = 0;
  await client
    .db(staged.item.database)
    .collection(staged.staging)
    .insertMany(documents, { ordered: true, bypassDocumentValidation: true });
}

/** Reads the archive's header and prelude; the generator then goes on with the data. */
async function readPrelude(events: AsyncGenerator<ArchiveEvent>): Promise<PreludeCollection[]> {
  const prelude: PreludeCollection[] = [];
  for (;;) {
    const next = await events.next();
    if (next.done) throw new ArchiveError("the archive ends inside its prelude: the transfer was cut short");
    if (next.value.kind === "collection") prelude.push(next.value.entry);
    if (next.value.kind === "prelude-end") return prelude;
  }
}

/**
 * Restores a mongodump archive with the official driver, no MongoDB tools needed. Each
 * collection is loaded into a staging collection beside its target, with its options and
 * indexes; only when the whole archive has been read and every checksum matched are the
 * staging collections renamed over their targets, so a damaged backup replaces nothing.
 * A target database that already holds collections is refused unless `force`.
 */
export async function nativeRestore(context: RestoreContext, connection: MongoConnection): Promise<void> {
  const redact = createRedactor([connection.password]);
  const events = readArchive(context.source);
  let client: MongoClient | undefined;
  const staged = new Map<string, Staged>();
  let place = "reading the backup";
  try {
    const items = planRestore(await readPrelude(events), connection.database);
    client = await connectNative(connection, redact, context.signal);
    const targets = [...new Set(items.map((item) => item.database))];
    for (const database of targets) {
      const existing = await nonSystemCollections(client, database);
      if (existing.length > 0 && !context.force) {
        throw new RestoreError(
          `database ${database} in ${context.container.name} already holds ${existing.length} collections; restore with --force to replace them`,
        );
      }
    }

    const run = randomBytes(3).toString("hex");
    for (const item of items) {
      if (item.entry.type !== "collection") continue;
      const staging = `lb_restore_${run}_${item.entry.collection}`;
      place = `creating ${item.database}.${item.entry.collection}`;
      await client.db(item.database).createCollection(staging, item.options);
      staged.set(namespaceKey(item.entry.db, item.entry.collection), {
        item,
        staging,
        batch: [],
        bytes: 0,
        documents: 0,
      });
    }

    let held = 0;
    for await (const event of events) {
      if (event.kind !== "document" && event.kind !== "collection-end") continue;
      const target = staged.get(namespaceKey(event.db, event.collection));
      if (!target) continue;
      place = `loading ${target.item.database}.${target.item.entry.collection}`;
      if (event.kind === "document") {
        target.batch.push(event.bytes);
        target.bytes += event.bytes.length;
        target.documents++;
        held += event.bytes.length;
        if (target.batch.length >= BATCH_DOCUMENTS || target.bytes >= BATCH_BYTES) {
          held -= target.bytes;
          await flush(client, target);
        }
        if (held > HELD_BYTES) {
          for (const other of staged.values()) await flush(client, other);
          held = 0;
        }
      } else {
        held -= target.bytes;
        await flush(client, target);
      }
      if (context.signal.aborted) throw new RestoreError("the restore was aborted");
    }

    // The archive was read whole and every checksum matched: now the targets are replaced.
    for (const target of staged.values()) {
      const { database, entry, indexes } = target.item;
      place = `indexing ${database}.${entry.collection}`;
      if (indexes.length > 0) {
        const specs = indexes.map(({ v: _v, ns: _ns, ...spec }) => spec);
        await client.db(database).command({ createIndexes: target.staging, indexes: specs });
      }
    }
    place = "replacing the collections";
    await swapIn(client, [...staged.values()], run);
    staged.clear();
    for (const item of items.filter((each) => each.entry.type === "view")) {
      place = `creating view ${item.database}.${item.entry.collection}`;
      const db = client.db(item.database);
      if (context.force) await db.dropCollection(item.entry.collection).catch(() => false);
      await db.createCollection(item.entry.collection, item.options as Document);
    }
  } catch (error) {
    if (ArchiveError.isInstance(error)) {
      throw new RestoreError(`the backup is not a complete mongodump archive: ${(error as Error).message}`);
    }
    if (LabelBackupError.isInstance(error)) throw error;
    throw new DumpError(`${NATIVE_TOOL} failed ${place}: ${redact(driverMessage(error))}`);
  } finally {
    await events.return(undefined).catch(() => {});
    if (client) {
      for (const target of staged.values()) {
        await client
          .db(target.item.database)
          .dropCollection(target.staging)
          .catch(() => false);
      }
      await client.close().catch(() => {});
    }
  }
}
