import { createDockerRuntime } from "@lb/discovery";
import { databaseImage, startRedisServer } from "@lb/testing";
import { dumperConformanceSuite, type ServerUnderTest } from "@lb/testing/conformance";
import { testEngine } from "@lb/testing/vitest";
import { beforeAll } from "vitest";
import { redisDumper } from "../src/index.js";
import { redisSpec } from "./server-specs.js";

// The image is built (or found) once, under the hook timeout, rather than inside the first test.
beforeAll(() => databaseImage(testEngine().docker, "redis"));

dumperConformanceSuite("redis", async () => {
  const { docker } = testEngine();
  return {
    dumper: redisDumper(),
    runtime: createDockerRuntime(docker),
    async startServer(): Promise<ServerUnderTest> {
      const server = await startRedisServer(docker);
      return {
        containerId: server.container.id,
        spec: (overrides) => redisSpec(server, overrides),
        seed: () => server.seedSample(),
        fingerprint: () => server.fingerprint(),
        badCredentials: () => ({ conn: `redis://:wrong-password@127.0.0.1:${server.port}` }),
        // An RDB snapshot holds every logical database; there is no database to name.
        missingDatabase: () => undefined,
        async stopServer() {
          await server.container.exec(["redis-cli", "-p", String(server.port), "SHUTDOWN", "NOSAVE"], {
            env: [`REDISCLI_AUTH=${server.password}`],
          });
          await new Promise((resolve) => setTimeout(resolve, 1000));
        },
        remove: () => server.container.remove(),
      };
    },
  };
});
