import { describe, expect, it } from "vitest";
import {
  attributeFailures,
  checkDestination,
  compareNotifications,
  expectedNotifications,
  type LogLine,
  memoryTrend,
  notificationKey,
  notRecovered,
  overlongRuns,
  pairRuns,
  type RssSample,
  stuckRuns,
  tallyWebhooks,
} from "../src/soak/checks.js";
import { seededRandom } from "../src/soak/random.js";
import { replaceSoakSection } from "../src/soak/report.js";

const T0 = Date.parse("2026-11-30T06:00:00.000Z");
/** A log line as the agent writes it, `s` seconds after T0. */
const line = (s: number, event: string, container: string, extra: LogLine = {}) => ({
  line: { time: new Date(T0 + s * 1000).toISOString(), event, target: container, container, ...extra },
  at: T0 + s * 1000 + 5,
});

describe("runs from log lines", () => {
  it("pairs each start with the next end of the same target, across interleaved targets", () => {
    const { runs, unmatchedEnds, skipped } = pairRuns([
      line(0, "backup.started", "a"),
      line(1, "backup.started", "b"),
      line(2, "backup.skipped", "a"),
      line(3, "backup.succeeded", "b", { durationSeconds: 2 }),
      line(4, "backup.failed", "a", { error: "disk full", durationSeconds: 4 }),
    ]);
    expect(runs.map((r) => [r.container, r.outcome, r.durationSeconds])).toEqual([
      ["a", "failed", 4],
      ["b", "succeeded", 2],
    ]);
    expect(runs[0]!.error).toBe("disk full");
    expect(stuckRuns(runs)).toEqual([]);
    expect(unmatchedEnds).toEqual([]);
    expect(skipped.map((s) => s.container)).toEqual(["a"]);
  });

  it("finds a run that never ended, also when the target started again", () => {
    const { runs } = pairRuns([
      line(0, "backup.started", "a"),
      line(30, "backup.started", "a"),
      line(31, "backup.succeeded", "a"),
      line(40, "backup.started", "b"),
    ]);
    expect(stuckRuns(runs).map((r) => [r.container, r.startedAt])).toEqual([
      ["a", T0],
      ["b", T0 + 40_000],
    ]);
  });

  it("leaves out the notifier's delivery lines, which carry the payload's event but no container", () => {
    const delivery = {
      line: { event: "backup.succeeded", target: "http://127.0.0.1:1", notificationId: "n1", msg: "webhook delivered" },
      at: T0,
    };
    const { runs, unmatchedEnds } = pairRuns([line(0, "backup.started", "a"), delivery, line(1, "backup.failed", "a")]);
    expect(runs.map((r) => r.outcome)).toEqual(["failed"]);
    expect(unmatchedEnds).toEqual([]);
  });

  it("reports an end that has no start", () => {
    const { unmatchedEnds } = pairRuns([line(5, "backup.failed", "ghost")]);
    expect(unmatchedEnds).toEqual([{ event: "backup.failed", target: "ghost", at: T0 + 5000 }]);
  });

  it("flags runs longer than the limit, by the agent's figure or the log's, whichever is longer", () => {
    const { runs } = pairRuns([
      line(0, "backup.started", "fast"),
      line(10, "backup.succeeded", "fast", { durationSeconds: 10 }),
      line(0, "backup.started", "slow-by-log"),
      line(95, "backup.failed", "slow-by-log", { durationSeconds: 60 }),
      line(0, "backup.started", "slow-by-agent"),
      line(1, "backup.failed", "slow-by-agent", { durationSeconds: 91 }),
    ]);
    expect(overlongRuns(runs, 90).map((r) => r.container)).toEqual(["slow-by-log", "slow-by-agent"]);
  });
});

const hook = (id: string, event: string, container: string, answered = 200) => ({
  body: JSON.stringify({ id, event, container_name: container }),
  answered,
});

describe("webhooks", () => {
  it("counts a notification once however many times it was retried", () => {
    const tally = tallyWebhooks([
      hook("1", "backup.succeeded", "a", 503),
      hook("1", "backup.succeeded", "a", 200),
      hook("2", "backup.succeeded", "a"),
      hook("3", "backup.skipped", "a"),
    ]);
    expect(tally.deliveries).toBe(4);
    expect(tally.distinctIds).toBe(3);
    expect(tally.counts.get(notificationKey("backup.succeeded", "a"))).toBe(2);
    expect(tally.duplicates).toEqual([]);
  });

  it("calls a notification accepted twice a duplicate, and an id reused for another event a conflict", () => {
    const tally = tallyWebhooks([
      hook("1", "backup.failed", "a"),
      hook("1", "backup.failed", "a"),
      hook("2", "backup.failed", "a"),
      hook("2", "backup.succeeded", "a", 503),
      { body: "not json", answered: 200 },
    ]);
    expect(tally.duplicates).toEqual(["1"]);
    expect(tally.conflicting).toEqual(["2"]);
    expect(tally.unreadable).toBe(1);
  });

  it("expects one notification per finished run and per skipped tick, and names every difference", () => {
    const pairing = pairRuns([
      line(0, "backup.started", "a"),
      line(1, "backup.succeeded", "a"),
      line(2, "backup.started", "a"),
      line(3, "backup.skipped", "a"),
      line(4, "backup.failed", "a"),
      line(5, "backup.started", "b"),
    ]);
    const expected = expectedNotifications(pairing);
    expect(Object.fromEntries(expected)).toEqual({
      "backup.succeeded a": 1,
      "backup.failed a": 1,
      "backup.skipped a": 1,
    });
    const received = tallyWebhooks([
      hook("1", "backup.succeeded", "a"),
      hook("2", "backup.failed", "a"),
      hook("3", "backup.failed", "a"),
      hook("4", "gc.completed", ""),
    ]);
    expect(compareNotifications(expected, received.counts)).toEqual([
      { key: "backup.failed a", logged: 1, notified: 2 },
      { key: "backup.skipped a", logged: 1, notified: 0 },
    ]);
  });
});

