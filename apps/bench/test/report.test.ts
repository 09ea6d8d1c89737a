import { describe, expect, it } from "vitest";
import { parseBenchOptions } from "../src/options.js";
import { type BenchReport, type DatasetReport, renderReport } from "../src/report.js";

const GIB = 2 ** 30;

function postgres(sizeBytes: number, localPeakMb: number, remotePeakMb: number): DatasetReport {
  const run = (seconds: number, peakMb?: number) => ({
    seconds,
    rawBytes: sizeBytes,
    storedBytes: sizeBytes / 3,
    ...(peakMb ? { peakRssBytes: peakMb * 1e6 } : {}),
  });
  return {
    title: "PostgreSQL",
    serverVersion: "15",
    sizeBytes,
    sizeMeaning: "on disk",
    buildSeconds: 1,
    baselineCommand: "pg_dump | gzip -6",
    rounds: 1,
    loadAtRounds: 0,
    variants: [
      { id: "baseline", title: "baseline", kind: "baseline", runs: [run(10)] },
      { id: "agent-local", title: "agent → local disk", kind: "agent", runs: [run(9, localPeakMb)] },
      { id: "agent-remote", title: "agent → MinIO", kind: "agent", runs: [run(9, remotePeakMb)] },
    ],
  };
}

function reportOf(datasets: DatasetReport[]): BenchReport {
  return {
    command: "pnpm bench",
    date: "2026-11-26T00:00:00.000Z",
    machine: {
      cpu: "cpu",
      cores: 2,
      memoryBytes: 8 * GIB,
      os: "Debian",
      kernel: "6",
      node: "v20",
      engine: "20.10",
      gzip: "1.12",
      loadAtStart: 0,
    },
    rounds: 1,
    datasets,
    idle: undefined,
    notMeasured: [],
    errors: [],
    durationSeconds: 1,
    loadAtEnd: 0,
  };
}

const targetLine = (text: string, start: string) => text.split("\n").find((line) => line.startsWith(start));

describe("the targets table", () => {
  it("checks peak RSS at every size and calls memory flat within 10 %", () => {
    const text = renderReport(reportOf([postgres(GIB, 100, 120), postgres(4 * GIB, 104, 128)]));
    expect(targetLine(text, "| PostgreSQL 4.0 GiB, agent → MinIO: peak RSS")).toMatch(
      /128 MB \| ≤ 150 MB \| \*\*PASS\*\*/,
    );
    expect(targetLine(text, "| PostgreSQL: worst agent peak RSS from 1.0 GiB to 4.0 GiB")).toMatch(
      /120 MB → 128 MB \(\+7 %\) \| ≤ \+10 % \| \*\*PASS\*\*/,
    );
  });

  it("fails memory that grows with the database, even under the limit", () => {
    const text = renderReport(reportOf([postgres(GIB, 90, 100), postgres(4 * GIB, 95, 140)]));
    expect(targetLine(text, "| PostgreSQL: worst agent peak RSS from")).toMatch(/\(\+40 %\) .*\*\*FAIL\*\*/);
  });

  it("has no flatness row with one size", () => {
    const text = renderReport(reportOf([postgres(GIB, 100, 120)]));
    expect(targetLine(text, "| PostgreSQL: worst agent peak RSS from")).toBeUndefined();
  });
});

describe("--large-size", () => {
  it("adds a larger database with its own rounds, and must be larger than --size", () => {
    const options = parseBenchOptions(["--size", "1g", "--large-size", "4g"], "out.md");
    expect(options).toMatchObject({ sizeBytes: GIB, largeSizeBytes: 4 * GIB, largeRounds: 1 });
    expect(() => parseBenchOptions(["--size", "1g", "--large-size", "512m"], "out.md")).toThrow(
      /--large-size must be larger than --size/,
    );
  });
});
