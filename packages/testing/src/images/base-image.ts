import { createReadStream } from "node:fs";
import type Docker from "dockerode";
import { ensureRootfsTarball, recipeHash, STAND_IN_ROOTFS } from "./debian-rootfs.js";

export async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Waits for a build, import or pull to finish; rejects on the first error line. */
export function followProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
      const failed = output?.find((line) => line.error);
      if (error) reject(error);
      else if (failed) reject(new Error(failed.error));
      else resolve();
    });
  });
}

/** The Debian root filesystem every stand-in is built on, imported into the engine once. */
export async function ensureBaseImage(docker: Docker): Promise<string> {
  const name = `lb-standin-base:${recipeHash(STAND_IN_ROOTFS)}`;
  if (await imageExists(docker, name)) return name;
  const tarball = await ensureRootfsTarball(STAND_IN_ROOTFS);
  const [repo, tag] = name.split(":") as [string, string];
  await followProgress(docker, await docker.importImage(createReadStream(tarball), { repo, tag }));
  return name;
}
