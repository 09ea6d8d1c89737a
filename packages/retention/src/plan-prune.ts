import type { Artifact, Manifest } from "@lb/core";
import { decideRetention, type RetentionDecision } from "./decide-retention.js";
import { policyFromManifest, type RetentionPolicy } from "./policy.js";
import { parseStartedAt } from "./started-at.js";
import { uniqueByKey } from "./unique-by-key.js";

/** Settings for targets that have no policy of their own any more. */
export interface PlanDefaults {
  /** Time zone for the policies read back from manifests. */
  timezone: string;
}

/**
 * The manifest of the newest backup the rules can rank: the target's latest settings.
 * Backups from the future or with unreadable times are passed over here as they are in
 * the ranking, so one skewed clock cannot impose its settings on the whole target.
 */
function latestManifestOf(artifacts: readonly Artifact[], nowMs: number): Manifest | undefined {
  let latest: Manifest | undefined;
  let latestMs = Number.NEGATIVE_INFINITY;
  for (const { key, manifest } of artifacts) {
    const startedMs = parseStartedAt(manifest.startedAt);
    if (manifest.artifactKey !== key || startedMs === undefined || startedMs > nowMs) continue;
    if (startedMs > latestMs) {
      latest = manifest;
      latestMs = startedMs;
    }
  }
  return latest;
}

/**
 * Decides for backups of any number of targets. Backups are grouped by the target their
 * manifest names, never by key or prefix, so `app` and `app-2` (or two targets sharing one
 * folder) never count each other's backups. A target missing from `policies` (its
 * container is gone) is pruned by the age limit recorded in its newest manifest, with
 * keep-last 1, so it is neither forgotten nor emptied.
 *
 * Decisions come grouped by target, in the order targets first appear in `artifacts`.
 */
export function planPrune(
  artifacts: readonly Artifact[],
  policies: ReadonlyMap<string, RetentionPolicy>,
  now: Date,
  defaults: PlanDefaults,
): RetentionDecision[] {
  const byTarget = new Map<string, Artifact[]>();
  for (const artifact of uniqueByKey(artifacts)) {
    const group = byTarget.get(artifact.manifest.target);
    if (group) group.push(artifact);
    else byTarget.set(artifact.manifest.target, [artifact]);
  }
  const decisions: RetentionDecision[] = [];
  for (const [target, group] of byTarget) {
    const manifest = latestManifestOf(group, now.getTime());
    // Without a rankable backup no rule can delete anything; any policy gives the same answer.
    const fallback = manifest ?? (group[0] as Artifact).manifest;
    const policy = policies.get(target) ?? policyFromManifest(fallback, defaults.timezone);
    decisions.push(...decideRetention(group, policy, now));
  }
  return decisions;
}
