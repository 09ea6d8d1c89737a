import { describe, expect, it } from "vitest";
import { formatBytes, max, median, megabytesPerSecond, parseSize, ratio } from "../src/stats.js";

describe("median", () => {
  it("takes the middle of an odd count and the mean of the middle two of an even count", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("does not reorder its input and is NaN when empty", () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
    expect(median([])).toBeNaN();
    expect(max([])).toBeNaN();
  });
});

describe("rates and ratios", () => {
  it("computes MB/s in decimal megabytes", () => {
    expect(megabytesPerSecond(50_000_000, 2)).toBe(25);
    expect(megabytesPerSecond(1, 0)).toBeNaN();
  });

  it("is NaN against a zero reference", () => {
    expect(ratio(11, 10)).toBeCloseTo(1.1);
    expect(ratio(1, 0)).toBeNaN();
  });
});

describe("parseSize", () => {
  it("reads binary units with or without iB", () => {
    expect(parseSize("64m")).toBe(64 * 2 ** 20);
    expect(parseSize("1g")).toBe(2 ** 30);
    expect(parseSize("4GiB")).toBe(4 * 2 ** 30);
    expect(parseSize("1.5G")).toBe(1.5 * 2 ** 30);
    expect(parseSize("4096")).toBe(4096);
  });

  it("refuses what it cannot read", () => {
    expect(parseSize("lots")).toBeUndefined();
    expect(parseSize("0")).toBeUndefined();
    expect(parseSize("-1g")).toBeUndefined();
  });
});

describe("formatBytes", () => {
  it("uses binary units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2 ** 30)).toBe("1.0 GiB");
    expect(formatBytes(Number.NaN)).toBe("–");
  });
});
