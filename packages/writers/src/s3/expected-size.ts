import type { Artifact } from "@lb/core";

/**
 * The size hint for a target's next upload (`writeArtifact`'s `expectedBytes`): the largest
 * stored size among the target's listed backups, or undefined when it has none yet.
 */
export function expectedBytesFor(artifacts: readonly Artifact[], target: string): number | undefined {
  let largest: number | undefined;
  for (const { manifest } of artifacts) {
    if (manifest.target !== target) continue;
    if (largest === undefined || manifest.storedBytes > largest) largest = manifest.storedBytes;
  }
  return largest;
}
