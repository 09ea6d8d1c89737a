import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planPrune, prune } from "../src/index.js";
import { historyArb, nowArb, policiesArb, TARGETS } from "./history.js";
import { memoryWriter } from "./memory-writer.js";

const TIMEZONE = "UTC";

/** Files the agent did not write, some named like backups and placed beside them. */
const foreignArb = fc.uniqueArray(
  fc.tuple(
    fc.constantFrom(...TARGETS, "other", ""),
    fc.constantFrom("notes.txt", "postgres-appdb-9999.sql.gz", "manual.dump", "x.sql.gz.manifest.json.bak"),
  ),
  { selector: ([folder, name]) => `${folder}/${name}`, maxLength: 8 },
);

const keyOf = ([folder, name]: [string, string]) => (folder ? `${folder}/${name}` : name);

/** Every object as text, to compare destinations before and after. */
const contents = (objects: Map<string, Buffer>) =>
  [...objects].map(([key, body]) => `${key}=${body.toString("base64")}`).sort();

const worldArb = nowArb.chain((now) =>
  fc.record({
    now: fc.constant(now),
    history: historyArb(now),
    policies: policiesArb,
    foreign: foreignArb,
    prefix: fc.constantFrom("", "app", "db"),
    failing: fc.array(fc.nat(), { maxLength: 5 }),
  }),
);

describe("prune properties over generated destinations", () => {
  it("never touches a foreign file, deletes only listed backups, and only what the plan deletes", async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async ({ now, history, policies, foreign, prefix, failing }) => {
        const writer = memoryWriter();
        for (const a of history) writer.store(a);
        const foreignKeys = foreign.map(keyOf);
        for (const key of foreignKeys) writer.objects.set(key, Buffer.from(`foreign ${key}`));
        for (const index of failing) {
          const victim = history[index % Math.max(history.length, 1)];
          if (victim) writer.failDeletesOf.add(victim.key);
        }
        const listed = await writer.list(prefix);
        const planned = planPrune(listed, policies, now, { timezone: TIMEZONE })
          .filter((d) => d.action === "delete")
          .map((d) => d.artifact.key);

        const report = await prune(writer, prefix, policies, { now, dryRun: false, timezone: TIMEZONE });

        for (const key of foreignKeys) expect(writer.objects.get(key)?.toString()).toBe(`foreign ${key}`);
        const listedKeys = new Set(listed.map((a) => a.key));
        for (const key of writer.deleteCalls) expect(listedKeys.has(key)).toBe(true);
        expect([...writer.deleteCalls].sort()).toEqual([...planned].sort());
        for (const decision of report.kept) expect(writer.objects.has(decision.artifact.key)).toBe(true);
        for (const decision of report.deleted) expect(writer.objects.has(decision.artifact.key)).toBe(false);
        for (const failure of report.failed) expect(writer.objects.has(failure.decision.artifact.key)).toBe(true);
        expect(report.deleted.length + report.failed.length).toBe(planned.length);
        // Backups outside the prefix are not even looked at.
        for (const a of history) if (!listedKeys.has(a.key)) expect(writer.objects.has(a.key)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("deletes nothing at all on a dry run", async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async ({ now, history, policies, foreign, prefix }) => {
        const writer = memoryWriter();
        for (const a of history) writer.store(a);
        for (const key of foreign.map(keyOf)) writer.objects.set(key, Buffer.from("foreign"));
        const before = contents(writer.objects);
        const report = await prune(writer, prefix, policies, { now, dryRun: true, timezone: TIMEZONE });
        expect(writer.deleteCalls).toEqual([]);
        expect(contents(writer.objects)).toEqual(before);
        expect(report.deleted).toEqual([]);
        const planned = report.decisions.filter((d) => d.action === "delete");
        expect(report.skipped.length).toBe(planned.length);
        for (const [index, decision] of planned.entries()) expect(report.skipped[index]).toBe(decision);
      }),
      { numRuns: 200 },
    );
  });
});
