import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { basisValues } from "./basis-values.js";
import { ensembleMixtureFraction } from "./ensemble-mixture-fraction.js";
import { mixtureFractionBias } from "./mixture-fraction-bias.js";

// n = N(1, 1), d = N(0, 1): log r = x − 1/2, exactly w·f with the basis f = (x, 1) and w = (1, −1/2).
const W = [1, -0.5];
function mixture(kappa: number, n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal() + (rng.uniform() < kappa ? 1 : 0));
}

describe("second-order bias of the two-stage κ̂", () => {
  it("vanishes with an exact ratio (C = 0) for this likelihood, linear in κ", () => {
    const x = mixture(0.1, 3000, new Rng(3));
    const b = mixtureFractionBias({
      basis: basisValues([x], { constant: true }),
      weights: W,
      covariance: [0, 0, 0, 0],
      kappa: 0.1,
    });
    expect(Math.abs(b.statistical)).toBeLessThan(1e-12);
    expect(b.ensemble).toBe(0);
  });

  // The basis (x, 1) plus 18 narrow bumps of true weight 0, each with an independent weight error: local
  // noise in log r̂, as from an ensemble of networks, is what biases κ̂ upwards at small κ.
  const centres = Array.from({ length: 18 }, (_, j) => -2.5 + 0.35 * j);
  const size = 2 + centres.length;
  // basisValues puts the constant last: order (x, bumps…, 1)
  const wTrue = [W[0], ...centres.map(() => 0), W[1]];
  const sd = wTrue.map((_, j) => (j === 0 || j === size - 1 ? 0.01 : 0.1));
  const c = new Float64Array(size * size);
  for (let j = 0; j < size; j++) c[j * size + j] = sd[j] ** 2;
  const basisOf = (x: Float64Array) =>
    basisValues([x, ...centres.map((m) => x.map((v) => Math.exp(-((v - m) ** 2) / 0.05)))], { constant: true });
  const kappaHat = (basis: ReturnType<typeof basisOf>, w: number[]) =>
    ensembleMixtureFraction({ basis, weights: w, covariance: c }).kappa;

  it("matches a brute-force two-stage simulation: ŵ ~ N(w, C), fresh test events, mean κ̂ − κ", () => {
    const kappa = 0.05,
      events = 2000,
      reps = 2000;
    const rng = new Rng(11);
    let sumK = 0,
      sumK2 = 0,
      sumB = 0;
    for (let t = 0; t < reps; t++) {
      const w = wTrue.map((v, j) => v + sd[j] * rng.normal());
      const basis = basisOf(mixture(kappa, events, rng));
      const k = kappaHat(basis, w);
      sumK += k;
      sumK2 += k ** 2;
      sumB += mixtureFractionBias({ basis, weights: w, covariance: c, kappa: k }).bias;
    }
    const mean = sumK / reps,
      se = Math.sqrt((sumK2 / reps - mean ** 2) / reps);
    const predicted = sumB / reps;
    // the bias is real against the Monte Carlo error, so the comparison means something
    expect(predicted / se).toBeGreaterThan(4);
    expect(Math.abs(mean - kappa - predicted)).toBeLessThan(3 * se);
  });

  it("its ensemble term matches antithetic pairs ŵ = w ± δ on the same events (first-order noise cancels)", () => {
    const events = 2000,
      reps = 300;
    const rng = new Rng(12);
    for (const kappa of [0.02, 0.3]) {
      let sum = 0,
        sum2 = 0,
        sumB = 0;
      for (let t = 0; t < reps; t++) {
        const basis = basisOf(mixture(kappa, events, rng));
        const d = sd.map((s) => s * rng.normal());
        const k0 = kappaHat(basis, wTrue);
        const v =
          (kappaHat(
            basis,
            wTrue.map((x, j) => x + d[j]),
          ) +
            kappaHat(
              basis,
              wTrue.map((x, j) => x - d[j]),
            )) /
            2 -
          k0;
        sum += v;
        sum2 += v * v;
        sumB += mixtureFractionBias({ basis, weights: wTrue, covariance: c, kappa: k0 }).ensemble;
      }
      const mean = sum / reps,
        se = Math.sqrt((sum2 / reps - mean ** 2) / reps),
        predicted = sumB / reps;
      expect(Math.abs(predicted) / se).toBeGreaterThan(10);
      expect(Math.abs(mean - predicted)).toBeLessThan(Math.max(3 * se, 0.05 * Math.abs(predicted)));
    }
  });

  it("rejects a κ outside the likelihood's domain and a covariance of the wrong size", () => {
    const basis = basisValues([Float64Array.of(-3, 0, 3)], { constant: true });
    expect(() => mixtureFractionBias({ basis, weights: W, covariance: [0, 0, 0, 0], kappa: -5 })).toThrow(/domain/);
    expect(() => mixtureFractionBias({ basis, weights: W, covariance: [0, 0, 0], kappa: 0.1 })).toThrow(/3 entries/);
  });
});
