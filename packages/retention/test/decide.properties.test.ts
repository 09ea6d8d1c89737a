import type { Artifact } from "@lb/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideRetention, planPrune, type RetentionDecision, type RetentionPolicy } from "../src/index.js";
import { denseHistoryArb, historyArb, nowArb, policiesArb, policyArb, TARGETS, ZONES } from "./history.js";
import { effectivePolicy, rankableTime, rankedOf, type TierName, tierKeeps } from "./oracle.js";

const DEFAULTS = { timezone: "Europe/Paris" };
const RUNS = { numRuns: 300 };
const TIERS = ["keepDaily", "keepWeekly", "keepMonthly"] as const satisfies TierName[];

/** A generated world: a clock, backups of several targets, and policies for some of them. */
const worldArb = nowArb.chain((now) =>
  fc.record({ now: fc.constant(now), history: historyArb(now), policies: policiesArb }),
);

const plan = (history: Artifact[], policies: Map<string, RetentionPolicy>, now: Date) =>
  planPrune(history, policies, now, DEFAULTS);

const actionOf = (decisions: RetentionDecision[]) => {
  const byKey = new Map(decisions.map((d) => [d.artifact.key, d.action]));
  return (a: Artifact) => byKey.get(a.key);
};

describe("retention properties over generated histories", () => {
  it("decides every listed backup exactly once, with a reason", () => {
    fc.assert(
      fc.property(worldArb, ({ now, history, policies }) => {
        const decisions = plan(history, policies, now);
        expect(decisions.map((d) => d.artifact.key).sort()).toEqual(history.map((a) => a.key).sort());
        for (const decision of decisions) {
          expect(history).toContain(decision.artifact);
          expect(decision.reasons.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it("always keeps the newest backup of every target, whatever its age", () => {
    fc.assert(
      fc.property(worldArb, ({ now, history, policies }) => {
        const action = actionOf(plan(history, policies, now));
        for (const target of TARGETS) {
          const newest = rankedOf(history, target, now)[0];
          if (newest) expect(action(newest.a)).toBe("keep");
        }
      }),
      RUNS,
    );
  });

  it("keeps the keep-last newest backups of every target", () => {
    fc.assert(
      fc.property(worldArb, ({ now, history, policies }) => {
        const action = actionOf(plan(history, policies, now));
        for (const target of TARGETS) {
          const policy = effectivePolicy(history, target, policies, now, DEFAULTS.timezone);
          const ranked = rankedOf(history, target, now);
          for (const { a } of ranked.slice(0, policy?.keepLast ?? 1)) expect(action(a)).toBe("keep");
        }
      }),
      RUNS,
    );
  });

  it("keeps backups within the age limit, and those from the future or with unreadable times", () => {
    fc.assert(
      fc.property(worldArb, ({ now, history, policies }) => {
        const action = actionOf(plan(history, policies, now));
        for (const a of history) {
          const ms = rankableTime(a, now);
          const policy = effectivePolicy(history, a.manifest.target, policies, now, DEFAULTS.timezone);
          if (ms === undefined || !policy) expect(action(a)).toBe("keep");
          else if (now.getTime() - ms <= policy.maxAgeSeconds * 1000) expect(action(a)).toBe("keep");
        }
      }),
      RUNS,
    );
  });

  it("deletes only rankable backups past their target's age limit and outside its keep-last", () => {
    fc.assert(
      fc.property(worldArb, ({ now, history, policies }) => {
        for (const decision of plan(history, policies, now).filter((d) => d.action === "delete")) {
          const { target } = decision.artifact.manifest;
          const policy = effectivePolicy(history, target, policies, now, DEFAULTS.timezone);
          const ms = rankableTime(decision.artifact, now);
          expect(policy).toBeDefined();
          expect(ms).toBeDefined();
          expect(now.getTime() - (ms as number)).toBeGreaterThan((policy?.maxAgeSeconds ?? 0) * 1000);
          const rank = rankedOf(history, target, now).findIndex((entry) => entry.a === decision.artifact);
          expect(rank).toBeGreaterThanOrEqual(policy?.keepLast ?? 1);
        }
      }),
      RUNS,
    );
  });

  it("keeps the newest backup of each of the last N days, weeks and months that have backups", () => {
    const dense = nowArb.chain((now) =>
      fc.record({ now: fc.constant(now), history: denseHistoryArb(now), policy: policyArb }),
    );
    fc.assert(
      fc.property(dense, ({ now, history, policy }) => {
        const action = actionOf(decideRetention(history, policy, now));
        const ranked = rankedOf(history, "app", now);
        for (const tier of TIERS) {
          for (const a of tierKeeps(ranked, tier, policy)) expect(action(a)).toBe("keep");
        }
      }),
      RUNS,
    );
  });

  it("keeps exactly what some rule keeps and deletes the rest, tier by tier", () => {
    // One tier at a time and a short age limit, so no other rule hides a tier's mistakes.
    const single = nowArb.chain((now) =>
      fc.record({
        now: fc.constant(now),
        history: denseHistoryArb(now),
        tier: fc.constantFrom(...TIERS),
        count: fc.integer({ min: 0, max: 12 }),
        keepLast: fc.integer({ min: 1, max: 4 }),
        maxAgeSeconds: fc.integer({ min: 60, max: 2 * 86_400 }),
        timezone: fc.constantFrom(...ZONES),
      }),
    );
    fc.assert(
      fc.property(single, ({ now, history, tier, count, keepLast, maxAgeSeconds, timezone }) => {
        const policy: RetentionPolicy = { maxAgeSeconds, keepLast, timezone, [tier]: count };
        const ranked = rankedOf(history, "app", now);
        const expected = new Set<Artifact>([
          ...history.filter((a) => rankableTime(a, now) === undefined),
          ...ranked.slice(0, keepLast).map((entry) => entry.a),
          ...ranked.filter((entry) => now.getTime() - entry.ms <= maxAgeSeconds * 1000).map((entry) => entry.a),
          ...tierKeeps(ranked, tier, policy),
        ]);
        const kept = decideRetention(history, policy, now)
          .filter((d) => d.action === "keep")
          .map((d) => d.artifact);
        expect(new Set(kept)).toEqual(expected);
      }),
      RUNS,
    );
  });

  it("never lets one target affect another, even when one name or folder starts with the other", () => {
    fc.assert(
      fc.property(worldArb, ({ now, history, policies }) => {
        const together = plan(history, policies, now);
        for (const target of TARGETS) {
          const alone = plan(
            history.filter((a) => a.manifest.target === target),
            policies,
            now,
          );
          const fromTogether = together.filter((d) => d.artifact.manifest.target === target);
          expect(fromTogether).toEqual(alone);
        }
      }),
      RUNS,
    );
  });

  it("does not depend on the order the writer lists backups in", () => {
    fc.assert(
      fc.property(worldArb, ({ now, history, policies }) => {
        const byKey = (decisions: RetentionDecision[]) =>
          Object.fromEntries(decisions.map((d) => [d.artifact.key, [d.action, d.reasons]]));
        const forwards = byKey(plan(history, policies, now));
        expect(byKey(plan([...history].reverse(), policies, now))).toEqual(forwards);
      }),
      RUNS,
    );
  });

  it("never deletes more when a policy keeps longer or keeps more", () => {
    const pair = worldArb.chain((world) =>
      fc.record({
        world: fc.constant(world),
        strict: policyArb,
        extraAge: fc.integer({ min: 0, max: 30 * 86_400 }),
        extraLast: fc.integer({ min: 0, max: 3 }),
        extraTier: fc.integer({ min: 0, max: 3 }),
      }),
    );
    fc.assert(
      fc.property(pair, ({ world: { now, history }, strict, extraAge, extraLast, extraTier }) => {
        const generous: RetentionPolicy = {
          ...strict,
          maxAgeSeconds: strict.maxAgeSeconds + extraAge,
          keepLast: (strict.keepLast ?? 1) + extraLast,
          keepDaily: (strict.keepDaily ?? 0) + extraTier,
        };
        const mine = history.filter((a) => a.manifest.target === "db");
        const strictAction = actionOf(decideRetention(mine, strict, now));
        for (const decision of decideRetention(mine, generous, now)) {
          if (decision.action === "delete") expect(strictAction(decision.artifact)).toBe("delete");
        }
      }),
      RUNS,
    );
  });
});
