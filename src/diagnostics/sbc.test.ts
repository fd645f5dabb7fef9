import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import { gaussianFixture } from "./gaussian-fixture.js";
import { dataAveragedPosteriorCheck, sbc, sbcRanks } from "./sbc.js";

/** Var(Φ(Z/w)) for Z ~ N(0,1): the variance of the continuous rank of a posterior w times too wide. */
const rankVariance = (w: number) => Math.asin(1 / (1 + w * w)) / (2 * Math.PI);

describe("SBC ranks", () => {
  test("rank = number of draws strictly below θ*, per marginal", () => {
    // one test, 4 draws of (a, b); θ* = (2.5, 0): a-draws 1,2,3,4 -> 2 below; b-draws 0,-1,1,0 -> 1 below (ties do not count)
    const r = sbcRanks({
      thetaTrue: [2.5, 0],
      draws: [1, 0, 2, -1, 3, 1, 4, 0],
      numTests: 1,
      numSamples: 4,
      numParams: 2,
    });
    expect(r).toEqual([[2], [1]]);
    expect(() => sbcRanks({ thetaTrue: [0], draws: [1], numTests: 1, numSamples: 2, numParams: 1 })).toThrow(
      NsbiInputError,
    );
  });

  test("exact posterior: ranks uniform (KS p not small, mean 1/2, variance 1/12)", () => {
    const f = gaussianFixture({ numTests: 1000, numSamples: 200, numParams: 2, seed: 1 });
    const r = sbc(f, { seed: 2 });
    for (let p = 0; p < 2; p++) {
      expect(r.ks[p].pValue).toBeGreaterThan(0.01);
      expect(Math.abs(r.rankMean[p] - 0.5)).toBeLessThan(0.03);
      expect(Math.abs(r.rankVariance[p] - 1 / 12)).toBeLessThan(0.01);
      for (const u of r.fractionalRanks[p]) {
        expect(u).toBeGreaterThan(0);
        expect(u).toBeLessThan(1);
      }
    }
  });

  test.each([0.5, 2])("posterior %f times too wide: rank variance arcsin(1/(1+w²))/2π, KS rejects", (w) => {
    const f = gaussianFixture({ numTests: 1000, numSamples: 200, numParams: 2, width: w, seed: 3 });
    const r = sbc(f, { seed: 4 });
    for (let p = 0; p < 2; p++) {
      expect(r.ks[p].pValue).toBeLessThan(1e-4);
      expect(Math.abs(r.rankVariance[p] - rankVariance(w))).toBeLessThan(0.01);
    }
  });

  test("same seed, same fractional ranks; another seed, other jitter", () => {
    const f = gaussianFixture({ numTests: 50, numSamples: 20, numParams: 1, seed: 5 });
    expect(sbc(f, { seed: 1 }).fractionalRanks).toEqual(sbc(f, { seed: 1 }).fractionalRanks);
    expect(sbc(f, { seed: 1 }).fractionalRanks).not.toEqual(sbc(f, { seed: 2 }).fractionalRanks);
  });
});

describe("data-averaged posterior vs prior", () => {
  // prior N(0,1), σ = 1: posterior mean x/2 has variance 1/2, posterior variance 1/2, so the pooled
  // draws of a posterior w times too wide have variance 1/2 + w²/2.
  test.each([1, 0.5, 2])("width %f: pooled std sqrt((1 + w²)/2), KS flags w != 1", (w) => {
    const f = gaussianFixture({ numTests: 2000, numSamples: 50, numParams: 2, width: w, seed: 6 });
    const c = dataAveragedPosteriorCheck(f);
    for (let p = 0; p < 2; p++) {
      expect(Math.abs(c.posteriorStd[p] - Math.sqrt((1 + w * w) / 2))).toBeLessThan(0.03);
      expect(Math.abs(c.priorStd[p] - 1)).toBeLessThan(0.05);
      expect(Math.abs(c.posteriorMean[p])).toBeLessThan(0.05);
      if (w === 1) expect(c.ks[p].pValue).toBeGreaterThan(0.01);
      else expect(c.ks[p].pValue).toBeLessThan(1e-3);
    }
  });

  test("prior samples must come in rows of numParams", () => {
    const f = gaussianFixture({ numTests: 10, numSamples: 5, numParams: 2 });
    expect(() => dataAveragedPosteriorCheck(f, [1, 2, 3])).toThrow(
      /priorSamples has 3 values, expected rows of numParams = 2/,
    );
  });
});
