import { randomBytes } from "node:crypto";

/** The manifest of an artifact sits beside it under this suffix. */
export const MANIFEST_SUFFIX = ".manifest.json";

export function manifestKeyFor(artifactKey: string): string {
  return `${artifactKey}${MANIFEST_SUFFIX}`;
}

/** Characters safe in a file or object name on every destination; others become `_`. */
function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\.+/, "_") || "_";
}

/** `20261126T152845123Z`: UTC, sortable as text. */
export function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(".", "");
}

export interface ArtifactNameParts {
  prefix: string;
  engine: string;
  database: string;
  startedAt: Date;
  /** The raw format's extension, e.g. `sql`. */
  extension: string;
  compression: "gzip" | "none";
}

/**
 * `<prefix>/<engine>-<database>-<UTC time>-<random>.<ext>[.gz]`: unique per run,
 * sortable by time within a target, and built only from names, never from secrets.
 */
export function artifactKeyFor(parts: ArtifactNameParts): string {
  const file = [
    safeName(parts.engine),
    safeName(parts.database),
    compactTimestamp(parts.startedAt),
    randomBytes(3).toString("hex"),
  ].join("-");
  const suffix = parts.compression === "gzip" ? `.${parts.extension}.gz` : `.${parts.extension}`;
  return parts.prefix ? `${parts.prefix}/${file}${suffix}` : `${file}${suffix}`;
}
