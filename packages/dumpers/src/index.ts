export { type ArchiveSummary, type ArchiveVerdict, ArchiveVerifier } from "./mongodb/archive-verifier.js";
export { type MongoConnection, mongoConnection } from "./mongodb/mongodb-connection.js";
export { mongodbDumper } from "./mongodb/mongodb-dumper.js";
export { type MysqlCredentials, mysqlCredentials } from "./mysql/mysql-credentials.js";
export { mysqlDumper } from "./mysql/mysql-dumper.js";
export { type PostgresCredentials, postgresCredentials } from "./postgres/postgres-credentials.js";
export { postgresDumper } from "./postgres/postgres-dumper.js";
export { type RdbVerdict, RdbVerifier } from "./redis/rdb-verifier.js";
export { type RedisConnection, redisConnection, requirepassIn } from "./redis/redis-connection.js";
export { type RedisDumperOptions, redisDumper } from "./redis/redis-dumper.js";
export { type CommandResult, lastLines, runCommand } from "./shared/run-command.js";
export { type ExecDumpPlan, runExecDump } from "./shared/run-exec-dump.js";
export { HeadTailWindow } from "./shared/tail-window.js";
export { type TarVerdict, TarWalk } from "./volume/tar-walk.js";
export { volumeDumper } from "./volume/volume-dumper.js";

import type { Dumper } from "@lb/core";
import { mongodbDumper } from "./mongodb/mongodb-dumper.js";
import { mysqlDumper } from "./mysql/mysql-dumper.js";
import { postgresDumper } from "./postgres/postgres-dumper.js";
import { redisDumper } from "./redis/redis-dumper.js";
import { volumeDumper } from "./volume/volume-dumper.js";

/** The engines this package ships, by `backup.type`. */
export function builtInDumpers(): Dumper[] {
  return [postgresDumper(), redisDumper(), mongodbDumper(), mysqlDumper(), volumeDumper()];
}
