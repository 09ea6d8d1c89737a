import { createHash, randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { Binary, BSON, type Document, Long, MongoClient, ObjectId } from "mongodb";

const { EJSON } = BSON;

import { runContainer, type TestContainer } from "../engine/containers.js";
import { databaseImage } from "../images/database-image.js";
import { freePort } from "./free-port.js";

export interface MongoServer {
  container: TestContainer;
  port: number;
  user: string;
  password: string;
  /** The root user's URI: for the test's own driver, never handed to the code under test. */
  uri: string;
  /** Runs `work` with a driver connected as the root user, and closes it after. */
  withClient<T>(work: (client: MongoClient) => Promise<T>): Promise<T>;
  /** Imports the sample dataset into `database` (default `appdb`): 3,000 customers, 5,000 orders, 500 events, with indexes. */
  seedSample(database?: string): Promise<void>;
  /**
   * Per sample collection: document count, a checksum of its canonical Extended JSON
   * ordered by _id, and a checksum of its options and indexes (name, key and options).
   */
  fingerprint(database?: string): Promise<string>;
}

/** The database the sample dataset goes to unless told otherwise. */
export const SAMPLE_DATABASE = "appdb";
const COLLECTIONS = ["customers", "orders", "events"] as const;

const many = (count: number, make: (i: number) => Document) => Array.from({ length: count }, (_, i) => make(i + 1));

/** Documents that exercise dates, ObjectIds, 64-bit integers, binaries, nesting and Unicode. */
const SEED: Record<(typeof COLLECTIONS)[number], () => Document[]> = {
  customers: () =>
    many(3000, (i) => ({
      _id: i,
      name: `customer ${i} 'quoted' ü`,
      joined: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000),
      balance: i * 1.25,
      tags: ["a", `b${i}`],
    })),
  orders: () =>
    many(5000, (i) => ({
      _id: new ObjectId(i.toString(16).padStart(24, "0")),
      customer: 1 + (i % 3000),
      total: Long.fromNumber(9_000_000_000 + i),
      payload: { n: i, note: "x".repeat(i % 50), items: [{ sku: `s${i % 7}`, qty: i % 5 }] },
    })),
  events: () =>
    many(500, (i) => ({
      _id: i,
      blob: new Binary(Buffer.from(`event ${i} \u0000\u00ff`, "latin1")),
      at: new Date(Date.UTC(2024, 5, 1, 0, 0, i)),
    })),
};

/** Indexes beyond `_id_`: unique, compound (key order matters) and plain ones. */
const INDEXES: Record<(typeof COLLECTIONS)[number], Array<{ key: Document; options: Document }>> = {
  customers: [
    { key: { name: 1 }, options: { name: "name_unique", unique: true } },
    { key: { joined: -1, balance: 1 }, options: { name: "joined_balance" } },
  ],
  orders: [{ key: { customer: 1 }, options: { name: "by_customer" } }],
  events: [{ key: { at: 1 }, options: { name: "by_time" } }],
};

/** Collections created with options before their data goes in: events is capped. */
const OPTIONS: Partial<Record<(typeof COLLECTIONS)[number], Document>> = {
  events: { capped: true, size: 64 * 1024 * 1024, max: 100_000 },
};

async function seedSample(server: MongoServer, database = SAMPLE_DATABASE): Promise<void> {
  await server.withClient(async (client) => {
    const db = client.db(database);
    for (const name of COLLECTIONS) {
      const options = OPTIONS[name];
      if (options) await db.createCollection(name, options);
      const documents = SEED[name]();
      for (let at = 0; at < documents.length; at += 1000) {
        await db.collection(name).insertMany(documents.slice(at, at + 1000), { ordered: true });
      }
      for (const { key, options } of INDEXES[name]) await db.collection(name).createIndex(key, options);
    }
  });
}

/** What of an index a restore must bring back: its name, key (in order) and options. */
function indexText(index: Document): string {
  const { v: _version, ns: _namespace, ...rest } = index;
  return EJSON.stringify(rest, { relaxed: false });
}

async function fingerprint(server: MongoServer, database = SAMPLE_DATABASE): Promise<string> {
  return server.withClient(async (client) => {
    const parts: string[] = [];
    for (const name of COLLECTIONS) {
      const collection = client.db(database).collection(name);
      const hash = createHash("sha256");
      let count = 0;
      for await (const document of collection.find({}, { sort: { _id: 1 }, promoteLongs: false })) {
        hash.update(EJSON.stringify(document, { relaxed: false })).update("\n");
        count++;
      }
      const indexes = (
        await collection
          .listIndexes()
          .toArray()
          .catch(() => [] as Document[])
      )
        .map(indexText)
        .sort()
        .join(",");
      const [listed] = await client.db(database).listCollections({ name }, { nameOnly: false }).toArray();
      const options = EJSON.stringify(listed?.options ?? {}, { relaxed: false });
      const indexHash = createHash("sha256").update(options).update(indexes).digest("hex").slice(0, 8);
      parts.push(`${name}:${count}:${hash.digest("hex").slice(0, 16)}:${indexHash}`);
    }
    return parts.join("/");
  });
}

export interface MongoServerOptions {
  name?: string;
  labels?: Record<string, string> | ((server: { port: number; password: string }) => Record<string, string>);
  user?: string;
  password?: string;
  /** Another image than the engine's MongoDB server image, e.g. one with stand-in tools added. */
  image?: string;
  /** `false`: no root user, no authentication, as the official image runs without its variables. */
  auth?: boolean;
}

/**
 * A MongoDB server in a container on the host network, on a free loopback port, with a
 * root user from MONGO_INITDB_ROOT_USERNAME / MONGO_INITDB_ROOT_PASSWORD as the official
 * image creates it. Where no official image can be had, the stand-in is FerretDB. The
 * test talks to it with the official driver, so no MongoDB tools are needed.
 */
export async function startMongoServer(docker: Docker, options: MongoServerOptions = {}): Promise<MongoServer> {
  const port = await freePort();
  const user = options.user ?? "root";
  const password = options.password ?? `pw-${randomBytes(12).toString("hex")}`;
  const labels = typeof options.labels === "function" ? options.labels({ port, password }) : options.labels;
  const container = await runContainer(docker, {
    image: options.image ?? (await databaseImage(docker, "mongo")),
    name: options.name ?? `lb-test-mongo-${randomBytes(4).toString("hex")}`,
    network: "host",
    env: options.auth === false ? {} : { MONGO_INITDB_ROOT_USERNAME: user, MONGO_INITDB_ROOT_PASSWORD: password },
    labels: labels ?? {},
    cmd: ["mongod", "--port", String(port), "--bind_ip", "127.0.0.1"],
  });
  const userinfo = options.auth === false ? "" : `${encodeURIComponent(user)}:${encodeURIComponent(password)}@`;
  const uri = `mongodb://${userinfo}127.0.0.1:${port}/?${options.auth === false ? "" : "authSource=admin&"}directConnection=true`;
  const server: MongoServer = {
    container,
    port,
    user,
    password,
    uri,
    async withClient(work) {
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
      try {
        await client.connect();
        return await work(client);
      } finally {
        await client.close();
      }
    },
    seedSample: (database) => seedSample(server, database),
    fingerprint: (database) => fingerprint(server, database),
  };
  await waitUntilReady(server);
  return server;
}

async function waitUntilReady(server: MongoServer): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    // An authenticated round trip: a listing of a collection that does not exist.
    const ok = await server
      .withClient((client) => client.db("admin").collection("lb_ready_probe").find().toArray())
      .then(
        () => true,
        () => false,
      );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`MongoDB in ${server.container.name} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
