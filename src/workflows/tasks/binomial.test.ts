import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { logGamma } from "../../numerics/log-gamma.js";
import { sampleBinomial } from "./binomial.js";

// log k! from @stdlib's gammaln, independent of the sampler's own table (numerics/log-factorial.ts)
const logFactorial = (k: number) => logGamma(k + 1);

function pmf(n: number, p: number, k: number): number {
  if (p === 0) return k === 0 ? 1 : 0;
  return Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** Pearson χ² over bins with expected count ≥ 5 (tail mass lumped into the neighbouring bins). */
function chiSquare(n: number, p: number, draws: number, seed: number): { stat: number; dof: number } {
  const rng = new Rng(seed),
    counts = new Float64Array(n + 1);
  for (let i = 0; i < draws; i++) counts[sampleBinomial(n, p, rng)]++;
  const bins: { obs: number; exp: number }[] = [];
  let acc = { obs: 0, exp: 0 };
  for (let k = 0; k <= n; k++) {
    acc.obs += counts[k];
    acc.exp += draws * pmf(n, p, k);
    if (acc.exp >= 5) {
      bins.push(acc);
      acc = { obs: 0, exp: 0 };
    }
  }
  if (bins.length) {
    bins[bins.length - 1].obs += acc.obs;
    bins[bins.length - 1].exp += acc.exp;
  }
  let stat = 0;
  for (const b of bins) stat += (b.obs - b.exp) ** 2 / b.exp;
  return { stat, dof: bins.length - 1 };
}

describe("sampleBinomial", () => {
  test.each([
    [1000, 0.3, "BTRS"],
    [1000, 0.001, "inversion"],
    [200, 0.9, "BTRS via symmetry"],
    [1000000, 0.05, "BTRS, large n"],
  ])("Binomial(%d, %d) mean and variance within 4 standard errors (%s)", (n, p, _path) => {
    const rng = new Rng(1234),
      N = 40000;
    let s = 0,
      s2 = 0;
    for (let i = 0; i < N; i++) {
      const k = sampleBinomial(n, p, rng);
      s += k;
      s2 += k * k;
    }
    const mean = s / N,
      v = s2 / N - mean * mean,
      mu = n * p,
      sig2 = n * p * (1 - p);
    expect(Math.abs(mean - mu)).toBeLessThan(4 * Math.sqrt(sig2 / N));
    // SE of the sample variance ≈ σ² √(2/N) (plus a small excess-kurtosis term)
    expect(Math.abs(v - sig2)).toBeLessThan(4 * sig2 * Math.sqrt((2 + Math.abs(1 - 6 * p * (1 - p)) / sig2) / N));
  });

  test.each([
    [10, 0.3],
    [20, 0.5],
    [50, 0.4],
    [100, 0.15],
    [1000, 0.02],
  ])("pmf of Binomial(%d, %d) passes a χ² goodness-of-fit test", (n, p) => {
    const { stat, dof } = chiSquare(n, p, 30000, 77);
    // 99.99% quantile of χ²_dof is below dof + 6√(2·dof) + 10 for these dof.
    expect(stat).toBeLessThan(dof + 6 * Math.sqrt(2 * dof) + 10);
  });

  test("edge cases and argument checks", () => {
    const rng = new Rng(0);
    expect(sampleBinomial(0, 0.5, rng)).toBe(0);
    expect(sampleBinomial(10, 0, rng)).toBe(0);
    expect(sampleBinomial(10, 1, rng)).toBe(10);
    expect(() => sampleBinomial(10, 1.5, rng)).toThrow(NsbiInputError);
    expect(() => sampleBinomial(10, NaN, rng)).toThrow(/p must be in \[0, 1\]/);
    expect(() => sampleBinomial(2.5, 0.5, rng)).toThrow(/n must be a non-negative integer/);
  });

  test("same seed gives identical draws", () => {
    const a = new Rng(9),
      b = new Rng(9);
    for (let i = 0; i < 200; i++) expect(sampleBinomial(1000, 0.2, a)).toBe(sampleBinomial(1000, 0.2, b));
  });
});
