import type { Artifact } from "@lb/core";
import fc from "fast-check";
import type { RetentionPolicy } from "../src/index.js";
import { DAY, manifestOf } from "./artifacts.js";

/** Names that start alike, or that look like each other's folders. */
export const TARGETS = ["app", "app-2", "app/db", "ap", "db", "db-replica"] as const;

export const ZONES = [
  "UTC",
  "Europe/Paris",
  "America/New_York",
  "Asia/Kolkata",
  "Pacific/Chatham",
  "Australia/Lord_Howe",
  "Pacific/Kiritimati",
] as const;

const count = (max: number) => fc.option(fc.integer({ min: 0, max }), { nil: undefined });

export const policyArb: fc.Arbitrary<RetentionPolicy> = fc.record({
  maxAgeSeconds: fc.integer({ min: 60, max: 120 * DAY }),
  keepLast: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  keepDaily: count(10),
  keepWeekly: count(6),
  keepMonthly: count(6),
  timezone: fc.constantFrom(...ZONES),
});

export const nowArb = fc.date({
  min: new Date("2024-01-01T00:00:00Z"),
  max: new Date("2030-12-31T00:00:00Z"),
  noInvalidDate: true,
});

/** What a manifest records, before it is placed in time. */
interface Entry {
  target: string;
  /** Milliseconds before now; negative is in the future (a skewed clock). */
  offsetMs: number;
  /** An unreadable startedAt instead of a real one. */
  broken?: string;
  retentionSeconds: number;
}

const entryArb: fc.Arbitrary<Entry> = fc.record({
  target: fc.constantFrom(...TARGETS),
  offsetMs: fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0, max: 400 * DAY * 1000 }) },
    { weight: 1, arbitrary: fc.integer({ min: -3 * DAY * 1000, max: -1 }) },
  ),
  broken: fc.oneof(
    { weight: 20, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom("", "yesterday", "2026-02-31T00:00:00Z", "2026-11-26T10:00:00") },
  ),
  retentionSeconds: fc.integer({ min: 60, max: 60 * DAY }),
});

/** Backups of several targets, each started at a distinct instant. */
export function historyArb(now: Date, maxLength = 60): fc.Arbitrary<Artifact[]> {
  return fc.uniqueArray(entryArb, { selector: (entry) => entry.offsetMs, maxLength, size: "medium" }).map((entries) =>
    entries.map((entry, index) => {
      const key = `${entry.target}/postgres-appdb-${String(index).padStart(4, "0")}.sql.gz`;
      const startedAt = entry.broken ?? new Date(now.getTime() - entry.offsetMs).toISOString();
      return {
        key,
        manifest: manifestOf(key, { target: entry.target, startedAt, retentionSeconds: entry.retentionSeconds }),
      };
    }),
  );
}

export const policiesArb: fc.Arbitrary<Map<string, RetentionPolicy>> = fc
  .array(fc.tuple(fc.constantFrom(...TARGETS), policyArb), { maxLength: TARGETS.length })
  .map((pairs) => new Map(pairs));

/**
 * Backups of one target a few minutes to a few days apart, going back from about now:
 * dense enough that days, weeks and months hold several backups each, and that where a
 * day ends (the time zone) decides which backup is the newest of the day.
 */
export function denseHistoryArb(now: Date, target = "app"): fc.Arbitrary<Artifact[]> {
  return fc
    .record({
      start: fc.integer({ min: -2 * 3_600_000, max: 2 * DAY * 1000 }),
      gaps: fc.array(fc.integer({ min: 60_000, max: 4 * DAY * 1000 }), { minLength: 1, maxLength: 200 }),
    })
    .map(({ start, gaps }) => {
      let offsetMs = start;
      return gaps.map((gap, index) => {
        offsetMs += gap;
        const key = `${target}/postgres-appdb-${String(index).padStart(4, "0")}.sql.gz`;
        const startedAt = new Date(now.getTime() - offsetMs).toISOString();
        return { key, manifest: manifestOf(key, { target, startedAt }) };
      });
    });
}
