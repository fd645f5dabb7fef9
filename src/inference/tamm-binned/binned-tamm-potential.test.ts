import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { logGamma } from "../../numerics/log-gamma.js";
import { BinnedTammPotential } from "./binned-tamm-potential.js";
import { checkTammInput } from "./check-tamm-input.js";

function randomTemplates(K: number, B: number, rng: Rng): number[][] {
  return Array.from({ length: K }, () => Array.from({ length: B }, () => 0.05 + rng.uniform()));
}

describe("BinnedTammPotential", () => {
  const rng = new Rng(7);
  const B = 12;
  const counts = Array.from({ length: B }, (_, j) => (j === 4 ? 0 : 1 + rng.int(40)));
  const model = checkTammInput({
    counts,
    signalTemplates: randomTemplates(3, B, rng),
    backgroundTemplates: randomTemplates(2, B, rng),
    prior: { kappa: [1.5, 2.5], signalConcentration: [0.7, 1, 2], backgroundConcentration: 3 },
  });
  const potential = new BinnedTammPotential(model);

  test("dimension is 1 + (K_s − 1) + (K_b − 1)", () => {
    expect(potential.dim).toBe(4);
  });

  test("log density by hand at one point (multinomial + Beta + Dirichlet + Jacobian)", () => {
    const u = Float64Array.from([-0.4, 0.3, -1.1, 0.8]);
    const kappa = 1 / (1 + Math.exp(0.4));
    const ez = [Math.exp(0.3), Math.exp(-1.1), 1],
      sz = ez[0] + ez[1] + ez[2];
    const w = ez.map((e) => e / sz);
    const v = [Math.exp(0.8) / (1 + Math.exp(0.8)), 1 / (1 + Math.exp(0.8))];
    let ll = logGamma(counts.reduce((a, b) => a + b, 0) + 1);
    for (let j = 0; j < B; j++) {
      let s = 0,
        b = 0;
      for (let k = 0; k < 3; k++) s += w[k] * model.signalTemplates[k * B + j];
      for (let k = 0; k < 2; k++) b += v[k] * model.backgroundTemplates[k * B + j];
      ll += counts[j] * Math.log(kappa * s + (1 - kappa) * b) - logGamma(counts[j] + 1);
    }
    // Beta(1.5, 2.5) density in logit: κ^a (1 − κ)^b / B(a, b)
    const lBeta = logGamma(1.5) + logGamma(2.5) - logGamma(4);
    const lp =
      1.5 * Math.log(kappa) +
      2.5 * Math.log(1 - kappa) -
      lBeta +
      (0.7 * Math.log(w[0]) +
        Math.log(w[1]) +
        2 * Math.log(w[2]) -
        (logGamma(0.7) + logGamma(1) + logGamma(2) - logGamma(3.7))) +
      (3 * Math.log(v[0]) + 3 * Math.log(v[1]) - (2 * logGamma(3) - logGamma(6)));
    const out = new Float64Array(1);
    potential.logDensity(u, 1, out);
    expect(out[0]).toBeCloseTo(ll + lp, 9);
  });

  test("analytic gradient matches central finite differences at random points", () => {
    const D = potential.dim,
      n = 5;
    const u = new Float64Array(n * D);
    for (let i = 0; i < u.length; i++) u[i] = 2 * rng.normal();
    const lp = new Float64Array(n),
      g = new Float64Array(n * D);
    potential.gradient(u, n, lp, g);
    const plus = new Float64Array(1),
      minus = new Float64Array(1),
      h = 1e-5;
    for (let i = 0; i < n; i++)
      for (let d = 0; d < D; d++) {
        const row = u.slice(i * D, i * D + D);
        row[d] += h;
        potential.logDensity(row, 1, plus);
        row[d] -= 2 * h;
        potential.logDensity(row, 1, minus);
        const fd = (plus[0] - minus[0]) / (2 * h);
        expect(Math.abs(g[i * D + d] - fd)).toBeLessThan(1e-5 * (1 + Math.abs(fd)));
      }
  });

  test("gradient() returns the same log density as logDensity()", () => {
    const u = Float64Array.from([0.2, -0.5, 0.1, 1.3, 1, 2, -3, 0.5]);
    const a = new Float64Array(2),
      b = new Float64Array(2),
      g = new Float64Array(8);
    potential.logDensity(u, 2, a);
    potential.gradient(u, 2, b, g);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  test("with no events it is the prior density in u: integrates to 1 (Jacobian and normalisers)", () => {
    // K_s = 2, K_b = 1: u = (logit κ, z) in 2-D; trapezoid rule on a wide grid
    const m = checkTammInput({
      counts: [0, 0, 0],
      signalTemplates: [
        [1, 2, 3],
        [3, 1, 1],
      ],
      backgroundTemplates: [[1, 1, 1]],
      prior: { kappa: [2, 3], signalConcentration: [1.5, 0.8] },
    });
    const p = new BinnedTammPotential(m);
    expect(p.dim).toBe(2);
    const h = 0.05,
      L = 40,
      nGrid = Math.round((2 * L) / h) + 1;
    const row = new Float64Array(nGrid * 2),
      out = new Float64Array(nGrid);
    let total = 0;
    for (let a = 0; a < nGrid; a++) {
      for (let b = 0; b < nGrid; b++) {
        row[2 * b] = -L + a * h;
        row[2 * b + 1] = -L + b * h;
      }
      p.logDensity(row, nGrid, out);
      for (let b = 0; b < nGrid; b++) total += Math.exp(out[b]) * h * h;
    }
    expect(total).toBeCloseTo(1, 6);
  });

  test("parameters() and unconstrained() are inverse maps", () => {
    const u = Float64Array.from([-2.3, 0.4, -0.9, 0.25]);
    const p = potential.parameters(u);
    expect(p.signalWeights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(p.backgroundWeights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    const back = potential.unconstrained(p);
    for (let d = 0; d < 4; d++) expect(back[d]).toBeCloseTo(u[d], 12);
  });

  test("a bin with events where the mixture has zero probability gives −Infinity", () => {
    const m = checkTammInput({
      counts: [3, 2, 1],
      signalTemplates: [[1, 0, 0]],
      backgroundTemplates: [
        [0, 1, 1],
        [0, 1, 0],
      ],
    });
    const p = new BinnedTammPotential(m);
    const out = new Float64Array(1);
    p.logDensity(Float64Array.from([0, 5]), 1, out);
    expect(out[0]).toBeGreaterThan(-Infinity);
    // y = −800 gives v = (0, 1) exactly in float64: bin 2 then has probability 0 under every template used
    p.logDensity(Float64Array.from([0, -800]), 1, out);
    expect(out[0]).toBe(-Infinity);
  });
});
