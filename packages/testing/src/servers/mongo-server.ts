import { createHash, randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { runContainer, type TestContainer } from "../engine/containers.js";
import { databaseImage } from "../images/database-image.js";
import { freePort } from "./free-port.js";

export interface MongoServer {
  container: TestContainer;
  port: number;
  user: string;
  password: string;
  /** Where the test helpers' tool config lives inside the container (URI with credentials). */
  toolConfig: string;
  /**
   * Runs a database tool (mongoimport, mongoexport, ...) inside the container as the root
   * user; the URI travels in a config file, never in argv. Returns stdout.
   */
  tool(name: string, args: string[], stdin?: string): Promise<string>;
  /** Imports the sample dataset into `database` (default `appdb`): 3,000 customers, 5,000 orders, 500 events. */
  seedSample(database?: string): Promise<void>;
  /** Per sample collection: document count and a checksum of its canonical export, ordered by _id. */
  fingerprint(database?: string): Promise<string>;
}

/** The database the sample dataset goes to unless told otherwise. */
export const SAMPLE_DATABASE = "appdb";
const COLLECTIONS = ["customers", "orders", "events"] as const;

function lines(count: number, make: (i: number) => unknown): string {
  return `${Array.from({ length: count }, (_, i) => JSON.stringify(make(i + 1))).join("\n")}\n`;
}

/** Extended JSON that exercises dates, ObjectIds, 64-bit integers, binaries, nesting and Unicode. */
const SEED: Record<(typeof COLLECTIONS)[number], string> = {
  customers: lines(3000, (i) => ({
    _id: i,
    name: `customer ${i} 'quoted' ü`,
    joined: { $date: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString() },
    balance: i * 1.25,
    tags: ["a", `b${i}`],
  })),
  orders: lines(5000, (i) => ({
    _id: { $oid: i.toString(16).padStart(24, "0") },
    customer: 1 + (i % 3000),
    total: { $numberLong: String(9_000_000_000 + i) },
    payload: { n: i, note: "x".repeat(i % 50), items: [{ sku: `s${i % 7}`, qty: i % 5 }] },
  })),
  events: lines(500, (i) => ({
    _id: i,
    blob: { $binary: { base64: Buffer.from(`event ${i} \u0000\u00ff`, "latin1").toString("base64"), subType: "00" } },
    at: { $date: new Date(Date.UTC(2024, 5, 1, 0, 0, i)).toISOString() },
  })),
};

async function seedSample(server: MongoServer, database = SAMPLE_DATABASE): Promise<void> {
  for (const collection of COLLECTIONS) {
    await server.tool("mongoimport", [`--db=${database}`, `--collection=${collection}`], SEED[collection]);
  }
}

/** Per collection: document count and the SHA-256 of its canonical Extended JSON export, ordered by _id. */
async function fingerprint(server: MongoServer, database = SAMPLE_DATABASE): Promise<string> {
  const parts: string[] = [];
  for (const collection of COLLECTIONS) {
    const exported = await server.tool("mongoexport", [
      `--db=${database}`,
      `--collection=${collection}`,
      '--sort={"_id":1}',
      "--jsonFormat=canonical",
    ]);
    const count = exported.split("\n").filter(Boolean).length;
    parts.push(`${collection}:${count}:${createHash("sha256").update(exported).digest("hex").slice(0, 16)}`);
  }
  return parts.join("/");
}

export interface MongoServerOptions {
  name?: string;
  labels?: Record<string, string> | ((server: { port: number; password: string }) => Record<string, string>);
  user?: string;
  password?: string;
}

/**
 * A MongoDB server in a container on the host network, on a free loopback port, with a
 * root user from MONGO_INITDB_ROOT_USERNAME / MONGO_INITDB_ROOT_PASSWORD as the official
 * image creates it. Where no official image can be had, the stand-in is FerretDB.
 */
export async function startMongoServer(docker: Docker, options: MongoServerOptions = {}): Promise<MongoServer> {
  const port = await freePort();
  const user = options.user ?? "root";
  const password = options.password ?? `pw-${randomBytes(12).toString("hex")}`;
  const labels = typeof options.labels === "function" ? options.labels({ port, password }) : options.labels;
  const container = await runContainer(docker, {
    image: await databaseImage(docker, "mongo"),
    name: options.name ?? `lb-test-mongo-${randomBytes(4).toString("hex")}`,
    network: "host",
    env: { MONGO_INITDB_ROOT_USERNAME: user, MONGO_INITDB_ROOT_PASSWORD: password },
    labels: labels ?? {},
    cmd: ["mongod", "--port", String(port), "--bind_ip", "127.0.0.1"],
  });
  const toolConfig = "/tmp/lb-test-tools.yaml";
  const uri = `mongodb://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/?authSource=admin`;
  const written = await container.exec(["sh", "-c", 'umask 077 && cat > "$0"', toolConfig], {
    stdin: `uri: ${JSON.stringify(uri)}\n`,
  });
  if (written.exitCode !== 0) throw new Error(`cannot write ${toolConfig}: ${written.stderr}`);
  const server: MongoServer = {
    container,
    port,
    user,
    password,
    toolConfig,
    async tool(name, args, stdin) {
      const result = await container.exec(
        [name, `--config=${toolConfig}`, "--quiet", ...args],
        stdin === undefined ? {} : { stdin },
      );
      if (result.exitCode !== 0) throw new Error(`${name} exited ${result.exitCode}: ${result.stderr}`);
      return result.stdout;
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
    const ok = await server.tool("mongoexport", ["--db=admin", "--collection=lb_ready_probe"]).then(
      () => true,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`MongoDB in ${server.container.name} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
