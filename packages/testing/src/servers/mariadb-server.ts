import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { runContainer, type TestContainer } from "../engine/containers.js";
import { databaseImage } from "../images/database-image.js";
import { freePort } from "./free-port.js";

export interface MariadbServer {
  container: TestContainer;
  port: number;
  rootPassword: string;
  /** The application user the image created, with all rights on `database`. */
  user: string;
  password: string;
  database: string;
  /**
   * Runs SQL as root through the `mariadb` client inside the container; returns the
   * rows tab-separated, without column names.
   */
  sql(statement: string, database?: string): Promise<string>;
  /** The same as the application user, so routines, views and triggers are defined by it. */
  appSql(statement: string): Promise<string>;
}

export interface MariadbServerOptions {
  name?: string;
  labels?: Record<string, string> | ((server: { port: number; password: string }) => Record<string, string>);
  database?: string;
  user?: string;
  password?: string;
  rootPassword?: string;
  /**
   * The container's environment instead of the default `MARIADB_*` set, for tests of
   * other spellings (`MYSQL_*`, `*_FILE`); the port is always passed as an argument.
   */
  env?: Record<string, string>;
}

/**
 * A MariaDB server in a container on the host network, listening on a free loopback
 * port, initialised through the official image's variables. The port is a server
 * argument (`mariadbd --port=N`), which the official image and the stand-in both accept.
 */
export async function startMariadbServer(docker: Docker, options: MariadbServerOptions = {}): Promise<MariadbServer> {
  const port = await freePort();
  const user = options.user ?? "app";
  const password = options.password ?? `pw-${randomBytes(12).toString("hex")}`;
  const rootPassword = options.rootPassword ?? `root-${randomBytes(12).toString("hex")}`;
  const database = options.database ?? "appdb";
  const labels = typeof options.labels === "function" ? options.labels({ port, password }) : options.labels;
  const env = options.env ?? {
    MARIADB_ROOT_PASSWORD: rootPassword,
    MARIADB_DATABASE: database,
    MARIADB_USER: user,
    MARIADB_PASSWORD: password,
  };
  const container = await runContainer(docker, {
    image: await databaseImage(docker, "mariadb"),
    name: options.name ?? `lb-test-mariadb-${randomBytes(4).toString("hex")}`,
    network: "host",
    env,
    labels: labels ?? {},
    // Loopback only: test containers share the host's network.
    cmd: ["mariadbd", `--port=${port}`, "--bind-address=127.0.0.1"],
  });
  const server: MariadbServer = {
    container,
    port,
    rootPassword,
    user,
    password,
    database,
    sql: (statement, db = database) => runSql(container, "root", rootPassword, db, statement),
    appSql: (statement) => runSql(container, user, password, database, statement),
  };
  await waitUntilReady(server);
  return server;
}

async function runSql(
  container: TestContainer,
  user: string,
  password: string,
  database: string,
  statement: string,
): Promise<string> {
  const result = await container.exec(
    [
      "mariadb",
      `--user=${user}`,
      "--batch",
      "--skip-column-names",
      // Not the locale's charset: exec'd processes have no locale, and latin1 would garble text.
      "--default-character-set=utf8mb4",
      database,
    ],
    {
      env: [`MYSQL_PWD=${password}`],
      stdin: statement,
    },
  );
  if (result.exitCode !== 0) throw new Error(`mariadb exited ${result.exitCode}: ${result.stderr}`);
  return result.stdout.trim();
}

async function waitUntilReady(server: MariadbServer): Promise<void> {
  const deadline = Date.now() + 90_000;
  // Over TCP: the initialisation server listens on the socket only, so a TCP answer
  // means the real server is up and initialisation has finished.
  for (;;) {
    const probe = await server.container.exec(
      ["mariadb-admin", "--protocol=tcp", "--host=127.0.0.1", `--port=${server.port}`, "--user=root", "ping"],
      { env: [`MYSQL_PWD=${server.rootPassword}`] },
    );
    if (probe.exitCode === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`MariaDB in ${server.container.name} did not become ready: ${probe.stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
