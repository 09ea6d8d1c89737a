import type { BackupSpec } from "@lb/core";
import { createDockerRuntime } from "@lb/discovery";
import { startMongoServer } from "@lb/testing";
import type { DumperHarness, ServerUnderTest } from "@lb/testing/conformance";
import { testEngine } from "@lb/testing/vitest";
import { mongodbDumper } from "../src/index.js";
import { mongoSpec } from "./server-specs.js";

/**
 * The conformance harness for MongoDB in one `backup.mode`, on the engine's MongoDB
 * image or another one (the image with stand-in tools, for exec mode).
 */
export function mongoHarness(mode: BackupSpec["mode"], image?: () => string): DumperHarness {
  const { docker } = testEngine();
  return {
    dumper: mongodbDumper(),
    runtime: createDockerRuntime(docker),
    async startServer(): Promise<ServerUnderTest> {
      const server = await startMongoServer(docker, image ? { image: image() } : {});
      return {
        containerId: server.container.id,
        spec: (overrides) => mongoSpec(server, { mode, ...overrides }),
        seed: () => server.seedSample(),
        fingerprint: () => server.fingerprint(),
        badCredentials: () => ({
          conn: `mongodb://${server.user}:wrong-password@127.0.0.1:${server.port}/?authSource=admin`,
        }),
        missingDatabase: () => ({ database: "no_such_database" }),
        async stopServer() {
          // PID 1 is the container's init, which passes the signal on to the server.
          await server.container.exec(["kill", "-TERM", "1"]);
          await new Promise((resolve) => setTimeout(resolve, 1000));
        },
        remove: () => server.container.remove(),
      };
    },
  };
}
