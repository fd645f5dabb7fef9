// Posterior.map and Posterior.summarize / summarizeSamples against closed forms (issue 10, B8).
import { beforeAll, describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { Gaussian } from "../flows/priors/gaussian.js";
import { normalQuantile } from "../numerics/normal.js";
import { NPE } from "./npe.js";
import type { Posterior } from "./posterior.js";
import { DEFAULT_QUANTILES, summarizeSamples } from "./summary.js";

test("summarizeSamples: mean, std and quantiles of a sample placed at normal quantiles", () => {
  // n draws at Φ⁻¹((i + ½)/n)·σ + μ: the type-7 quantile at level q lies within one grid step of μ + σΦ⁻¹(q)
  const n = 20000,
    mu = [1.5, -3],
    sigma = [0.5, 2],
    s = new Float32Array(2 * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < 2; j++) s[i * 2 + j] = mu[j] + sigma[j] * normalQuantile((i + 0.5) / n);
  const r = summarizeSamples(s, n, ["a", "b"]);
  expect(r.parameterNames).toEqual(["a", "b"]);
  expect(r.quantiles.map((q) => q.level)).toEqual(DEFAULT_QUANTILES);
  for (let j = 0; j < 2; j++) {
    expect(r.mean[j]).toBeCloseTo(mu[j], 5);
    expect(Math.abs(r.std[j] / sigma[j] - 1)).toBeLessThan(2e-3);
    for (const q of r.quantiles)
      expect(Math.abs(q.values[j] - (mu[j] + sigma[j] * normalQuantile(q.level)))).toBeLessThan(2e-3 * sigma[j]);
  }
});

/**
 * sbibm's gaussian_linear in 2-D: θ ~ N(0, 0.1 I), x | θ ~ N(θ, 0.1 I), so the posterior is
 * N(x/2, 0.05 I): its mode is x/2 and its quantiles are x/2 + √0.05·Φ⁻¹(q).
 */
describe("on a trained posterior with a closed form", () => {
  const D = 2,
    sd = Math.sqrt(0.05);
  let posterior: Posterior;
  beforeAll(() => {
    const prior = new Gaussian([0, 0], [Math.sqrt(0.1), Math.sqrt(0.1)]),
      rng = new Rng(21),
      n = 5000;
    const theta = prior.sample(n, rng),
      x = theta.map((t) => t + Math.sqrt(0.1) * rng.normal());
    const npe = new NPE({ prior, estimator: "maf", transforms: 2, hiddenFeatures: 32 });
    npe
      .appendSimulations(theta, x)
      .train({ seed: 4, batchSize: 100, learningRate: 1e-3, maxEpochs: 100, stopAfterEpochs: 10 });
    posterior = npe.buildPosterior();
  }, 120_000);

  test("map is the mode x/2, and no posterior draw has a higher density", () => {
    for (const xo of [Float32Array.of(0.3, -0.4), Float32Array.of(-0.6, 0.5)]) {
      const m = posterior.map(xo, { seed: 1 });
      expect(m.length).toBe(D);
      // the learned density's mode within a quarter of a posterior sd of the true mode
      for (let j = 0; j < D; j++) expect(Math.abs(m[j] - xo[j] / 2)).toBeLessThan(0.25 * sd);
      // the optimiser reached the learned mode: log q(map) is at least that of 2,000 draws
      const draws = posterior.sample(2000, xo, { seed: 2 });
      const lpDraws = posterior.logProb(draws, xo, { normalizeLeakage: false });
      const lpMap = posterior.logProb(m, xo, { normalizeLeakage: false })[0];
      expect(lpMap).toBeGreaterThanOrEqual(Math.max(...lpDraws) - 1e-4);
    }
  });

  test("summarize: quantiles of N(x/2, 0.05) within a quarter of a posterior sd", () => {
    const xo = Float32Array.of(0.3, -0.4),
      s = posterior.summarize(20000, xo, { seed: 3 });
    for (let j = 0; j < D; j++) {
      expect(Math.abs(s.mean[j] - xo[j] / 2)).toBeLessThan(0.2 * sd);
      expect(Math.abs(s.std[j] / sd - 1)).toBeLessThan(0.15);
      for (const q of s.quantiles)
        expect(Math.abs(q.values[j] - (xo[j] / 2 + sd * normalQuantile(q.level)))).toBeLessThan(0.25 * sd);
    }
  });
});
