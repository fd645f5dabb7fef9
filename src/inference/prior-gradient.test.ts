import { describe, expect, test } from "vitest";
import { BoxUniform } from "../flows/priors/box-uniform.js";
import { Gaussian } from "../flows/priors/gaussian.js";
import { LogNormal } from "../flows/priors/lognormal.js";
import { MultivariateGaussian } from "../flows/priors/multivariate-gaussian.js";
import type { Prior } from "../flows/priors/prior.js";
import { priorPlusDataPotential } from "./iid-potential.js";
import { priorGradient } from "./prior-gradient.js";

describe("priorGradient matches central differences of the prior's logProb (float64)", () => {
  const cases: [string, Prior, number[]][] = [
    ["box_uniform", new BoxUniform([-1, 0], [2, 3]), [0.5, 1.5, -0.2, 2.9]],
    ["gaussian", new Gaussian([0.5, -1], [2, 0.3]), [0.1, -0.7, 3, -2]],
    [
      "multivariate_gaussian",
      new MultivariateGaussian(
        [1, -1],
        [
          [2, 0.6],
          [0.6, 0.5],
        ],
      ),
      [0.3, 0.2, 2, -2],
    ],
    ["lognormal", new LogNormal([0, 1], [0.5, 1.2]), [0.7, 2.5, 1.9, 0.4]],
  ];
  test.each(cases)("%s", (_name, prior, rows) => {
    const theta = Float64Array.from(rows),
      n = rows.length / 2,
      g = new Float64Array(rows.length);
    priorGradient(prior)(theta, n, g);
    const h = 1e-5;
    for (let q = 0; q < rows.length; q++) {
      const up = theta.slice(),
        down = theta.slice();
      up[q] += h;
      down[q] -= h;
      const i = Math.floor(q / 2);
      const fd = (prior.logProb(up, n)[i] - prior.logProb(down, n)[i]) / (2 * h);
      // central differences of a smooth float64 function: error O(h²) + rounding 1e-16/h ≈ 1e-9
      expect(Math.abs(g[q] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  });
});

describe("priorPlusDataPotential", () => {
  test("adds the prior to the data term, and skips rows outside the support", () => {
    const prior = new BoxUniform([0, 0], [1, 1]);
    const seen: number[] = [];
    const pot = priorPlusDataPotential(prior, {
      logDensity(theta, m, out) {
        for (let r = 0; r < m; r++) {
          seen.push(theta[2 * r]);
          out[r] = -((theta[2 * r] - 0.5) ** 2) - theta[2 * r + 1];
        }
      },
      gradient(theta, m, outLog, outGrad) {
        this.logDensity(theta, m, outLog);
        for (let r = 0; r < m; r++) {
          outGrad[2 * r] = -2 * (theta[2 * r] - 0.5);
          outGrad[2 * r + 1] = -1;
        }
      },
    });
    const theta = Float64Array.of(0.25, 0.5, 1.5, 0.5, 0.75, 0.1),
      out = new Float64Array(3),
      out2 = new Float64Array(3),
      g = new Float64Array(6);
    pot.logDensity(theta, 3, out);
    expect(seen).toEqual([0.25, 0.75]);
    expect(out[1]).toBe(-Infinity);
    expect(out[0]).toBeCloseTo(-0.0625 - 0.5, 12); // log p(θ) = 0 on the unit square
    expect(out[2]).toBeCloseTo(-0.0625 - 0.1, 12);
    pot.gradient!(theta, 3, out2, g);
    expect(Array.from(out2)).toEqual(Array.from(out));
    expect([g[0], g[1], g[4], g[5]]).toEqual([0.5, -1, -0.5, -1]);
  });
});
