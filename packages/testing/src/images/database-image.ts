import type Docker from "dockerode";
import { ensureStandInImage, type StandInEngine } from "./stand-in-images.js";

/** The official image tried first for each engine. */
const OFFICIAL: Record<StandInEngine, string> = {
  postgres: "postgres:17",
  redis: "redis:7",
  mongo: "mongo:7",
  mariadb: "mariadb:11",
};

let registryUnreachable = false;

async function present(docker: Docker, name: string): Promise<boolean> {
  return docker
    .getImage(name)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

async function tryPull(docker: Docker, name: string, timeoutMs: number): Promise<boolean> {
  if (registryUnreachable) return false;
  try {
    const pulled = new Promise<boolean>((resolve) => {
      docker.pull(name, (error: Error | null, stream?: NodeJS.ReadableStream) => {
        if (error || !stream) return resolve(false);
        docker.modem.followProgress(stream, (err: Error | null) => resolve(!err));
      });
    });
    const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    const ok = await Promise.race([pulled, timedOut]);
    if (!ok) registryUnreachable = true;
    return ok;
  } catch {
    registryUnreachable = true;
    return false;
  }
}

/**
 * The server image for `engine`: the official one when the engine has it or can pull
 * it, else a local stand-in built from Debian packages.
 */
export async function databaseImage(docker: Docker, engine: StandInEngine): Promise<string> {
  const official = OFFICIAL[engine];
  if (process.env.LB_TEST_STAND_INS !== "1") {
    if (await present(docker, official)) return official;
    if (await tryPull(docker, official, 15_000)) return official;
  }
  return ensureStandInImage(docker, engine);
}
