import type { Artifact } from "@lb/core";
import type { RetentionPolicy } from "../src/index.js";

/**
 * An independent reading of the rules, written differently from the source on purpose,
 * so the properties do not check the code against itself.
 */

/** The start time when it is a real, past instant as the writers record it; else undefined. */
export function rankableTime(artifact: Artifact, now: Date): number | undefined {
  const { startedAt, artifactKey } = artifact.manifest;
  if (artifactKey !== artifact.key) return undefined;
  const ms = Date.parse(startedAt);
  if (Number.isNaN(ms) || new Date(ms).toISOString() !== startedAt) return undefined;
  return ms <= now.getTime() ? ms : undefined;
}

/** The rankable backups of one target, newest first. */
export function rankedOf(artifacts: readonly Artifact[], target: string, now: Date): { a: Artifact; ms: number }[] {
  const ranked: { a: Artifact; ms: number }[] = [];
  for (const a of artifacts) {
    if (a.manifest.target !== target) continue;
    const ms = rankableTime(a, now);
    if (ms !== undefined) ranked.push({ a, ms });
  }
  return ranked.sort((x, y) => y.ms - x.ms);
}

/** The policy planPrune must apply: the configured one, or the newest manifest's limit. */
export function effectivePolicy(
  artifacts: readonly Artifact[],
  target: string,
  policies: ReadonlyMap<string, RetentionPolicy>,
  now: Date,
  timezone: string,
): RetentionPolicy | undefined {
  const configured = policies.get(target);
  if (configured) return configured;
  const newest = rankedOf(artifacts, target, now)[0];
  return newest && { maxAgeSeconds: newest.a.manifest.retentionSeconds, keepLast: 1, timezone };
}

/** `YYYY-MM-DD` on the wall in `zone`. */
function localDay(ms: number, zone: string): string {
  return new Date(ms).toLocaleDateString("en-CA", { timeZone: zone });
}

/** ISO week by counting from the Monday of the week that holds 4 January. */
function isoWeek(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const date = Date.UTC(y, m - 1, d);
  const week1Monday = (year: number) => {
    const jan4 = Date.UTC(year, 0, 4);
    return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
  };
  let year = y;
  if (date < week1Monday(y)) year = y - 1;
  else if (date >= week1Monday(y + 1)) year = y + 1;
  const week = Math.floor((date - week1Monday(year)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

export type TierName = "keepDaily" | "keepWeekly" | "keepMonthly";

export function periodLabel(tier: TierName, ms: number, zone: string): string {
  const day = localDay(ms, zone);
  if (tier === "keepDaily") return day;
  if (tier === "keepMonthly") return day.slice(0, 7);
  return isoWeek(day);
}

/** The backups a tier must keep: the newest of each of the last N periods that have backups. */
export function tierKeeps(ranked: { a: Artifact; ms: number }[], tier: TierName, policy: RetentionPolicy): Artifact[] {
  const n = policy[tier] ?? 0;
  const newestOfPeriod = new Map<string, { a: Artifact; ms: number }>();
  for (const entry of ranked) {
    const period = periodLabel(tier, entry.ms, policy.timezone);
    const seen = newestOfPeriod.get(period);
    if (!seen || entry.ms > seen.ms) newestOfPeriod.set(period, entry);
  }
  return [...newestOfPeriod.values()]
    .sort((x, y) => y.ms - x.ms)
    .slice(0, n)
    .map((entry) => entry.a);
}
