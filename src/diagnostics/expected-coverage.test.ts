import { describe, expect, test } from "vitest";
import { centralIntervalCoverage, expectedCoverage } from "./expected-coverage.js";
import { gaussianFixture } from "./gaussian-fixture.js";

describe("HPD expected coverage", () => {
  test("r* is the fraction of draws with higher density; EC counts r* ≤ level", () => {
    // test 0: log q(θ*) = -1, draws -3,-2,0,1 -> r* = 2/4; test 1: log q(θ*) = -Infinity -> r* = 1
    const r = expectedCoverage([-3, -2, 0, 1, 5, 5, 5, 5], [-1, -Infinity], 4, { points: 5 });
    expect(r.hpdLevels).toEqual([0.5, 1]);
    expect(r.levels).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(r.coverage).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(() => expectedCoverage([1, 2, 3], [0], 4)).toThrow(
      /logProbDraws has 3 values, expected numTests x numSamples = 1 x 4/,
    );
    expect(() => expectedCoverage([1], [NaN], 1)).toThrow(/logProbTrue value 0 is NaN/);
  });

  test("exact posterior: EC within ±0.05 of the diagonal (N = 500)", () => {
    const f = gaussianFixture({ numTests: 500, numSamples: 200, numParams: 2, seed: 11 });
    const r = expectedCoverage(f.logProbDraws, f.logProbTrue, f.numSamples);
    expect(Math.abs(r.maxDeviation)).toBeLessThan(0.05);
    expect(Math.abs(r.meanDeviation)).toBeLessThan(0.02);
  });

  // In 2-D the HPD regions of N(μ, (w s)² I) are discs: r* = F(|Z|²/w²) with F the χ²₂ CDF,
  // so EC(c) = F(w²·F⁻¹(c)) = 1 − (1 − c)^(w²).
  test.each([0.5, 2])("posterior %f times too wide: EC(c) = 1 − (1 − c)^(w²)", (w) => {
    const f = gaussianFixture({ numTests: 1000, numSamples: 200, numParams: 2, width: w, seed: 12 });
    const r = expectedCoverage(f.logProbDraws, f.logProbTrue, f.numSamples, { points: 21 });
    r.levels.forEach((c, k) => {
      expect(Math.abs(r.coverage[k] - (1 - (1 - c) ** (w * w)))).toBeLessThan(0.05);
    });
    if (w < 1) expect(r.meanDeviation).toBeLessThan(-0.1);
    else expect(r.meanDeviation).toBeGreaterThan(0.1);
  });
});

describe("central-interval coverage", () => {
  // levels 2Φ(z)−1 for z = 0.5, 1, 2; a marginal w times too wide covers with 2Φ(w·z)−1
  const levels = [0.3829249225480264, 0.6826894921370859, 0.9544997361036416];
  const expected: Record<string, number[]> = {
    "1": levels,
    "0.5": [0.19741265136584765, 0.3829249225480264, 0.6826894921370859],
    "2": [0.6826894921370859, 0.9544997361036416, 0.9999366575163338],
  };
  test.each([1, 0.5, 2])("width %f: coverage 2Φ(w·z) − 1 per parameter", (w) => {
    const f = gaussianFixture({ numTests: 1000, numSamples: 200, numParams: 2, width: w, seed: 13 });
    const r = centralIntervalCoverage(f, { levels });
    for (let p = 0; p < 2; p++)
      r.coverage[p].forEach((c, k) => {
        expect(Math.abs(c - expected[String(w)][k])).toBeLessThan(0.05);
      });
  });

  test("default levels 0.05..0.95 and bounds included", () => {
    // one test, draws 0..4: the 0.5 central interval is [1, 3] (quantiles .25/.75), θ* = 3 is inside
    const r = centralIntervalCoverage({
      thetaTrue: [3],
      draws: [0, 1, 2, 3, 4],
      numTests: 1,
      numSamples: 5,
      numParams: 1,
    });
    expect(r.levels.length).toBe(19);
    expect(r.levels[0]).toBe(0.05);
    expect(r.levels[18]).toBe(0.95);
    expect(r.coverage[0][r.levels.indexOf(0.5)]).toBe(1);
    expect(r.coverage[0][r.levels.indexOf(0.45)]).toBe(0);
  });
});
