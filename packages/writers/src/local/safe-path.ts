import { isAbsolute, relative, resolve, sep } from "node:path";
import { WriteError } from "@lb/core";

/** The absolute path of `key` under `base`; refuses keys that would land outside it. */
export function pathInside(base: string, key: string): string {
  if (key.includes("\0") || key.includes("\\") || isAbsolute(key)) {
    throw new WriteError(`refusing key "${key}": it must be a relative path with forward slashes`);
  }
  const root = resolve(base);
  const full = resolve(root, key);
  const rel = relative(root, full);
  if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) {
    throw new WriteError(`refusing key "${key}": it leaves the backup folder ${root}`);
  }
  return full;
}
