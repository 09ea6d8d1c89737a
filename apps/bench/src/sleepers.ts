import type Docker from "dockerode";
import { benchLabels } from "./datasets/dataset.js";
import { memAvailable } from "./proc.js";

export interface SleeperOptions {
  image: string;
  /** Prefix of the container names; the index follows. */
  namePrefix: string;
  /** Stop adding containers when MemAvailable would fall below this. */
  reserveBytes: number;
  log: (line: string) => void;
}

/** A labelled target that does nothing: `sleep infinity`, no network, far-away schedule. */
async function startSleeper(docker: Docker, options: SleeperOptions, index: number): Promise<string> {
  const container = await docker.createContainer({
    name: `${options.namePrefix}-${index}`,
    Image: options.image,
    Cmd: ["sleep", "infinity"],
    Labels: benchLabels("postgres", { "backup.database": "appdb" }),
    HostConfig: { NetworkMode: "none" },
  });
  try {
    await container.start();
  } catch (error) {
    await container.remove({ force: true }).catch(() => {});
    throw error;
  }
  return container.id;
}

/**
 * Adds labelled sleepers until `ids` holds `count`, in parallel batches, checking
 * memory before each batch: every container costs a containerd shim besides its own
 * process. Returns why it stopped short, if it did.
 */
export async function growSleepers(
  docker: Docker,
  ids: string[],
  count: number,
  options: SleeperOptions,
  batchSize = 10,
): Promise<string | undefined> {
  const before = memAvailable();
  const startCount = ids.length;
  while (ids.length < count) {
    const available = memAvailable();
    if (available < options.reserveBytes) {
      return `stopped at ${ids.length} containers: MemAvailable ${(available / 2 ** 30).toFixed(1)} GiB is under the ${(options.reserveBytes / 2 ** 30).toFixed(0)} GiB reserve`;
    }
    const batch = Array.from({ length: Math.min(batchSize, count - ids.length) }, (_, i) => ids.length + i);
    const started = await Promise.allSettled(batch.map((index) => startSleeper(docker, options, index)));
    for (const s of started) if (s.status === "fulfilled") ids.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) return `stopped at ${ids.length} containers: ${String(failed.reason)}`;
    if (ids.length % 100 === 0) {
      const perContainer = (before - memAvailable()) / Math.max(ids.length - startCount, 1);
      options.log(`${ids.length} labelled containers running (~${(perContainer / 2 ** 20).toFixed(1)} MiB each)`);
    }
  }
  return undefined;
}

/** Removes containers by id, in parallel batches; errors other than "already gone" are returned. */
export async function removeContainers(docker: Docker, ids: string[], batchSize = 20): Promise<void> {
  const pending = ids.splice(0);
  for (let i = 0; i < pending.length; i += batchSize) {
    await Promise.all(
      pending.slice(i, i + batchSize).map((id) =>
        docker
          .getContainer(id)
          .remove({ force: true, v: true })
          .catch((error: { statusCode?: number }) => {
            if (error.statusCode !== 404) throw error;
          }),
      ),
    );
  }
}
