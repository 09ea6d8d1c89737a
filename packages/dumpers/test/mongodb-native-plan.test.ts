import { DumpError, RestoreError } from "@lb/core";
import { BSON, type Document, type MongoClient } from "mongodb";
import { describe, expect, it } from "vitest";
import type { PreludeCollection } from "../src/mongodb/archive/index.js";
import { planDatabase } from "../src/mongodb/native/plan-collections.js";
import { planRestore } from "../src/mongodb/native/restore-plan.js";

/** A server's listings, as the driver returns them; only what planDatabase reads. */
function listingClient(collections: Document[], indexes: Record<string, Document[]>): MongoClient {
  const cursor = (items: Document[]) => ({ toArray: async () => items });
  return {
    db: () => ({
      listCollections: () => cursor(collections),
      collection: (name: string) => ({ listIndexes: () => cursor(indexes[name] ?? []) }),
    }),
  } as unknown as MongoClient;
}

const uuid = new BSON.Binary(Buffer.from("0123456789abcdef0123456789abcdef", "hex"), 4);
const VALIDATED = {
  name: "people",
  type: "collection",
  options: {
    validator: { $jsonSchema: { required: ["name"] } },
    collation: { locale: "fr" },
    capped: true,
    size: 4096,
  },
  info: { readOnly: false, uuid },
};
const VIEW = {
  name: "adults",
  type: "view",
  options: { viewOn: "people", pipeline: [{ $match: { age: { $gte: 18 } } }] },
};
const PEOPLE_INDEXES = [
  { v: 2, key: { _id: 1 }, name: "_id_" },
  { v: 2, key: { last: 1, first: -1 }, name: "by_name", unique: true },
  { v: 2, key: { seen: 1 }, name: "expire_seen", expireAfterSeconds: 3600, partialFilterExpression: { active: true } },
];

describe("planDatabase", () => {
  it("writes each collection's options, indexes and UUID, views after collections, system collections left out", async () => {
    const client = listingClient([VIEW, { name: "system.profile", type: "collection" }, VALIDATED], {
      people: PEOPLE_INDEXES,
    });
    const prelude = await planDatabase(client, "app");
    expect(prelude.map((entry) => [entry.collection, entry.type])).toEqual([
      ["people", "collection"],
      ["adults", "view"],
    ]);
    const people = BSON.EJSON.parse(prelude[0]!.metadata, { relaxed: false }) as Document;
    expect(people.options.validator).toEqual(VALIDATED.options.validator);
    expect(people.options.collation).toEqual({ locale: "fr" });
    expect(people.options.capped).toBe(true);
    expect(people.uuid).toBe("0123456789abcdef0123456789abcdef");
    expect(people.indexes.map((index: Document) => index.name)).toEqual(["_id_", "by_name", "expire_seen"]);
    expect(Number(people.indexes[2].expireAfterSeconds)).toBe(3600);
    expect(people.indexes[2].partialFilterExpression).toEqual({ active: true });
    expect(Object.keys(people.indexes[1].key)).toEqual(["last", "first"]);
    const adults = BSON.EJSON.parse(prelude[1]!.metadata, { relaxed: false }) as Document;
    expect(adults.options).toMatchObject({ viewOn: "people" });
    expect(adults.indexes).toEqual([]);
  });

  it("refuses a time-series collection, naming it, rather than leaving its data out", async () => {
    const client = listingClient(
      [{ name: "metrics", type: "timeseries", options: { timeseries: { timeField: "t" } } }],
      {},
    );
    const planned = planDatabase(client, "app");
    await expect(planned).rejects.toThrow(DumpError);
    await expect(planned).rejects.toThrow(/app\.metrics is a timeseries collection.*backup\.mode=exec/);
  });
});

const entry = (
  db: string,
  collection: string,
  metadata: Document | string,
  type = "collection",
): PreludeCollection => ({
  db,
  collection,
  type,
  size: 0,
  metadata: typeof metadata === "string" ? metadata : BSON.EJSON.stringify(metadata, { relaxed: false }),
});

describe("planRestore", () => {
  const people = entry("app", "people", { options: VALIDATED.options, indexes: PEOPLE_INDEXES });
  const adults = entry("app", "adults", { options: VIEW.options, indexes: [] }, "view");

  it("takes options and indexes (without _id_) from the metadata, renamed into the target database", () => {
    const [collection, view] = planRestore([people, adults], "copy");
    expect(collection).toMatchObject({ database: "copy", options: { capped: true, collation: { locale: "fr" } } });
    expect(collection?.options.validator).toEqual(VALIDATED.options.validator);
    expect(collection?.indexes.map((index) => index.name)).toEqual(["by_name", "expire_seen"]);
    expect(Number(collection?.indexes[1]?.expireAfterSeconds)).toBe(3600);
    expect(view).toMatchObject({ database: "copy", options: { viewOn: "people" } });
  });

  it("picks the target from an archive of several databases, and names them when it is missing", () => {
    const other = entry("other", "things", { options: {}, indexes: [] });
    expect(planRestore([people, other], "other").map((item) => item.entry.collection)).toEqual(["things"]);
    expect(() => planRestore([people, other], "nope")).toThrow(/holds databases app, other, not nope/);
  });

  it("restores every user database under its own name without a target, system databases left out", () => {
    const admin = entry("admin", "system.version", { options: {}, indexes: [] });
    expect(planRestore([people, admin], undefined).map((item) => `${item.database}.${item.entry.collection}`)).toEqual([
      "app.people",
    ]);
  });

  it("names the collection whose metadata is not Extended JSON", () => {
    expect(() => planRestore([entry("app", "broken", "{not json")], "app")).toThrow(RestoreError);
    expect(() => planRestore([entry("app", "broken", "{not json")], "app")).toThrow(/metadata of app\.broken/);
  });
});
