import type Docker from "dockerode";

export interface LabelledContainer {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  /** When the engine created it, in seconds since the epoch: the older of two claimants keeps a target. */
  created: number;
}

/**
 * Running containers that carry a `backup.enabled` label, whatever its value: the
 * caller decides what the value means, so a mistyped value is reported, not ignored.
 */
export async function listLabelledContainers(docker: Docker): Promise<LabelledContainer[]> {
  const containers = await docker.listContainers({ filters: { label: ["backup.enabled"], status: ["running"] } });
  return containers.map(toLabelledContainer);
}

/**
 * Running containers with any `backup.*` label, for reports that should also show
 * containers whose labels are incomplete (say, `backup.enabled` forgotten).
 */
export async function listContainersWithBackupLabels(docker: Docker): Promise<LabelledContainer[]> {
  const containers = await docker.listContainers({ filters: { status: ["running"] } });
  return containers
    .filter((c) => Object.keys(c.Labels ?? {}).some((label) => label.startsWith("backup.")))
    .map(toLabelledContainer);
}

function toLabelledContainer(c: Docker.ContainerInfo): LabelledContainer {
  return {
    id: c.Id,
    name: (c.Names[0] ?? c.Id).replace(/^\//, ""),
    image: c.Image,
    labels: c.Labels ?? {},
    created: c.Created ?? 0,
  };
}
