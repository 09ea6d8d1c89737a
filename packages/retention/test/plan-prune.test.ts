import { describe, expect, it } from "vitest";
import { planPrune, type RetentionPolicy } from "../src/index.js";
import { ago, artifact, DAY, HOUR, NOW } from "./artifacts.js";

const week: RetentionPolicy = { maxAgeSeconds: 7 * DAY, timezone: "UTC" };
const defaults = { timezone: "UTC" };

const actionsByKey = (decisions: ReturnType<typeof planPrune>) =>
  Object.fromEntries(decisions.map((d) => [d.artifact.key, d.action]));

describe("planPrune", () => {
  it("decides each target on its own, by the target its manifest names", () => {
    // Two targets whose names start alike, and which share one folder: the newer backup
    // of `db-replica` must not count as the newest backup of `db`.
    const db = [30, 20].map((days) => artifact("db", ago(days * DAY)));
    const replica = [1].map((days) => artifact("db-replica", ago(days * DAY)));
    const shared = [...db, ...replica].map((a) => {
      const key = a.key.replace(/^[^/]+/, "customer_xyz");
      return { key, manifest: { ...a.manifest, artifactKey: key } };
    });
    const decisions = planPrune(shared, new Map([["db", week]]), NOW, defaults);
    expect(decisions.map((d) => [d.artifact.manifest.target, d.action, d.reasons[0]])).toEqual([
      ["db", "delete", "older than 7d"],
      ["db", "keep", "newest successful backup"],
      ["db-replica", "keep", "newest successful backup"],
    ]);
  });

  it("uses each target's own policy", () => {
    const app = [10, 3].map((days) => artifact("app", ago(days * DAY)));
    const app2 = [10, 3].map((days) => artifact("app-2", ago(days * DAY)));
    const policies = new Map([
      ["app", { ...week, maxAgeSeconds: 30 * DAY }],
      ["app-2", { ...week, maxAgeSeconds: 2 * DAY }],
    ]);
    const decisions = planPrune([...app, ...app2], policies, NOW, defaults);
    expect(decisions.map((d) => d.action)).toEqual(["keep", "keep", "delete", "keep"]);
  });

  it("prunes a target whose container is gone by the age limit in its newest manifest, keeping its newest", () => {
    const gone = [
      artifact("gone", ago(40 * DAY), { retentionSeconds: 90 * DAY }),
      artifact("gone", ago(20 * DAY), { retentionSeconds: 3 * DAY }),
      artifact("gone", ago(10 * DAY), { retentionSeconds: 3 * DAY }),
      artifact("gone", ago(2 * DAY), { retentionSeconds: 3 * DAY }),
      artifact("gone", ago(HOUR), { retentionSeconds: 3 * DAY }),
    ];
    const decisions = planPrune(gone, new Map(), NOW, defaults);
    expect(decisions.map((d) => d.action)).toEqual(["delete", "delete", "delete", "keep", "keep"]);
    expect(decisions[0]?.reasons).toEqual(["older than 3d"]);
  });

  it("keeps the newest backup of a gone target even when all are past its recorded limit", () => {
    const gone = [30, 20].map((days) => artifact("gone", ago(days * DAY), { retentionSeconds: DAY }));
    const decisions = planPrune(gone, new Map(), NOW, defaults);
    expect(decisions.map((d) => [d.action, d.reasons])).toEqual([
      ["delete", ["older than 1d"]],
      ["keep", ["newest successful backup"]],
    ]);
  });

  it("reads a gone target's limit from its newest past backup, not from one dated in the future", () => {
    const future = new Date(NOW.getTime() + DAY * 1000).toISOString();
    const gone = [
      artifact("gone", ago(20 * DAY), { retentionSeconds: 30 * DAY }),
      artifact("gone", ago(10 * DAY), { retentionSeconds: 30 * DAY }),
      artifact("gone", future, { retentionSeconds: DAY }),
    ];
    const decisions = planPrune(gone, new Map(), NOW, defaults);
    expect(decisions.map((d) => d.action)).toEqual(["keep", "keep", "keep"]);
    expect(decisions[0]?.reasons).toEqual(["within 30d"]);
  });

  it("deletes nothing of a gone target whose manifests record no usable limit", () => {
    const gone = [30, 20].map((days) => artifact("gone", ago(days * DAY), { retentionSeconds: 0 }));
    const decisions = planPrune(gone, new Map(), NOW, defaults);
    expect(decisions.map((d) => d.action)).toEqual(["keep", "keep"]);
  });

  it("decides a key listed twice once", () => {
    const a = artifact("app", ago(30 * DAY));
    const b = artifact("app", ago(20 * DAY));
    const decisions = planPrune([a, b, a, b], new Map([["app", week]]), NOW, defaults);
    expect(actionsByKey(decisions)).toEqual({ [a.key]: "delete", [b.key]: "keep" });
    expect(decisions).toHaveLength(2);
  });
});

describe("policies recorded in manifests", () => {
  it("a gone target's manifest keep policy is followed", async () => {
    const { policyFromManifest } = await import("../src/index.js");
    const policy = policyFromManifest(
      {
        manifestVersion: 1,
        artifactKey: "k",
        target: "gone",
        engine: "postgres",
        database: "d",
        containerId: "c",
        containerName: "n",
        compression: "gzip",
        rawBytes: 1,
        storedBytes: 1,
        sha256: "x",
        retentionSeconds: 3600,
        keep: { last: 4, weekly: 2 },
        startedAt: "2026-01-01T00:00:00Z",
        durationSeconds: 1,
      },
      "UTC",
    );
    expect(policy).toEqual({ maxAgeSeconds: 3600, keepLast: 4, keepWeekly: 2, timezone: "UTC" });
  });
});
