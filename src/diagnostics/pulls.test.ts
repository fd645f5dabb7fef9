import { describe, expect, test } from "vitest";
import { gaussianFixture } from "./gaussian-fixture.js";
import { pulls } from "./pulls.js";

describe("pulls", () => {
  test("hand example: pull, residuals and the θ* = 0 exclusion", () => {
    // test 0: θ* = 1, draws 1, 2, 3 -> mean 2, std 1, pull 1, relative 1; test 1: θ* = 0, draws 0, 2, 4 -> mean 2, std 2, pull 1
    const r = pulls({ thetaTrue: [1, 0], draws: [1, 2, 3, 0, 2, 4], numTests: 2, numSamples: 3, numParams: 1 });
    expect(r.pulls[0]).toEqual([1, 1]);
    expect(r.residuals[0].relative).toEqual([1, null]);
    expect(r.residuals[0].relativeExcluded).toBe(1);
    expect(r.residuals[0].absolute).toEqual([1, 2]);
    expect(r.residuals[0].absoluteRms).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(r.rows[0].std).toEqual([1, 2]);
    // 16/84% quantiles of (1, 2, 3): 1.32 and 2.68
    expect(r.rows[0].q16[0]).toBeCloseTo(1.32, 12);
    expect(r.rows[0].q84[0]).toBeCloseTo(2.68, 12);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  // pull = (m + w·s·ε̄ − θ*)/(w·s) with θ* − m ~ N(0, s²): width 1/w (plus 1/(2L) from the draws)
  test.each([1, 0.5, 2])("posterior %f times too wide: pull width 1/w, mean 0", (w) => {
    const f = gaussianFixture({ numTests: 1000, numSamples: 200, numParams: 2, width: w, seed: 21 });
    const r = pulls(f);
    for (let p = 0; p < 2; p++) {
      expect(Math.abs(r.fit[p].width! - 1 / w)).toBeLessThan(0.06 / w);
      expect(Math.abs(r.fit[p].robustWidth! - 1 / w)).toBeLessThan(0.1 / w);
      expect(Math.abs(r.fit[p].mean!)).toBeLessThan(0.1 / w);
      // σ̂ ≈ w·s and (q84 − q16)/2 ≈ Φ⁻¹(0.84)·w·s = 0.99446·w·s
      const i = 7;
      expect(Math.abs(r.rows[p].std[i] / (w * f.posteriorStd) - 1)).toBeLessThan(0.15);
      expect(Math.abs((r.rows[p].q84[i] - r.rows[p].q16[i]) / 2 / (0.99446 * w * f.posteriorStd) - 1)).toBeLessThan(
        0.2,
      );
    }
  });

  test("a posterior shifted by half a standard deviation has pull mean 0.5", () => {
    const f = gaussianFixture({ numTests: 1000, numSamples: 100, numParams: 1, shift: 0.5, seed: 22 });
    const r = pulls(f);
    expect(Math.abs(r.fit[0].mean! - 0.5)).toBeLessThan(0.08);
    expect(Math.abs(r.residuals[0].absoluteMean - 0.5 * f.posteriorStd)).toBeLessThan(0.06);
  });
});
