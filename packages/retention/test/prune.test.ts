import { recordingLogger } from "@lb/testing";
import { describe, expect, it } from "vitest";
import { prune, type RetentionPolicy } from "../src/index.js";
import { ago, artifact, DAY, keysOf, NOW } from "./artifacts.js";
import { memoryWriter } from "./memory-writer.js";

const week: RetentionPolicy = { maxAgeSeconds: 7 * DAY, timezone: "UTC" };
const policies = new Map([["app", week]]);

/** Ten old backups of `app` and one recent one, in a fresh in-memory destination. */
function destination() {
  const writer = memoryWriter();
  const old = Array.from({ length: 10 }, (_, i) => artifact("app", ago((40 - i) * DAY)));
  const recent = artifact("app", ago(DAY));
  for (const a of [...old, recent]) writer.store(a);
  return { writer, old, recent };
}

describe("prune through a writer", () => {
  it("deletes what the plan deletes, in batches, and reports it", async () => {
    const { writer, old, recent } = destination();
    const inFlight = { now: 0, most: 0 };
    const remove = writer.delete.bind(writer);
    writer.delete = async (key) => {
      inFlight.now += 1;
      inFlight.most = Math.max(inFlight.most, inFlight.now);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await remove(key);
      inFlight.now -= 1;
    };
    const report = await prune(writer, "app", policies, { now: NOW, dryRun: false, timezone: "UTC", batchSize: 3 });
    expect(keysOf(report.deleted).sort()).toEqual(old.map((a) => a.key).sort());
    expect(keysOf(report.kept)).toEqual([recent.key]);
    expect(report.failed).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.decisions).toHaveLength(11);
    expect(inFlight.most).toBe(3);
    expect((await writer.list("app")).map((a) => a.key)).toEqual([recent.key]);
  });

  it("goes on past a failed delete and reports it with the writer's message", async () => {
    const { writer, old } = destination();
    const stuck = old[4]?.key as string;
    writer.failDeletesOf.add(stuck);
    const logger = recordingLogger();
    const report = await prune(writer, "app", policies, { now: NOW, dryRun: false, timezone: "UTC", logger });
    expect(report.failed.map((f) => [f.decision.artifact.key, f.error])).toEqual([
      [stuck, `cannot delete ${stuck}: permission denied`],
    ]);
    expect(report.deleted).toHaveLength(9);
    expect(writer.objects.has(stuck)).toBe(true);
    expect(logger.entries.filter((e) => e.level === "error").map((e) => e.fields.key)).toEqual([stuck]);
  });

  it("deletes nothing on a dry run, and logs every decision with its reasons", async () => {
    const { writer, old } = destination();
    const before = new Map(writer.objects);
    const logger = recordingLogger();
    const report = await prune(writer, "app", policies, { now: NOW, dryRun: true, timezone: "UTC", logger });
    expect(writer.deleteCalls).toEqual([]);
    expect(writer.objects).toEqual(before);
    expect(report.deleted).toEqual([]);
    expect(keysOf(report.skipped).sort()).toEqual(old.map((a) => a.key).sort());
    const perBackup = logger.entries.filter((e) => typeof e.fields.key === "string");
    expect(perBackup).toHaveLength(11);
    for (const entry of perBackup) {
      expect(entry.level).toBe("info");
      expect(entry.fields).toMatchObject({ dryRun: true, writer: "memory", prefix: "app", target: "app" });
      expect((entry.fields.reasons as string[]).length).toBeGreaterThan(0);
    }
    expect(perBackup.filter((e) => e.msg === "backup would be deleted (dry run)")).toHaveLength(10);
    expect(logger.entries.at(-1)?.msg).toBe("prune dry run finished, nothing deleted");
  });

  it("stops between batches when its signal aborts, reporting the rest as skipped", async () => {
    const { writer } = destination();
    const controller = new AbortController();
    const remove = writer.delete.bind(writer);
    writer.delete = async (key) => {
      await remove(key);
      controller.abort();
    };
    const report = await prune(writer, "app", policies, {
      now: NOW,
      dryRun: false,
      timezone: "UTC",
      batchSize: 4,
      signal: controller.signal,
    });
    expect(report.deleted).toHaveLength(4);
    expect(report.skipped).toHaveLength(6);
    expect(writer.deleteCalls).toHaveLength(4);
  });

  it("deletes nothing when the listing fails", async () => {
    const { writer } = destination();
    writer.list = async () => {
      throw new Error("bucket unreachable");
    };
    await expect(prune(writer, "app", policies, { dryRun: false, timezone: "UTC" })).rejects.toThrow(
      "bucket unreachable",
    );
    expect(writer.deleteCalls).toEqual([]);
  });

  it("refuses a batch size it cannot use before touching anything", async () => {
    const { writer } = destination();
    await expect(prune(writer, "app", policies, { dryRun: false, timezone: "UTC", batchSize: 0 })).rejects.toThrow(
      /batchSize/,
    );
    expect(writer.deleteCalls).toEqual([]);
  });
});
