import type { Manifest } from "@lb/core";
import { MANIFEST_VERSION } from "@lb/core";

/** A manifest of ours from JSON text, or undefined for anything else. */
export function parseManifest(text: string): Manifest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const m = value as Partial<Manifest>;
  const ours =
    typeof m.manifestVersion === "number" &&
    m.manifestVersion <= MANIFEST_VERSION &&
    typeof m.artifactKey === "string" &&
    typeof m.target === "string" &&
    typeof m.sha256 === "string" &&
    typeof m.storedBytes === "number" &&
    typeof m.startedAt === "string";
  return ours ? (m as Manifest) : undefined;
}
