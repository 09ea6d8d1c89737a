import { execFile } from "node:child_process";
import { mkdtemp, open, rm, stat, statfs } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Name of the file that fills the disk: not the writer's temp prefix, so no check mistakes it for a leak. */
export const FILLER_NAME = ".soak-filler";

export interface SmallDisk {
  dir: string;
  sizeBytes: number;
  /** Fills the disk to the last byte; resolves with the bytes written. */
  fill(): Promise<number>;
  /** Removes what `fill` wrote. */
  free(): Promise<void>;
  freeBytes(): Promise<number>;
  /** Unmounts and removes the folder. */
  remove(): Promise<void>;
}

/**
 * A small tmpfs for `LOCAL_BACKUP_PATH`: a disk the soak can fill in a moment without
 * touching the machine's own. Needs root, as `mount` does.
 */
export async function mountSmallDisk(sizeMiB: number): Promise<SmallDisk> {
  if (process.getuid?.() !== 0) throw new Error("the soak mounts a tmpfs for the local backups and must run as root");
  const dir = await mkdtemp(join(tmpdir(), "lb-soak-disk-"));
  try {
    await run("mount", ["-t", "tmpfs", "-o", `size=${sizeMiB}m`, "tmpfs", dir]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const filler = join(dir, FILLER_NAME);
  const freeBytes = async () => {
    const stats = await statfs(dir);
    return stats.bavail * stats.bsize;
  };
  return {
    dir,
    sizeBytes: sizeMiB * 2 ** 20,
    freeBytes,
    async fill() {
      // fallocate takes the space at once; the write loop then takes what it left, until ENOSPC.
      const free = await freeBytes();
      if (free > 0) await run("fallocate", ["-l", String(free), filler]).catch(() => undefined);
      const handle = await open(filler, "a");
      const chunk = Buffer.alloc(64 * 1024, 0x5a);
      try {
        for (;;) await handle.write(chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
      } finally {
        await handle.close();
      }
      return (await stat(filler)).size;
    },
    async free() {
      await rm(filler, { force: true });
    },
    async remove() {
      await run("umount", ["-l", dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
