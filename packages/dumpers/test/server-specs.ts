import type { BackupSpec } from "@lb/core";
import {
  backupSpecFor,
  type MariadbServer,
  type MongoServer,
  type PostgresServer,
  type RedisServer,
  type TestContainer,
} from "@lb/testing";

// One spec per engine for the servers @lb/testing starts, shared by the dumper tests and
// the conformance harnesses. `overrides` change single fields.

/** The port from `backup.conn`, the root user from the container's environment. */
export function mongoSpec(server: MongoServer, overrides: Partial<BackupSpec> = {}): BackupSpec {
  return backupSpecFor(server.container, {
    engine: "mongodb",
    database: "appdb",
    conn: `mongodb://127.0.0.1:${server.port}/`,
    ...overrides,
  });
}

/** The port from `backup.conn`, the password from the container's `REDIS_PASSWORD`. */
export function redisSpec(server: RedisServer, overrides: Partial<BackupSpec> = {}): BackupSpec {
  return backupSpecFor(server.container, {
    engine: "redis",
    database: "0",
    conn: `redis://127.0.0.1:${server.port}`,
    ...overrides,
  });
}

/** The app database, with the credentials in the container's environment. */
export function mysqlSpec(server: MariadbServer, overrides: Partial<BackupSpec> = {}): BackupSpec {
  return backupSpecFor(server.container, { engine: "mysql", database: server.database, ...overrides });
}

/** The app database, with the credentials in the container's environment. */
export function postgresSpec(server: PostgresServer, overrides: Partial<BackupSpec> = {}): BackupSpec {
  return backupSpecFor(server.container, { engine: "postgres", database: server.database, ...overrides });
}

/** `path` inside the container. */
export function volumeSpec(container: TestContainer, path: string, overrides: Partial<BackupSpec> = {}): BackupSpec {
  return backupSpecFor(container, { engine: "volume", database: path, path, ...overrides });
}
