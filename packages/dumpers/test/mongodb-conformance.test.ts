import { createDockerRuntime } from "@lb/discovery";
import { databaseImage, startMongoServer } from "@lb/testing";
import { dumperConformanceSuite, type ServerUnderTest } from "@lb/testing/conformance";
import { testEngine } from "@lb/testing/vitest";
import { beforeAll } from "vitest";
import { mongodbDumper } from "../src/index.js";
import { mongoSpec } from "./server-specs.js";

// The stand-in image builds FerretDB from Go on first use (minutes when cold): done here,
// under the hook timeout, rather than inside the first test. The image has no MongoDB
// tools: this is the suite for the native client.
beforeAll(() => databaseImage(testEngine().docker, "mongo"));

dumperConformanceSuite("mongodb (native client)", async () => {
  const { docker } = testEngine();
  return {
    dumper: mongodbDumper(),
    runtime: createDockerRuntime(docker),
    async startServer(): Promise<ServerUnderTest> {
      const server = await startMongoServer(docker);
      return {
        containerId: server.container.id,
        spec: (overrides) => mongoSpec(server, { mode: "client", ...overrides }),
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
});
