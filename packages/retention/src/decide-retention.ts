import type { Artifact } from "@lb/core";
import { formatSeconds } from "./duration-text.js";
import { DEFAULT_KEEP_LAST, policyProblems, type RetentionPolicy } from "./policy.js";
import { parseStartedAt } from "./started-at.js";
import { tierReasons } from "./tiers.js";
import { uniqueByKey } from "./unique-by-key.js";

/** What retention does with one backup, and why, in words an operator can check. */
export interface RetentionDecision {
  artifact: Artifact;
  action: "keep" | "delete";
  /** Every rule that keeps it, or the one that deletes it. Never empty. */
  reasons: string[];
}

interface Dated {
  artifact: Artifact;
  startedMs: number;
}

/** Newest first; equal times fall back to the key, so the order never depends on listing order. */
function newestFirst(a: Dated, b: Dated): number {
  if (a.startedMs !== b.startedMs) return b.startedMs - a.startedMs;
  return a.artifact.key < b.artifact.key ? 1 : a.artifact.key > b.artifact.key ? -1 : 0;
}

/**
 * Why a backup is kept without being ranked at all, or undefined when it takes part in
 * the rules. Such backups count neither towards keep-last nor towards the tiers, so they
 * can only add to what is kept.
 */
function exemption(artifact: Artifact, startedMs: number | undefined, nowMs: number): string | undefined {
  const { manifest } = artifact;
  if (manifest.artifactKey !== artifact.key) {
    return `its manifest describes ${JSON.stringify(manifest.artifactKey)}, not this key: not deleted`;
  }
  if (startedMs === undefined) {
    return `startedAt ${JSON.stringify(manifest.startedAt)} is not a valid time: not deleted`;
  }
  if (startedMs > nowMs) return `startedAt ${manifest.startedAt} is in the future (clock skew?): not deleted`;
  return undefined;
}

/**
 * Decides keep or delete for every backup of ONE target. Pure: same input, same answer.
 *
 * - The newest backup is always kept, whatever its age; so are the `keepLast` newest.
 * - Backups no older than `maxAgeSeconds` are kept.
 * - Each tier keeps the newest backup of each of its last N calendar periods that have
 *   backups, read in `policy.timezone`.
 * - Everything else is deleted.
 * - Backups whose start time is unreadable or in the future, or whose manifest names
 *   another key, are kept and take no part in the ranking.
 * - A policy with problems (see `policyProblems`) keeps everything.
 *
 * Only successful backups have manifests, so only they are listed and ranked: failed
 * runs never push a good backup out of keep-last.
 *
 * Decisions come in the order of `artifacts`, one per distinct key.
 */
export function decideRetention(
  artifacts: readonly Artifact[],
  policy: RetentionPolicy,
  now: Date,
): RetentionDecision[] {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError("[retention] now is not a valid date");
  const targets = new Set(artifacts.map((artifact) => artifact.manifest.target));
  if (targets.size > 1) {
    throw new RangeError(
      `[retention] decideRetention decides for one target at a time, got ${[...targets].map((t) => JSON.stringify(t)).join(", ")}; use planPrune`,
    );
  }
  const unique = uniqueByKey(artifacts);
  const problems = policyProblems(policy);
  if (problems.length > 0) {
    const reason = `retention policy not applied (${problems.join("; ")}): not deleted`;
    return unique.map((artifact) => ({ artifact, action: "keep", reasons: [reason] }));
  }

  const reasons = new Map<Artifact, string[]>();
  const ranked: Dated[] = [];
  for (const artifact of unique) {
    const startedMs = parseStartedAt(artifact.manifest.startedAt);
    const exempt = exemption(artifact, startedMs, nowMs);
    if (exempt !== undefined) reasons.set(artifact, [exempt]);
    else ranked.push({ artifact, startedMs: startedMs as number });
  }
  ranked.sort(newestFirst);

  const keepLast = policy.keepLast ?? DEFAULT_KEEP_LAST;
  const maxAgeMs = policy.maxAgeSeconds * 1000;
  const age = formatSeconds(policy.maxAgeSeconds);
  const young = maxAgeMs === Number.POSITIVE_INFINITY ? "no age limit" : `within ${age}`;
  const tiers = tierReasons(
    ranked.map((entry) => entry.startedMs),
    policy,
  );
  for (const [index, { artifact, startedMs }] of ranked.entries()) {
    const why: string[] = [];
    if (index === 0) why.push("newest successful backup");
    else if (index < keepLast) why.push(`keep-last ${keepLast}`);
    if (nowMs - startedMs <= maxAgeMs) why.push(young);
    why.push(...(tiers[index] ?? []));
    reasons.set(artifact, why);
  }

  return unique.map((artifact) => {
    const why = reasons.get(artifact) ?? [];
    return why.length > 0
      ? { artifact, action: "keep", reasons: why }
      : { artifact, action: "delete", reasons: [`older than ${age}`] };
  });
}
