// The overlap metric (eqs. 8–10) against hand computations and the closed form for shifted Gaussians.
import { describe, expect, test } from "vitest";
import { normalCdf } from "../../numerics/normal.js";
import { likelihoodOverlap } from "./overlap.js";

/** NLL of a product Gaussian in (μ, z) on a grid, row-major [μ · nZ + z]. */
function gaussianNll(mu: number[], z: number[], m: [number, number], s: [number, number], offset = 0): Float64Array {
  const out = new Float64Array(mu.length * z.length);
  for (let i = 0; i < mu.length; i++)
    for (let j = 0; j < z.length; j++)
      out[i * z.length + j] = 0.5 * ((mu[i] - m[0]) / s[0]) ** 2 + 0.5 * ((z[j] - m[1]) / s[1]) ** 2 + offset;
  return out;
}

const grid = (from: number, to: number, n: number) =>
  Array.from({ length: n }, (_, k) => from + ((to - from) * k) / (n - 1));

describe("likelihoodOverlap", () => {
  test("a likelihood with itself (up to a constant, as a ratio has) overlaps 1", () => {
    const mu = grid(0, 0.4, 31),
      z = grid(0.5, 1, 21);
    const nll = gaussianNll(mu, z, [0.2, 0.8], [0.03, 0.05]);
    const o = likelihoodOverlap({ estimated: nll.map((v) => v - 1e4), reference: nll, nMu: 31, nZ: 21 });
    expect(o.mu).toBeCloseTo(1, 12);
    expect(o.z).toBeCloseTo(1, 12);
    expect(o.total).toBeCloseTo(1, 12);
  });

  test("hand computation on a 2 × 2 grid", () => {
    // p ∝ e^{−NLL}: estimated ∝ (1, 1, 1, 1) → ¼ each; reference ∝ (e^0, e^{−ln 3}, 0, 0) → (¾, ¼, 0, 0)
    const o = likelihoodOverlap({
      estimated: [0, 0, 0, 0],
      reference: [0, Math.log(3), Infinity, Infinity],
      nMu: 2,
      nZ: 2,
    });
    // total: ½(|¼−¾| + |¼−¼| + ¼ + ¼) = ½;  μ rows: (½ vs 1, ½ vs 0) → ½;  z columns: (½ vs ¾, ½ vs ¼) → ¼
    expect(o.total).toBeCloseTo(0.5, 14);
    expect(o.mu).toBeCloseTo(0.5, 14);
    expect(o.z).toBeCloseTo(0.75, 14);
  });

  test("Gaussians shifted by δ in z: o_z = o_tot = 2Φ(−δ/2σ), o_μ = 1 on a fine, wide grid", () => {
    const mu = grid(0, 0.4, 81),
      z = grid(0.3, 1.3, 801),
      sz = 0.05,
      delta = 0.04;
    const a = gaussianNll(mu, z, [0.2, 0.8], [0.03, sz]),
      b = gaussianNll(mu, z, [0.2, 0.8 + delta], [0.03, sz], 7);
    const o = likelihoodOverlap({ estimated: a, reference: b, nMu: 81, nZ: 801 });
    const expected = 2 * normalCdf(-delta / (2 * sz));
    expect(o.z).toBeCloseTo(expected, 4);
    expect(o.total).toBeCloseTo(expected, 4);
    expect(o.mu).toBeCloseTo(1, 10);
  });

  test("rejects NaN and mismatched sizes", () => {
    expect(() => likelihoodOverlap({ estimated: [0, Number.NaN], reference: [0, 0], nMu: 1, nZ: 2 })).toThrow(/NaN/);
    expect(() => likelihoodOverlap({ estimated: [0, 0, 0], reference: [0, 0], nMu: 1, nZ: 2 })).toThrow(/grid/);
  });
});
