import type Docker from "dockerode";

export interface LabelledContainer {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
}

/**
 * Running containers that carry a `backup.enabled` label, whatever its value: the
 * caller decides what the value means, so a mistyped value is reported, not ignored.
 */
export async function listLabelledContainers(docker: Docker): Promise<LabelledContainer[]> {
  const containers = await docker.listContainers({ filters: { label: ["backup.enabled"], status: ["running"] } });
  return containers.map((c) => ({
    id: c.Id,
    name: (c.Names[0] ?? c.Id).replace(/^\//, ""),
    image: c.Image,
    labels: c.Labels ?? {},
  }));
}
