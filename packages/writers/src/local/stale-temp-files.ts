import { readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { TEMP_PREFIX } from "./atomic-file.js";

/**
 * Removes temp files an interrupted run left behind (a crash, a kill -9) under `folder`,
 * if they have not been written to since `olderThan`: a live write keeps its file fresh.
 * Resolves with the paths removed.
 */
export async function removeStaleTempFiles(folder: string, olderThan: Date): Promise<string[]> {
  const removed: string[] = [];
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.startsWith(TEMP_PREFIX)) continue;
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path).catch(() => undefined);
    if (!info || info.mtime >= olderThan) continue;
    await unlink(path).then(
      () => removed.push(path),
      () => {},
    );
  }
  return removed;
}
