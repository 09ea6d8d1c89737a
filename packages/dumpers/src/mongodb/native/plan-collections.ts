import { DumpError } from "@lb/core";
import type { Document, MongoClient } from "mongodb";
import { metadataJson, type PreludeCollection } from "../archive/index.js";

/** Databases that hold the server's own state; a dump of "every database" leaves them out, as mongodump does. */
export const SYSTEM_DATABASES = new Set(["admin", "config", "local"]);

/** What a collection's listing says, as far as a dump needs it. */
interface Listed {
  name: string;
  type?: string;
  options?: Document;
  /** A binary UUID from MongoDB; some wire-compatible servers give a dashed string. */
  info?: { uuid?: { toString(encoding: "hex"): string } | string };
}

/** The databases to dump: the one named, or every user database on the server. */
export async function databasesToDump(client: MongoClient, database: string | undefined): Promise<string[]> {
  if (database) return [database];
  const { databases } = await client.db("admin").admin().listDatabases({ nameOnly: true });
  return databases
    .map((entry) => entry.name)
    .filter((name) => !SYSTEM_DATABASES.has(name))
    .sort();
}

/**
 * The prelude entries of one database: its collections with their options, indexes and
 * UUID, then its views (a view is restored after the collections it reads). System
 * collections are left out, as mongodump leaves them out. A time-series collection is
 * refused: its data lives in a bucket collection this client does not dump, and a backup
 * without it would look complete.
 */
export async function planDatabase(client: MongoClient, database: string): Promise<PreludeCollection[]> {
  const db = client.db(database);
  // Numbers keep their BSON types (an index key of double 1.0 stays a double), as mongodump writes them.
  const exact = { promoteValues: false } as const;
  const listed = (await db.listCollections({}, { nameOnly: false, ...exact }).toArray()) as Listed[];
  const collections: PreludeCollection[] = [];
  const views: PreludeCollection[] = [];
  for (const entry of listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith("system.")) continue;
    const type = entry.type ?? "collection";
    if (type !== "collection" && type !== "view") {
      throw new DumpError(
        `${database}.${entry.name} is a ${type} collection, which the native client cannot dump; use backup.mode=exec with mongodump`,
      );
    }
    const indexes = type === "collection" ? await db.collection(entry.name).listIndexes(exact).toArray() : [];
    const listedUuid = entry.info?.uuid;
    const uuid = typeof listedUuid === "string" ? listedUuid.replaceAll("-", "") : listedUuid?.toString("hex");
    const metadata = metadataJson({
      options: entry.options ?? {},
      indexes,
      ...(uuid ? { uuid } : {}),
      collectionName: entry.name,
      type,
    });
    (type === "view" ? views : collections).push({ db: database, collection: entry.name, metadata, type, size: 0 });
  }
  return [...collections, ...views];
}
