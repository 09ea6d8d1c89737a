import type { Artifact } from "@lb/core";

/**
 * The first listing of each key. A writer that listed a key twice would otherwise rank
 * the same backup twice, and the second copy could be deleted as "older" than the first.
 */
export function uniqueByKey(artifacts: readonly Artifact[]): Artifact[] {
  const seen = new Set<string>();
  return artifacts.filter((artifact) => {
    if (seen.has(artifact.key)) return false;
    seen.add(artifact.key);
    return true;
  });
}
