import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "../src/index.js";

describe("backoffDelayMs (exponential, full jitter)", () => {
  it("doubles its ceiling each retry up to the maximum", () => {
    const top = () => 0.999999;
    expect([0, 1, 2, 3, 4, 5, 6].map((retry) => backoffDelayMs(retry, 100, 2500, top))).toEqual([
      99, 199, 399, 799, 1599, 2499, 2499,
    ]);
  });

  it("can be zero: the jitter covers the whole range", () => {
    expect(backoffDelayMs(3, 100, 2500, () => 0)).toBe(0);
  });

  it("stays within [0, min(max, base * 2^retry)) (property)", () => {
    fc.assert(
      fc.property(
        fc.nat(40),
        fc.nat(10_000),
        fc.nat(60_000),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, base, max, r) => {
          const delay = backoffDelayMs(retry, base, max, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.max(0, Math.min(max, base * 2 ** retry) - 1));
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });

  it("spreads delays rather than repeating one value", () => {
    const delays = new Set(Array.from({ length: 100 }, () => backoffDelayMs(4, 100, 10_000)));
    expect(delays.size).toBeGreaterThan(20);
  });
});
