import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { Gaussian } from "../flows/priors/gaussian.js";
import { NPE } from "./npe.js";

/**
 * sbibm's gaussian_linear in 3-D: θ ~ N(0, 0.1 I), x | θ ~ N(θ, 0.1 I). The posterior is
 * N(x/2, 0.05 I) in closed form, so NPE samples can be checked against it directly.
 */
describe("NPE on a linear Gaussian model recovers the closed-form posterior", () => {
  const D = 3,
    prior = new Gaussian([0, 0, 0], [Math.sqrt(0.1), Math.sqrt(0.1), Math.sqrt(0.1)]);
  const rng = new Rng(11);
  const n = 4000;
  const theta = prior.sample(n, rng);
  const x = theta.map((t) => t + Math.sqrt(0.1) * rng.normal());

  test.each(["maf", "nsf"] as const)("%s: posterior mean and covariance", (estimator) => {
    const npe = new NPE({ prior, estimator, transforms: 3, hiddenFeatures: 32 });
    npe
      .appendSimulations(theta, x)
      .train({ seed: 3, batchSize: 100, learningRate: 1e-3, maxEpochs: 60, stopAfterEpochs: 10 });
    const posterior = npe.buildPosterior();
    for (const xo of [Float32Array.of(0.3, -0.4, 0.1), Float32Array.of(-0.6, 0.2, 0.5)]) {
      const m = 5000,
        s = posterior.sample(m, xo, { seed: 5 });
      const mean = [0, 1, 2].map((j) => {
        let a = 0;
        for (let i = 0; i < m; i++) a += s[i * D + j];
        return a / m;
      });
      const cov = [0, 1, 2].map((a) =>
        [0, 1, 2].map((b) => {
          let c = 0;
          for (let i = 0; i < m; i++) c += (s[i * D + a] - mean[a]) * (s[i * D + b] - mean[b]);
          return c / (m - 1);
        }),
      );
      for (let j = 0; j < D; j++) {
        // posterior sd is 0.224: the mean must be within 0.25 sd, the variance within 25%
        expect(Math.abs(mean[j] - xo[j] / 2)).toBeLessThan(0.056);
        expect(cov[j][j]).toBeGreaterThan(0.05 * 0.75);
        expect(cov[j][j]).toBeLessThan(0.05 * 1.25);
        for (let k = 0; k < j; k++) expect(Math.abs(cov[j][k])).toBeLessThan(0.01);
      }
      // the density agrees with the closed form at the posterior mean (log N(0; 0, 0.05 I) = 2.339)
      const lp = posterior.logProb(
        Float32Array.from(xo, (v) => v / 2),
        xo,
      )[0];
      expect(Math.abs(lp - -1.5 * Math.log(2 * Math.PI * 0.05))).toBeLessThan(0.3);
    }
  });
});
