import { periodOf, type Tier } from "./calendar.js";
import type { RetentionPolicy } from "./policy.js";

const COUNT_OF: Record<Tier, "keepDaily" | "keepWeekly" | "keepMonthly"> = {
  daily: "keepDaily",
  weekly: "keepWeekly",
  monthly: "keepMonthly",
};

/**
 * The reasons the calendar tiers give to each backup, by index into `newestFirst` (start
 * times in milliseconds, newest first): for each of the last N periods that have backups,
 * the newest backup of that period, the way restic and borg count.
 */
export function tierReasons(newestFirst: readonly number[], policy: RetentionPolicy): string[][] {
  const reasons = newestFirst.map((): string[] => []);
  for (const tier of ["daily", "weekly", "monthly"] as const) {
    const count = policy[COUNT_OF[tier]] ?? 0;
    if (count <= 0) continue;
    const seen = new Set<string>();
    for (const [index, instantMs] of newestFirst.entries()) {
      const period = periodOf(tier, instantMs, policy.timezone);
      // A set, not "differs from the previous one": a zone's history may step its date back.
      if (seen.has(period)) continue;
      seen.add(period);
      if (seen.size > count) break;
      reasons[index]?.push(`${tier} tier ${period}`);
    }
  }
  return reasons;
}
