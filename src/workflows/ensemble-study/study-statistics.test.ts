import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../../errors.js";
import { biasInSigma, coverageSummary, ratioSummary, varianceRatios } from "./study-statistics.js";

describe("the study's statistics", () => {
  test("coverage of |z| ≤ 1 with its binomial error, z mean and s.d., by hand", () => {
    const s = coverageSummary([0.5, -1, 1.5, -2], [0.1, 0.2, 0.3, 0.4]);
    expect(s.n).toBe(4);
    expect(s.coverage).toBe(0.5); // 0.5 and −1 are covered (|z| ≤ 1 includes the edge)
    expect(s.coverageError).toBeCloseTo(Math.sqrt(0.25 / 4), 15);
    expect(s.zMean).toBeCloseTo(-0.25, 15);
    // deviations 0.75, −0.75, 1.75, −1.75: Σd² = 7.25, /3
    expect(s.zSd).toBeCloseTo(Math.sqrt(7.25 / 3), 14);
    expect(s.meanSigma).toBeCloseTo(0.25, 15);
    expect(() => coverageSummary([], [])).toThrow(NsbiInputError);
  });

  test("variance ratios and biases per column, by hand", () => {
    // column 0: values 1, 3 → variance 2; predicted 1 and 3 → mean 2: ratio 1. column 1: 0, 0 → 0
    const rows = [
      [1, 0],
      [3, 0],
    ];
    const predicted = [
      [1, 4],
      [3, 4],
    ];
    const v = varianceRatios(rows, predicted);
    expect(v[0]).toBeCloseTo(1, 14);
    expect(v[1]).toBe(0);
    // (mean − truth)/√(mean predicted): (2 − 1)/√2 and (0 − 1)/2
    const b = biasInSigma(rows, predicted, [1, 1]);
    expect(b[0]).toBeCloseTo(1 / Math.sqrt(2), 15);
    expect(b[1]).toBeCloseTo(-0.5, 15);
    expect(() => varianceRatios([[1]], [[1]])).toThrow(NsbiInputError);
  });

  test("ratio summary: median, range and the count within ±15%", () => {
    const s = ratioSummary([1.2, 0.9, 1.0, 0.8]);
    expect(s.median).toBeCloseTo(0.95, 15);
    expect([s.min, s.max, s.within15, s.n]).toEqual([0.8, 1.2, 2, 4]);
    expect(s.mean).toBeCloseTo(0.975, 15);
  });
});
