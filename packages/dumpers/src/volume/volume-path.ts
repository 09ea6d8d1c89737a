import { posix } from "node:path";
import type { BackupSpec } from "@lb/core";

/** `backup.path`, normalised, or why it cannot be used. */
export function volumePath(spec: BackupSpec): { path: string } | { problem: string } {
  const path = spec.path;
  if (!path) return { problem: "backup.path is not set: a volume backup needs the path inside the container" };
  if (!path.startsWith("/")) {
    return { problem: `backup.path must be an absolute path inside the container, got ${JSON.stringify(path)}` };
  }
  const normal = posix.normalize(path);
  return { path: normal.length > 1 ? normal.replace(/\/+$/, "") : normal };
}
