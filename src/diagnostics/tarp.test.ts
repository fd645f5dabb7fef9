import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import type { CalibrationSamples } from "./calibration-samples.js";
import { tarp } from "./tarp.js";

/**
 * sbi's TARP fixture (tests/tarp_test.py, from Lemos et al. 2023 §4.1): per test and dimension a
 * centre ~ U(−5, 5) and a scale exp(U(−5, −1)); θ* ~ N(centre, scale²) and the draws
 * ~ N(centre, (covfactor·scale)²). covfactor 1 is exact, 0.25 too narrow, 4 too wide.
 */
function toyGaussian(
  numTests: number,
  numSamples: number,
  dim: number,
  covfactor: number,
  seed: number,
): CalibrationSamples {
  const rng = new Rng(seed),
    thetaTrue = new Float64Array(numTests * dim),
    draws = new Float64Array(numTests * numSamples * dim);
  for (let i = 0; i < numTests; i++)
    for (let p = 0; p < dim; p++) {
      const loc = -5 + 10 * rng.uniform(),
        scale = Math.exp(-5 + 4 * rng.uniform());
      thetaTrue[i * dim + p] = loc + scale * rng.normal();
      for (let l = 0; l < numSamples; l++)
        draws[(i * numSamples + l) * dim + p] = loc + covfactor * scale * rng.normal();
    }
  return { thetaTrue, draws, numTests, numSamples, numParams: dim };
}

describe("TARP", () => {
  test("f counts draws strictly closer to the reference than θ*", () => {
    // reference 0, θ* at distance 2; draws at distances 1, 3, 2 (tie, not closer), 0.5 -> f = 2/4
    const s = { thetaTrue: [2, 0], draws: [1, 0, 0, 3, -2, 0, 0, 0.5], numTests: 1, numSamples: 4, numParams: 2 };
    const r = tarp(s, { references: [0, 0], normalization: "none", points: 5 });
    expect(r.coverageValues).toEqual([0.5]);
    // ECP(α) = [f < α]: 0 at α ≤ 0.5, 1 above, and 1 at α = 1
    expect(r.ecp).toEqual([0, 0, 0, 1, 1]);
    expect(r.alpha).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // ATC over the upper half (k ≥ 2): (0 − .5 + 1 − .75 + 1 − 1)·0.25
    expect(r.atc).toBeCloseTo(-0.0625, 12);
    expect(() => tarp(s, { references: [0] })).toThrow(
      /references has 1 values, expected numTests x numParams = 1 x 2/,
    );
  });

  test("normalisation is a per-parameter affine map: scaling one axis of everything changes nothing under minmax", () => {
    const s = toyGaussian(200, 50, 3, 1, 1);
    const scaled = {
      ...s,
      thetaTrue: Float64Array.from(s.thetaTrue, (v, i) => (i % 3 === 1 ? 1000 * v + 7 : v)),
      draws: Float64Array.from(s.draws, (v, i) => (i % 3 === 1 ? 1000 * v + 7 : v)),
    };
    expect(tarp(scaled, { seed: 3 }).coverageValues).toEqual(tarp(s, { seed: 3 }).coverageValues);
    expect(tarp(scaled, { seed: 3, normalization: "zscore" }).coverageValues).toEqual(
      tarp(s, { seed: 3, normalization: "zscore" }).coverageValues,
    );
  });

  test("correct posterior (sbi fixture): max |ECP − α| < 0.1 and the KS test passes", () => {
    const r = tarp(toyGaussian(1000, 100, 5, 1, 2), { seed: 1, points: 100 });
    expect(r.ecp[0]).toBe(0);
    expect(r.ecp[99]).toBe(1);
    expect(Math.abs(r.maxDeviation)).toBeLessThan(0.1);
    expect(r.sumAbsDeviation).toBeLessThan(3);
    expect(r.ks.pValue).toBeGreaterThan(0.01);
    expect(Math.abs(r.atc)).toBeLessThan(0.01);
  });

  test.each([
    [0.25, -1],
    [4, 1],
  ])("draws scaled ×%f around the right centre: Σ|ECP − α| > 3, ATC sign %i", (covfactor, sign) => {
    const r = tarp(toyGaussian(500, 100, 5, covfactor, 3), { seed: 2, points: 100 });
    expect(r.sumAbsDeviation).toBeGreaterThan(3);
    expect(r.ks.pValue).toBeLessThan(1e-3);
    expect(Math.sign(r.atc)).toBe(sign);
  });
});
