import { MANIFEST_SUFFIX, WriteError } from "@lb/core";

/**
 * Refuses keys that would mean something else on another destination or to a person
 * browsing the bucket: the same rules as local paths (relative, forward slashes, no `.`
 * or `..` segments), plus S3's 1,024-byte limit.
 */
export function checkKey(key: string): void {
  const segments = key.split("/");
  const bad =
    key === "" ||
    key.includes("\0") ||
    key.includes("\\") ||
    Buffer.byteLength(key) > 1024 ||
    segments.some((segment) => segment === "" || segment === "." || segment === "..");
  if (bad) {
    throw new WriteError(
      `refusing key "${key}": it must be a relative path with forward slashes, no empty, "." or ".." parts`,
    );
  }
}

/** A prefix as a folder: `a` lists `a/...` and never `ab/...`; "" is the whole bucket. */
export function folderPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return "";
  checkKey(trimmed);
  return `${trimmed}/`;
}

/** `<engine>-<database>-<UTC time>-<6 hex>.<ext>[.gz]`, as `artifactKeyFor` in @lb/core names them. */
const AGENT_FILE_NAME = /^[A-Za-z0-9_.-]+-\d{8}T\d{9}Z-[0-9a-f]{6}\.[A-Za-z0-9_.-]+$/;

/**
 * Whether a key has the shape of one the agent names. Multipart uploads carry no metadata
 * a listing shows, so this is how the writer tells its own unfinished uploads from others'.
 */
export function hasAgentKeyShape(key: string): boolean {
  const file = key.slice(key.lastIndexOf("/") + 1);
  const name = file.endsWith(MANIFEST_SUFFIX) ? file.slice(0, -MANIFEST_SUFFIX.length) : file;
  return AGENT_FILE_NAME.test(name);
}
