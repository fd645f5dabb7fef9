import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { MultivariateGaussian } from "./multivariate-gaussian.js";
import { priorFromConfig } from "./prior-from-config.js";

describe("MultivariateGaussian", () => {
  const cov = [
    [2, 0.6, 0],
    [0.6, 1, -0.3],
    [0, -0.3, 0.5],
  ];
  const p = new MultivariateGaussian([1, -1, 0], cov);

  test("log density matches the closed form", () => {
    expect(new MultivariateGaussian([0], [[1]]).logProb([0], 1)[0]).toBeCloseTo(-0.9189385332, 9);
    // 2-D with correlation: det = 1 - 0.25, Q = xᵀ Σ⁻¹ x
    const q = new MultivariateGaussian(
      [0, 0],
      [
        [1, 0.5],
        [0.5, 1],
      ],
    );
    const x = [1, -1],
      det = 0.75,
      Q = (x[0] ** 2 - 2 * 0.5 * x[0] * x[1] + x[1] ** 2) / det;
    expect(q.logProb(x, 1)[0]).toBeCloseTo(-0.5 * Q - 0.5 * Math.log(det) - 2 * 0.9189385332, 9);
    // isotropic 0.1·I (gaussian_linear prior) equals the product of N(0, 0.1) marginals
    const g = new MultivariateGaussian(
      [0, 0],
      [
        [0.1, 0],
        [0, 0.1],
      ],
    );
    const s = Math.sqrt(0.1),
      lpm = (v: number) => -0.5 * (v / s) ** 2 - Math.log(s) - 0.9189385332;
    expect(g.logProb([0.3, -0.2], 1)[0]).toBeCloseTo(lpm(0.3) + lpm(-0.2), 9);
    expect(g.logProb([NaN, 0], 1)[0]).toBe(-Infinity);
  });

  test("Cholesky factor reproduces the covariance", () => {
    const L = p.choleskyFactor();
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += L[i * 3 + k] * L[j * 3 + k];
        expect(s).toBeCloseTo(cov[i][j], 12);
      }
  });

  test("sample mean and covariance match within 4 standard errors", () => {
    const n = 20000,
      x = p.sample(n, new Rng(41)),
      mu = p.mean();
    const m = [0, 0, 0];
    for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) m[j] += x[i * 3 + j] / n;
    for (let j = 0; j < 3; j++) expect(Math.abs(m[j] - mu[j])).toBeLessThan(4 * Math.sqrt(cov[j][j] / n));
    for (let a = 0; a < 3; a++)
      for (let b = 0; b <= a; b++) {
        let c = 0;
        for (let i = 0; i < n; i++) c += ((x[i * 3 + a] - m[a]) * (x[i * 3 + b] - m[b])) / n;
        // Var of a Gaussian sample covariance: (Σaa Σbb + Σab²) / n
        const se = Math.sqrt((cov[a][a] * cov[b][b] + cov[a][b] ** 2) / n);
        expect(Math.abs(c - cov[a][b])).toBeLessThan(4 * se);
      }
    expect(p.std()[0]).toBeCloseTo(Math.sqrt(2), 12);
  });

  test("same seed gives identical samples; round trip through config", () => {
    expect(p.sample(20, new Rng(8))).toEqual(p.sample(20, new Rng(8)));
    const back = priorFromConfig(JSON.parse(JSON.stringify(p.toConfig())), "cfg.json");
    expect(back).toBeInstanceOf(MultivariateGaussian);
    expect(back.toConfig()).toEqual({ type: "multivariate_gaussian", mean: [1, -1, 0], covariance: cov });
  });

  test("non-positive-definite, asymmetric or mis-shaped covariance throws NsbiInputError", () => {
    expect(
      () =>
        new MultivariateGaussian(
          [0, 0],
          [
            [1, 2],
            [2, 1],
          ],
        ),
    ).toThrow(/not positive definite|positive definite/);
    expect(
      () =>
        new MultivariateGaussian(
          [0, 0],
          [
            [1, 0],
            [0, 0],
          ],
        ),
    ).toThrow(NsbiInputError);
    expect(
      () =>
        new MultivariateGaussian(
          [0, 0],
          [
            [1, 0.5],
            [0.1, 1],
          ],
        ),
    ).toThrow(/symmetric/);
    expect(() => new MultivariateGaussian([0, 0], [[1, 0]])).toThrow(/2 × 2/);
    expect(
      () =>
        new MultivariateGaussian(
          [0, 0],
          [
            [1, 0],
            [0, 1, 2],
          ],
        ),
    ).toThrow(/covariance\[1\] must have 2 entries/);
  });
});
