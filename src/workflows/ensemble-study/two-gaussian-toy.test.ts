import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { TWO_GAUSSIAN_TOY_QUADRATIC, TwoGaussianToy } from "./two-gaussian-toy.js";

describe("TwoGaussianToy", () => {
  const toy = new TwoGaussianToy();

  it("default: log r is linear, Σ⁻¹(μ_n − μ_d)·x + const, written out by hand", () => {
    // Σ⁻¹ = [[1, −.3], [−.3, 1]] / .91; Δ = (1, .4); log r = Δᵀ Σ⁻¹ x − ½ (μ_nᵀΣ⁻¹μ_n − μ_dᵀΣ⁻¹μ_d)
    const q = (a: number, b: number) => (a * a - 0.6 * a * b + b * b) / 0.91;
    const at = (a: number, b: number) =>
      ((1 - 0.3 * 0.4) * a + (0.4 - 0.3) * b) / 0.91 - 0.5 * (q(0.8, 0.4) - q(-0.2, 0));
    const lr = toy.logRatio(Float64Array.of(0.5, -0.5, 2, 1));
    expect(lr[0]).toBeCloseTo(at(0.5, -0.5), 12);
    expect(lr[1]).toBeCloseTo(at(2, 1), 12);
  });

  it("quadratic variant: log ratio at a point equals the hand-computed Gaussian densities", () => {
    // x = (0.5, −0.5); numerator: Σ = [[1, .3], [.3, 1]], det .91; denominator: diag(1.2, .9), det 1.08
    const dn = [0.5 - 0.8, -0.5 - 0.4],
      dd = [0.5 + 0.2, -0.5];
    const qn = (dn[0] * dn[0] - 2 * 0.3 * dn[0] * dn[1] + dn[1] * dn[1]) / 0.91;
    const qd = (dd[0] * dd[0]) / 1.2 + (dd[1] * dd[1]) / 0.9;
    const expected = -0.5 * qn - 0.5 * Math.log(0.91) + 0.5 * qd + 0.5 * Math.log(1.08);
    expect(new TwoGaussianToy(TWO_GAUSSIAN_TOY_QUADRATIC).logRatio(Float64Array.of(0.5, -0.5))[0]).toBeCloseTo(
      expected,
      12,
    );
  });

  it.each([
    ["linear", undefined],
    ["quadratic", TWO_GAUSSIAN_TOY_QUADRATIC],
  ] as const)("%s: samples the stated moments, and E_d[r] = E_n[1/r] = 1", (_, params) => {
    const toy = new TwoGaussianToy(params);
    const rng = new Rng(3);
    const n = 100_000;
    for (const [which, g] of [
      ["numerator", toy.params.numerator],
      ["denominator", toy.params.denominator],
    ] as const) {
      const x = toy.sample(which, n, rng);
      let m0 = 0,
        m1 = 0,
        c01 = 0;
      for (let i = 0; i < n; i++) {
        m0 += x[2 * i] / n;
        m1 += x[2 * i + 1] / n;
      }
      for (let i = 0; i < n; i++) c01 += ((x[2 * i] - m0) * (x[2 * i + 1] - m1)) / n;
      expect(m0).toBeCloseTo(g.mean[0], 1);
      expect(m1).toBeCloseTo(g.mean[1], 1);
      expect(c01).toBeCloseTo(g.covariance[1], 1);
      const lr = toy.logRatio(x);
      const sign = which === "denominator" ? 1 : -1;
      const mean = lr.reduce((s, v) => s + Math.exp(sign * v), 0) / n;
      expect(Math.abs(mean - 1)).toBeLessThan(0.03);
    }
  });

  it("draws mixture labels per event with probability κ", () => {
    // the mean of x1 of a mixture is κ μ_n + (1 − κ) μ_d
    const rng = new Rng(4);
    const n = 100_000,
      kappa = 0.3;
    const x = toy.sampleMixture(kappa, n, rng);
    let m = 0;
    for (let i = 0; i < n; i++) m += x[2 * i] / n;
    expect(m).toBeCloseTo(kappa * 0.8 + (1 - kappa) * -0.2, 1);
  });

  it("rejects toys whose sandwich moments diverge", () => {
    expect(
      () =>
        new TwoGaussianToy({
          numerator: { mean: [0, 0], covariance: [1, 0, 0, 1] },
          denominator: { mean: [1, 0], covariance: [3, 0, 0, 1] },
        }),
    ).toThrow(NsbiInputError);
  });
});