describe("memory", () => {
  /** One sample every 2 s over 100 s, `rss(t)` MB at second t. */
  const samples = (rss: (t: number) => number): RssSample[] =>
    Array.from({ length: 51 }, (_, i) => ({ at: T0 + i * 2000, bytes: rss(i * 2) * 1e6 }));

  it("passes memory that rises and falls around a level, peaks included", () => {
    const trend = memoryTrend(
      samples((t) => (t % 10 === 0 ? 140 : 80 + (t % 3))),
      T0,
      T0 + 100_000,
    );
    expect(trend.pass).toBe(true);
    expect(trend.firstMedian).toBeGreaterThan(79e6);
  });

  it("fails memory that keeps growing", () => {
    const trend = memoryTrend(
      samples((t) => 80 + t * 0.5),
      T0,
      T0 + 100_000,
    );
    expect(trend.growth).toBeGreaterThan(0.25);
    expect(trend.pass).toBe(false);
  });

  it("fails when there are too few samples to tell", () => {
    const trend = memoryTrend([{ at: T0, bytes: 1 }], T0, T0 + 100_000);
    expect(trend.pass).toBe(false);
    expect(trend.reason).toContain("too few samples");
  });
});

describe("destinations", () => {
  it("pairs artifacts with manifests and finds the writer's temp files", () => {
    const check = checkDestination([
      "soak/pg/postgres-appdb-1.sql.gz",
      "soak/pg/postgres-appdb-1.sql.gz.manifest.json",
      "soak/pg/postgres-appdb-2.sql.gz",
      "soak/redis/redis-0-3.rdb.gz.manifest.json",
      "soak/pg/.lb-partial-0a1b-postgres-appdb-4.sql.gz",
    ]);
    expect(check.artifacts).toBe(2);
    expect(check.manifests).toBe(2);
    expect(check.temps).toEqual(["soak/pg/.lb-partial-0a1b-postgres-appdb-4.sql.gz"]);
    expect(check.artifactsWithoutManifest).toEqual(["soak/pg/postgres-appdb-2.sql.gz"]);
    expect(check.manifestsWithoutArtifact).toEqual(["soak/redis/redis-0-3.rdb.gz.manifest.json"]);
  });
});

describe("faults", () => {
  const { runs } = pairRuns([
    line(0, "backup.started", "local-a"),
    line(12, "backup.failed", "local-a", { error: "no space" }),
    line(0, "backup.started", "remote-b"),
    line(12, "backup.failed", "remote-b", { error: "S3 down" }),
    line(40, "backup.started", "local-a"),
    line(41, "backup.failed", "local-a", { error: "engine gone" }),
    line(60, "backup.started", "local-a"),
    line(61, "backup.succeeded", "local-a"),
  ]);

  it("explains a failure only by a fault that was on and reaches that target", () => {
    const disk = { id: 1, kind: "disk", start: T0 + 10_000, end: T0 + 30_000, containers: ["local-a"] };
    const { byFault, unexplained } = attributeFailures(runs, [disk], 5000);
    expect(byFault.get(1)?.map((r) => r.container)).toEqual(["local-a"]);
    expect(unexplained.map((r) => r.error)).toEqual(["S3 down", "engine gone"]);
  });

  it("counts a run that started within the slack after a fault as that fault's", () => {
    const engine = { id: 2, kind: "engine", start: T0 + 30_000, end: T0 + 36_000, containers: "all" as const };
    const { byFault } = attributeFailures(runs, [engine], 5000);
    expect(byFault.get(2)?.map((r) => r.error)).toEqual(["engine gone"]);
  });

  it("names the targets with no success after the last fault", () => {
    expect(notRecovered(runs, ["local-a", "remote-b"], T0 + 50_000)).toEqual(["remote-b"]);
  });

  it("plans the same way from the same seed", () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect([a.next(), a.between(1, 2), a.shuffle([1, 2, 3, 4, 5])]).toEqual([
      b.next(),
      b.between(1, 2),
      b.shuffle([1, 2, 3, 4, 5]),
    ]);
    expect(seededRandom(8).next()).not.toBe(seededRandom(7).next());
  });
});

describe("the Soak section of BENCHMARKS.md", () => {
  const section = "## Soak\n\nnew figures\n";

  it("is added at the end when missing", () => {
    expect(replaceSoakSection("# Benchmarks\n\n## Method\n\ntext\n", section)).toBe(
      "# Benchmarks\n\n## Method\n\ntext\n\n## Soak\n\nnew figures\n",
    );
  });

  it("replaces the old one, its subsections included, and keeps what follows", () => {
    const before = "# Benchmarks\n\n## Soak\n\nold\n\n### Checks\n\nold table\n\n## Method\n\ntext\n";
    expect(replaceSoakSection(before, section)).toBe("# Benchmarks\n\n## Soak\n\nnew figures\n\n## Method\n\ntext\n");
  });
});
