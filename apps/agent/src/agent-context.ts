import type { ContainerRuntime, Dumper, Logger } from "@lb/core";
import { connectDocker, createDockerRuntime } from "@lb/discovery";
import type { AgentSettings } from "@lb/labels";
import type Docker from "dockerode";
import { createDestinations, type Destinations } from "./destinations.js";
import { loadDumpers } from "./plugins/load-dumpers.js";

/** What every command needs: the engine, the dumpers (with plugins), the destinations. */
export interface AgentContext {
  settings: AgentSettings;
  env: Record<string, string | undefined>;
  docker: Docker;
  runtime: ContainerRuntime;
  dumpers: Map<string, Dumper>;
  destinations: Destinations;
}

export async function createAgentContext(
  settings: AgentSettings,
  env: Record<string, string | undefined>,
  logger: Logger,
): Promise<AgentContext> {
  const docker = connectDocker(settings.dockerHost);
  return {
    settings,
    env,
    docker,
    runtime: createDockerRuntime(docker),
    dumpers: await loadDumpers(settings.runtime.plugins),
    destinations: createDestinations(settings, logger.child({ component: "destinations" })),
  };
}
