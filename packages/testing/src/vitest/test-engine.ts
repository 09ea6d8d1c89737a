import type Docker from "dockerode";
import { inject } from "vitest";
import { dockerFromHost } from "../engine/docker-engine.js";
import "./provided-context.js";

/** The engine the global setup connected to or started, as `DOCKER_HOST` and a client. */
export function testEngine(): { dockerHost: string; docker: Docker } {
  const dockerHost = inject("dockerHost");
  if (!dockerHost) throw new Error("no test engine: add @lb/testing/vitest-global-setup to test.globalSetup");
  return { dockerHost, docker: dockerFromHost(dockerHost) };
}
