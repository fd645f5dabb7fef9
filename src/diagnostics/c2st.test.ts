import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { c2st } from "./c2st.js";

function gaussian(n: number, dim: number, shift: number, seed: number): Float32Array {
  const r = new Rng(seed), a = new Float32Array(n * dim);
  for (let i = 0; i < a.length; i++) a[i] = r.normal() + shift;
  return a;
}

describe("c2st (sbibm definition)", () => {
  test("two samples of the same distribution are indistinguishable", () => {
    const r = c2st(gaussian(1000, 2, 0, 1), gaussian(1000, 2, 0, 2), 2, { seed: 3 });
    expect(r.accuracy).toBeLessThan(0.55);
    expect(r.foldAccuracies).toHaveLength(5);
  });

  test("a one-sigma shift is detected near the Bayes accuracy", () => {
    // optimal classifier for N(0, I) vs N(1, I) in 2-D: Phi(sqrt(2)/2) = 0.760
    const r = c2st(gaussian(1000, 2, 0, 1), gaussian(1000, 2, 1, 2), 2, { seed: 3 });
    expect(r.accuracy).toBeGreaterThan(0.72);
    expect(r.accuracy).toBeLessThan(0.80);
  });

  test("the same seed gives the same score", () => {
    const a = gaussian(300, 3, 0, 5), b = gaussian(300, 3, 0.3, 6);
    expect(c2st(a, b, 3, { seed: 9 })).toEqual(c2st(a, b, 3, { seed: 9 }));
  });

  test("bad input names the argument", () => {
    const ok = gaussian(20, 2, 0, 1);
    expect(() => c2st(ok.subarray(0, 21), ok, 2)).toThrow(/reference has 21 values/);
    expect(() => c2st(ok, ok.subarray(0, 10), 2)).toThrow(/samples has 5 rows/);
    const bad = ok.slice(); bad[7] = NaN;
    expect(() => c2st(ok, bad, 2)).toThrow(/samples row 4 has a non-finite value/);
  });
});
