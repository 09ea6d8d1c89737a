import { RestoreError } from "@lb/core";
import { EJSON } from "bson";
import type { Document } from "mongodb";
import type { PreludeCollection } from "../archive/index.js";
import { SYSTEM_DATABASES } from "./plan-collections.js";

/** One collection or view of the archive, and where it goes. */
export interface RestoreItem {
  entry: PreludeCollection;
  /** The database it is restored into. */
  database: string;
  /** Collection options (validator, capped, collation, or a view's `viewOn` and `pipeline`). */
  options: Document;
  /** Index specifications besides `_id_`, as the dump recorded them. */
  indexes: Document[];
}

/** mongodump's metadata text: Extended JSON with `options` and `indexes`. */
function parseMetadata(entry: PreludeCollection): { options: Document; indexes: Document[] } {
  if (!entry.metadata) return { options: {}, indexes: [] };
  let parsed: unknown;
  try {
    parsed = EJSON.parse(entry.metadata, { relaxed: false });
  } catch (error) {
    throw new RestoreError(
      `the metadata of ${entry.db}.${entry.collection} in the backup is not valid Extended JSON: ${(error as Error).message}`,
    );
  }
  const metadata = (parsed ?? {}) as { options?: unknown; indexes?: unknown };
  const options = metadata.options && typeof metadata.options === "object" ? (metadata.options as Document) : {};
  const indexes = Array.isArray(metadata.indexes) ? (metadata.indexes as Document[]) : [];
  return { options, indexes: indexes.filter((index) => index?.name !== "_id_") };
}

/**
 * Which part of the archive goes where: a backup of one database is restored into the
 * target's database whatever its name was; from a backup of several, the target's is
 * picked. Without a target database every user database is restored under its own name.
 */
export function planRestore(prelude: PreludeCollection[], target: string | undefined): RestoreItem[] {
  const databases = [...new Set(prelude.map((entry) => entry.db))];
  let rename: (db: string) => string | undefined;
  if (!target) rename = (db) => (SYSTEM_DATABASES.has(db) ? undefined : db);
  else if (databases.length === 1) rename = () => target;
  else if (databases.includes(target)) rename = (db) => (db === target ? target : undefined);
  else {
    throw new RestoreError(
      `the backup holds databases ${databases.join(", ") || "(none)"}, not ${target}; restore it without naming a database`,
    );
  }
  const items: RestoreItem[] = [];
  for (const entry of prelude) {
    const database = rename(entry.db);
    if (database) items.push({ entry, database, ...parseMetadata(entry) });
  }
  return items;
}
