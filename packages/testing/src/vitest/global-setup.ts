import type { TestProject } from "vitest/node";
import { connectOrStartDockerEngine } from "../engine/docker-engine.js";

import "./provided-context.js";

/**
 * Vitest global setup for suites that need a container engine: connects to the one
 * `DOCKER_HOST` names, or starts a private one for the run and stops it afterwards.
 * Use it with `test.globalSetup: ["@lb/testing/vitest-global-setup"]`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const engine = await connectOrStartDockerEngine();
  project.provide("dockerHost", engine.dockerHost);
  return () => engine.stop();
}
