import { statfs } from "node:fs/promises";
import { WriteError } from "@lb/core";

const MIB = 1024 * 1024;

/** Refuses to start a backup when the folder's file system has less free space than `floorBytes`. */
export async function checkFreeSpace(folder: string, floorBytes: number): Promise<void> {
  if (floorBytes <= 0) return;
  const stats = await statfs(folder);
  const free = stats.bavail * stats.bsize;
  if (free < floorBytes) {
    throw new WriteError(
      `only ${Math.floor(free / MIB)} MiB free under ${folder}, below the floor of ${Math.floor(floorBytes / MIB)} MiB (LOCAL_MIN_FREE_SPACE); nothing was written`,
    );
  }
}
