import { homedir } from "node:os";
import { join } from "node:path";

/** Where built test images are cached between runs: `LB_TEST_CACHE`, else the user cache. */
export function testCacheDir(): string {
  if (process.env.LB_TEST_CACHE) return process.env.LB_TEST_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "label-backup-test");
}
