import type { ContainerLabelsInput } from "./types.js";

export const COMPOSE_PROJECT_LABEL = "com.docker.compose.project";
export const COMPOSE_SERVICE_LABEL = "com.docker.compose.service";
export const COMPOSE_NUMBER_LABEL = "com.docker.compose.container-number";

/**
 * A name for the backup target that survives container re-creation: `project/service`
 * from the compose labels when both are present, else the container name. Docker names
 * cannot hold `/`, so the two forms never collide. A scaled service's replicas after the
 * first get `/<number>` so that each keeps its own job.
 */
export function targetIdentity(container: ContainerLabelsInput): string {
  const project = container.labels[COMPOSE_PROJECT_LABEL]?.trim();
  const service = container.labels[COMPOSE_SERVICE_LABEL]?.trim();
  if (project && service) {
    const number = container.labels[COMPOSE_NUMBER_LABEL]?.trim();
    const replica = number && /^\d+$/.test(number) && Number(number) > 1 ? `/${Number(number)}` : "";
    return `${project}/${service}${replica}`;
  }
  const name = container.name.replace(/^\/+/, "").trim();
  return name !== "" ? name : container.id;
}
