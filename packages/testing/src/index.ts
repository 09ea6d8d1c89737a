export {
  type ExecOutput,
  type RunOptions,
  runContainer,
  type TestContainer,
  wrapContainer,
} from "./engine/containers.js";
export {
  connectOrStartDockerEngine,
  type DockerEngine,
  dockerFromHost,
  type PrivateDockerEngine,
  startPrivateDockerEngine,
} from "./engine/docker-engine.js";
export { backupSpecFor } from "./fixtures/backup-spec.js";
export { type ChildOutput, collectChildOutput } from "./fixtures/child-output.js";
export { type DumpVerdict, drainDump, drainDumpText, dumpVerdict } from "./fixtures/drain-dump.js";
export { type LogEntry, type RecordingLogger, recordingLogger } from "./fixtures/recording-logger.js";
export { type RecordingRuntime, recordingRuntime } from "./fixtures/recording-runtime.js";
export { followProgress, imageExists } from "./images/base-image.js";
export { databaseImage } from "./images/database-image.js";
export { ensureRootfsTarball, type RootfsRecipe, STAND_IN_ROOTFS } from "./images/debian-rootfs.js";
export { ensureCachedImage, ensureNodeBaseImage, NODE_BASE_STAND_IN, nodeBaseImageName } from "./images/node-image.js";
export { ensureStandInImage, type StandInEngine } from "./images/stand-in-images.js";
export { freePort } from "./servers/free-port.js";
export { type MariadbServer, type MariadbServerOptions, startMariadbServer } from "./servers/mariadb-server.js";
export {
  findMinio,
  MINIO_BUILD,
  type MinioServer,
  type MultipartUploadInfo,
  minioMissingReason,
  type S3Credentials,
  startMinioServer,
} from "./servers/minio-server.js";
export { type MongoServer, type MongoServerOptions, startMongoServer } from "./servers/mongo-server.js";
export { type PostgresServer, type PostgresServerOptions, startPostgresServer } from "./servers/postgres-server.js";
export { type RedisServer, type RedisServerOptions, startRedisServer } from "./servers/redis-server.js";
export {
  type ReceivedRequest,
  type Responder,
  startWebhookReceiver,
  type WebhookReceiver,
} from "./servers/webhook-receiver.js";
