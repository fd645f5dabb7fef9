import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { basisValues, ensembleLogRatio } from "./basis-values.js";
import { ensembleMixtureFraction, mixtureFractionCrossDerivative } from "./ensemble-mixture-fraction.js";
import { fitMixtureFraction } from "./mixture-fraction.js";

describe("Gong–Samaniego propagation for the mixture fraction", () => {
  const rng = new Rng(7);
  const rows = 2000;
  const x = Float64Array.from({ length: rows }, () => rng.normal() + (rng.uniform() < 0.3 ? 1 : 0));
  // three basis functions: two "networks" and the constant
  const basis = basisValues([x, x.map((v) => Math.tanh(v))], { constant: true });
  const w = [0.8, 0.3, -0.4];
  const c = [0.004, 0.001, -0.0005, 0.001, 0.003, 0.0002, -0.0005, 0.0002, 0.002];
  const kappaOf = (v: number[]) => fitMixtureFraction(ensembleLogRatio(basis, v)).kappa;

  it("A equals finite differences of the score ∂ℒ/∂κ in w", () => {
    const kappa = 0.3,
      h = 1e-6;
    const score = (v: number[]) => {
      const lr = ensembleLogRatio(basis, v);
      let s = 0;
      for (const l of lr) s += (Math.exp(l) - 1) / (kappa * Math.exp(l) + 1 - kappa);
      return s;
    };
    const a = mixtureFractionCrossDerivative(basis, w, kappa);
    for (let i = 0; i < 3; i++) {
      const up = [...w],
        dn = [...w];
      up[i] += h;
      dn[i] -= h;
      expect(a[i]).toBeCloseTo((score(up) - score(dn)) / (2 * h), 3);
    }
  });

  it("equals the brute-force delta method on κ̂(w) by finite differences", () => {
    const res = ensembleMixtureFraction({ basis, weights: w, covariance: c });
    const h = 1e-5;
    const g = [0, 1, 2].map((i) => {
      const up = [...w],
        dn = [...w];
      up[i] += h;
      dn[i] -= h;
      return (kappaOf(up) - kappaOf(dn)) / (2 * h);
    });
    let gcg = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) gcg += g[i] * c[i * 3 + j] * g[j];
    const bruteVariance = res.sigmaStatistical ** 2 + gcg;
    expect(res.sigma ** 2 / bruteVariance).toBeCloseTo(1, 6);
    expect(res.inflation).toBeGreaterThan(1.05); // the ensemble term matters in this case
    expect(res.kappa).toBeCloseTo(kappaOf(w), 12);
  });

  it("z-scores: zero at κ̂, the Wald value near κ̂, and shrunk by √inflation", () => {
    const res = ensembleMixtureFraction({ basis, weights: w, covariance: c });
    expect(res.zScore(res.kappa).zStatistical).toBeCloseTo(0, 6);
    const k0 = res.kappa - 0.1 * res.sigmaStatistical;
    const z = res.zScore(k0);
    expect(z.zStatistical).toBeCloseTo(0.1, 3);
    expect(z.z).toBeCloseTo(z.zStatistical / Math.sqrt(res.inflation), 12);
  });
});
