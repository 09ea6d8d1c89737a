import type { KeepPolicy, Manifest } from "@lb/core";
import { isKnownTimeZone } from "./calendar.js";

/** How long the backups of one target are kept. */
export interface RetentionPolicy {
  /** Backups older than this are deleted unless another rule keeps them (`backup.retention`). */
  maxAgeSeconds: number;
  /** The newest N backups are kept whatever their age (`backup.keep-last`); at least 1, default 1. */
  keepLast?: number;
  /** Keep the newest backup of each of the last N calendar days that have backups (`backup.keep-daily`). */
  keepDaily?: number;
  /** The same per ISO week, Monday first (`backup.keep-weekly`). */
  keepWeekly?: number;
  /** The same per calendar month (`backup.keep-monthly`). */
  keepMonthly?: number;
  /** IANA zone the calendar tiers are read in, such as `Europe/Paris` or `UTC`. */
  timezone: string;
}

export const DEFAULT_KEEP_LAST = 1;

const isCount = (value: number, least: number) =>
  value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= least);

/**
 * What is wrong with a policy, for people; empty when it can be applied. A policy with
 * problems deletes nothing: keeping too much is recoverable, deleting too much is not.
 */
export function policyProblems(policy: RetentionPolicy): string[] {
  const problems: string[] = [];
  const { maxAgeSeconds, keepLast = DEFAULT_KEEP_LAST } = policy;
  if (typeof maxAgeSeconds !== "number" || Number.isNaN(maxAgeSeconds) || maxAgeSeconds <= 0) {
    problems.push(`maxAgeSeconds must be a positive number of seconds, not ${String(maxAgeSeconds)}`);
  }
  if (typeof keepLast !== "number" || !isCount(keepLast, 1)) {
    problems.push(`keepLast must be a whole number of at least 1, not ${String(keepLast)}`);
  }
  let tiers = false;
  for (const name of ["keepDaily", "keepWeekly", "keepMonthly"] as const) {
    const count = policy[name];
    if (count === undefined) continue;
    if (typeof count !== "number" || !isCount(count, 0)) {
      problems.push(`${name} must be a whole number of at least 0, not ${String(count)}`);
    } else if (count > 0) {
      tiers = true;
    }
  }
  // The zone only matters to the calendar tiers; without them a bad zone changes nothing.
  if (tiers && !isKnownTimeZone(policy.timezone)) {
    problems.push(`timezone ${JSON.stringify(policy.timezone)} is not a time zone this runtime knows`);
  }
  return problems;
}

/**
 * The policy a backup was written under, for targets whose container is gone: the
 * manifest records the age limit only, so keep-last is the default and there are no tiers.
 */
export function policyFromManifest(manifest: Manifest, timezone: string): RetentionPolicy {
  return policyFromSpec({ retentionSeconds: manifest.retentionSeconds, keep: manifest.keep }, timezone);
}

/** The policy a target's labels ask for (`backup.retention` and `backup.keep-*`). */
export function policyFromSpec(
  spec: { retentionSeconds: number; keep?: KeepPolicy | undefined },
  timezone: string,
): RetentionPolicy {
  const policy: RetentionPolicy = {
    maxAgeSeconds: spec.retentionSeconds,
    keepLast: spec.keep?.last ?? DEFAULT_KEEP_LAST,
    timezone,
  };
  if (spec.keep?.daily) policy.keepDaily = spec.keep.daily;
  if (spec.keep?.weekly) policy.keepWeekly = spec.keep.weekly;
  if (spec.keep?.monthly) policy.keepMonthly = spec.keep.monthly;
  return policy;
}
