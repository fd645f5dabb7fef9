import { expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { samplePoisson } from "./poisson.js";

test("Poisson mean and variance equal λ (multiplication method and PTRS)", () => {
  const rng = new Rng(5),
    n = 40000;
  for (const lambda of [0.7, 4, 12, 300, 25000]) {
    let s = 0,
      s2 = 0;
    for (let i = 0; i < n; i++) {
      const k = samplePoisson(lambda, rng);
      s += k;
      s2 += k * k;
    }
    const m = s / n,
      v = s2 / n - m * m;
    expect(Math.abs(m - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
    expect(Math.abs(v / lambda - 1)).toBeLessThan(5 * Math.sqrt(2 / n) + 5 / Math.sqrt(n * lambda));
  }
});

test("P(0) = e^{−λ} for λ = 2 and λ = 10 (both methods)", () => {
  const rng = new Rng(9),
    n = 100000;
  for (const lambda of [2, 10]) {
    let zeros = 0;
    for (let i = 0; i < n; i++) if (samplePoisson(lambda, rng) === 0) zeros++;
    const p = Math.exp(-lambda);
    expect(Math.abs(zeros / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n) + 1e-5);
  }
  expect(() => samplePoisson(-1, rng)).toThrow(/lambda must be finite and ≥ 0/);
});
