import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { runContainer, type TestContainer } from "../engine/containers.js";
import { databaseImage } from "../images/database-image.js";
import { freePort } from "./free-port.js";

export interface PostgresServer {
  container: TestContainer;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Runs SQL through psql inside the container; returns unaligned, tuples-only output. */
  sql(statement: string, database?: string): Promise<string>;
}

export interface PostgresServerOptions {
  name?: string;
  labels?: Record<string, string> | ((server: { port: number; password: string }) => Record<string, string>);
  database?: string;
  user?: string;
  password?: string;
}

/**
 * A PostgreSQL server in a container on the host network, listening on a free
 * loopback port, initialised through the official image's variables.
 */
export async function startPostgresServer(
  docker: Docker,
  options: PostgresServerOptions = {},
): Promise<PostgresServer> {
  const port = await freePort();
  const user = options.user ?? "app";
  const password = options.password ?? `pw-${randomBytes(12).toString("hex")}`;
  const database = options.database ?? "appdb";
  const labels = typeof options.labels === "function" ? options.labels({ port, password }) : options.labels;
  const container = await runContainer(docker, {
    image: await databaseImage(docker, "postgres"),
    name: options.name ?? `lb-test-pg-${randomBytes(4).toString("hex")}`,
    network: "host",
    env: { POSTGRES_USER: user, POSTGRES_PASSWORD: password, POSTGRES_DB: database, PGPORT: String(port) },
    labels: labels ?? {},
  });
  const server: PostgresServer = {
    container,
    port,
    user,
    password,
    database,
    async sql(statement, db = database) {
      const result = await container.exec(["psql", "-v", "ON_ERROR_STOP=1", "-At", "-U", user, "-d", db], {
        stdin: statement,
      });
      if (result.exitCode !== 0) throw new Error(`psql exited ${result.exitCode}: ${result.stderr}`);
      return result.stdout.trim();
    },
  };
  await waitUntilReady(server);
  return server;
}

async function waitUntilReady(server: PostgresServer): Promise<void> {
  const deadline = Date.now() + 60_000;
  // Over TCP: the entrypoint's initialisation server listens on the socket only, so a
  // TCP answer means the real server is up.
  for (;;) {
    const probe = await server.container.exec(["pg_isready", "-h", "127.0.0.1", "-p", String(server.port)]);
    if (probe.exitCode === 0) return;
    if (Date.now() > deadline) throw new Error(`PostgreSQL in ${server.container.name} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
