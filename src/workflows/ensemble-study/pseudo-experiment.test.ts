import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { runPseudoExperiment } from "./pseudo-experiment.js";
import { trainLogRatioEnsemble } from "./train-log-ratio-ensemble.js";
import { TwoGaussianToy } from "./two-gaussian-toy.js";

describe("w_i f_i ensemble on the two-Gaussian toy", () => {
  const toy = new TwoGaussianToy();
  const rng = new Rng(12);
  const ensemble = trainLogRatioEnsemble({
    numerator: toy.sample("numerator", 1500, rng),
    denominator: toy.sample("denominator", 1500, rng),
    xDim: 2,
    members: 3,
    seed: 9,
    training: { maxEpochs: 25 },
  });

  it("trains networks whose log ratio follows the exact one", () => {
    const n = 4000,
      x = toy.sample("denominator", n, rng);
    const truth = toy.logRatio(x);
    const mean = truth.reduce((a, b) => a + b, 0) / n;
    const spread = truth.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    for (const f of ensemble.evaluate(x, n)) {
      const mse = f.reduce((a, v, i) => a + (v - truth[i]) ** 2, 0) / n;
      expect(mse / spread).toBeLessThan(0.2); // R² > 0.8 on the bulk of d
    }
  });

  it("runs one pseudo-experiment: finite estimates, a converged fit, the ensemble term adding variance", () => {
    const kappa = 0.3;
    const r = runPseudoExperiment({ toy, ensemble, kappa, fitEvents: 1500, testEvents: 3000, rng: new Rng(1) });
    for (const m of [r.exact, r.single, r.average, r.wifi]) {
      expect(Number.isFinite(m.kappa) && Number.isFinite(m.z)).toBe(true);
      expect(m.sigma).toBeGreaterThan(0);
    }
    expect(r.wifi.converged).toBe(true);
    expect(r.wifi.weights.length).toBe(4);
    expect(r.wifi.inflation).toBeGreaterThan(1);
    expect(r.wifi.sigma).toBeCloseTo(r.wifi.sigmaStatistical * Math.sqrt(r.wifi.inflation), 12);
    expect(r.wifi.z).toBeCloseTo(r.wifi.zStatistical / Math.sqrt(r.wifi.inflation), 12);
    // the exact ratio's estimate is unbiased with the Fisher error: 5σ is a loose, deterministic-seed check
    expect(Math.abs(r.exact.kappa - kappa)).toBeLessThan(5 * r.exact.sigma);
  });

  it("partitions D_train into disjoint parts and rejects too few events", () => {
    const x = toy.sample("numerator", 40, rng),
      y = toy.sample("denominator", 40, rng);
    const e = trainLogRatioEnsemble({
      numerator: x,
      denominator: y,
      xDim: 2,
      members: 2,
      resampling: "partition",
      seed: 1,
      training: { maxEpochs: 2 },
    });
    expect(e.members.map((m) => m.classCounts)).toEqual([
      { a: 20, b: 20 },
      { a: 20, b: 20 },
    ]);
    expect(() =>
      trainLogRatioEnsemble({ numerator: x, denominator: y, xDim: 2, members: 30, resampling: "partition", seed: 1 }),
    ).toThrow(NsbiInputError);
  });
});
