import { databaseImage, minioMissingReason, runContainer, startMinioServer } from "@lb/testing";
import type Docker from "dockerode";
import { onCleanup } from "./cleanup.js";
import { benchLabels } from "./datasets/dataset.js";
import type { PostgresDataset } from "./datasets/postgres.js";

export interface RemoteTarget {
  /** The container to name in `label-backup backup`. */
  target: string;
  /** The agent's S3 settings for one run, with a fresh bucket so runs do not add up. */
  env(): Promise<Record<string, string>>;
  /** Stops MinIO and removes the sidecar. */
  stop(): Promise<void>;
}

/**
 * A second labelled container for backups to MinIO (`backup.dest=remote`): labels
 * cannot change on a running container, so a sidecar from the same image runs pg_dump
 * against the dataset's server over loopback TCP (`backup.conn`, password from its
 * POSTGRES_PASSWORD). A reason instead when MinIO cannot run here.
 */
export async function prepareRemoteTarget(
  docker: Docker,
  dataset: PostgresDataset,
): Promise<{ remote: RemoteTarget } | { reason: string }> {
  const missing = await minioMissingReason().catch((error: Error) => error.message);
  if (missing) return { reason: `MinIO cannot run here: ${missing}` };
  const minio = await startMinioServer();
  const stopMinio = onCleanup("MinIO", () => minio.stop());
  const { server } = dataset;
  const sidecar = await runContainer(docker, {
    image: await databaseImage(docker, "postgres"),
    name: `${dataset.container.name}-s3`,
    network: "host",
    cmd: ["sleep", "infinity"],
    env: { POSTGRES_PASSWORD: server.password },
    labels: benchLabels("postgres", {
      "backup.database": server.database,
      "backup.dest": "remote",
      "backup.conn": `postgresql://${server.user}@127.0.0.1:${server.port}/${server.database}`,
    }),
  });
  const removeSidecar = onCleanup(`container ${sidecar.name}`, () => sidecar.remove());
  return {
    remote: {
      target: sidecar.name,
      async env() {
        return {
          BUCKET_NAME: await minio.freshBucket(),
          REGION: minio.region,
          ENDPOINT: minio.endpoint,
          ACCESS_KEY_ID: minio.root.accessKeyId,
          SECRET_ACCESS_KEY: minio.root.secretAccessKey,
          S3_USE_PATH_STYLE: "true",
        };
      },
      async stop() {
        await removeSidecar();
        await stopMinio();
      },
    },
  };
}
