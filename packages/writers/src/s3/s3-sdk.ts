import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import type { S3WriterSettings } from "./s3-settings.js";

export type S3Sdk = typeof import("@aws-sdk/client-s3");
export type S3Storage = typeof import("@aws-sdk/lib-storage");

export interface S3Context {
  sdk: S3Sdk;
  storage: S3Storage;
  client: S3Client;
}

let loading: Promise<{ sdk: S3Sdk; storage: S3Storage }> | undefined;

/** The AWS SDK, loaded on first use: an agent that only writes to local disk never loads it. */
function loadSdk(): Promise<{ sdk: S3Sdk; storage: S3Storage }> {
  loading ??= Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/lib-storage")]).then(([sdk, storage]) => ({
    sdk,
    storage,
  }));
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

export function clientConfig(settings: S3WriterSettings): S3ClientConfig {
  const config: S3ClientConfig = {
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    // A server that is down fails the connection in seconds; a slow one may take its
    // time per part, but a socket idle for two minutes is dead.
    requestHandler: { connectionTimeout: 10_000, socketTimeout: 120_000 },
  };
  if (settings.endpoint !== undefined) {
    config.endpoint = settings.endpoint;
    // S3-compatible servers (R2, Garage, older MinIO, ...) reject the CRC32 checksums the
    // SDK adds to every request by default; send them only where S3 requires one.
    config.requestChecksumCalculation = "WHEN_REQUIRED";
    config.responseChecksumValidation = "WHEN_REQUIRED";
  }
  // Without both, the SDK's default chain (environment, profile, container or instance role).
  if (settings.accessKeyId !== undefined && settings.secretAccessKey !== undefined) {
    config.credentials = { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey };
  }
  return config;
}

export async function createS3Context(settings: S3WriterSettings): Promise<S3Context> {
  const { sdk, storage } = await loadSdk();
  return { sdk, storage, client: new sdk.S3Client(clientConfig(settings)) };
}
