import { createDockerRuntime } from "@lb/discovery";
import { startMongoServer } from "@lb/testing";
import { dumperConformanceSuite, type ServerUnderTest } from "@lb/testing/conformance";
import { testEngine } from "@lb/testing/vitest";
import { beforeAll } from "vitest";
import { mongodbDumper } from "../src/index.js";
import { mongoSpec } from "./server-specs.js";
import { mongoToolsStandInImage } from "./stand-ins/mongo-tools-image.js";

// Exec mode, with stand-ins for the MongoDB tools in the container (see
// stand-ins/mongo-tools-cli.ts). Built here, under the hook timeout.
let image: string;
beforeAll(async () => {
  image = await mongoToolsStandInImage(testEngine().docker);
});

dumperConformanceSuite("mongodb (exec mode, stand-in tools)", async () => {
  const { docker } = testEngine();
  return {
    dumper: mongodbDumper(),
    runtime: createDockerRuntime(docker),
    async startServer(): Promise<ServerUnderTest> {
      const server = await startMongoServer(docker, { image });
      return {
        containerId: server.container.id,
        spec: (overrides) => mongoSpec(server, { mode: "exec", ...overrides }),
        seed: () => server.seedSample(),
        fingerprint: () => server.fingerprint(),
        badCredentials: () => ({
          conn: `mongodb://${server.user}:wrong-password@127.0.0.1:${server.port}/?authSource=admin`,
        }),
        missingDatabase: () => ({ database: "no_such_database" }),
        async stopServer() {
          await server.container.exec(["kill", "-TERM", "1"]);
          await new Promise((resolve) => setTimeout(resolve, 1000));
        },
        remove: () => server.container.remove(),
      };
    },
  };
});
