import { expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { loadObservation, loadReferenceSamples } from "./sbibm-reference.js";
import { TwoMoons } from "./two-moons.js";

test("two_moons at θ = 0: x − (0.25, 0) lies on a right half-circle of radius N(0.1, 0.01²)", () => {
  const task = new TwoMoons(),
    n = 20000;
  const x = task.simulate(new Float32Array(2 * n), n, new Rng(606));
  let s = 0,
    s2 = 0,
    left = 0;
  for (let i = 0; i < n; i++) {
    const u = x[2 * i] - 0.25,
      v = x[2 * i + 1],
      r = Math.hypot(u, v);
    s += r;
    s2 += r * r;
    if (u < -1e-6) left++;
  }
  const mean = s / n,
    variance = s2 / n - mean * mean;
  expect(Math.abs(mean - 0.1)).toBeLessThan((4 * 0.01) / Math.sqrt(n) + 1e-6);
  expect(Math.abs(variance - 1e-4)).toBeLessThan(4 * 1e-4 * Math.sqrt(2 / n));
  expect(left).toBeLessThan(n * 1e-3); // cos a ≥ 0 (r < 0 is a >10σ event)
});

test("two_moons mean: E[x] = (0.25 + 0.2/π − |θ1 + θ2|/√2, (−θ1 + θ2)/√2)", () => {
  const task = new TwoMoons(),
    n = 20000,
    t = [0.5, -0.8];
  const theta = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) theta.set(t, 2 * i);
  const x = task.simulate(theta, n, new Rng(607));
  const m = [0, 0];
  for (let i = 0; i < n; i++) {
    m[0] += x[2 * i] / n;
    m[1] += x[2 * i + 1] / n;
  }
  const t1 = Math.fround(t[0]),
    t2 = Math.fround(t[1]);
  const expected = [0.25 + 0.2 / Math.PI - Math.abs(t1 + t2) / Math.SQRT2, (-t1 + t2) / Math.SQRT2];
  // sd of r·cos a ≈ 0.031, of r·sin a ≈ 0.071
  expect(Math.abs(m[0] - expected[0])).toBeLessThan((4 * 0.031) / Math.sqrt(n));
  expect(Math.abs(m[1] - expected[1])).toBeLessThan((4 * 0.071) / Math.sqrt(n));
});

test("two_moons posterior predictive: simulating from the reference posterior of obs 1 reproduces x_o", () => {
  const task = new TwoMoons(),
    xo = loadObservation("two_moons", 1);
  const { rows, data } = loadReferenceSamples("two_moons", 1);
  const x = task.simulate(data, rows, new Rng(608));
  const m = [0, 0];
  let near = 0;
  for (let i = 0; i < rows; i++) {
    m[0] += x[2 * i] / rows;
    m[1] += x[2 * i + 1] / rows;
    if (Math.hypot(x[2 * i] - xo[0], x[2 * i + 1] - xo[1]) < 0.25) near++;
  }
  expect(Math.abs(m[0] - xo[0])).toBeLessThan(0.02);
  expect(Math.abs(m[1] - xo[1])).toBeLessThan(0.02);
  expect(near / rows).toBeGreaterThan(0.99);
  // Prior-predictive x, by contrast, is spread far from x_o.
  const rng = new Rng(609),
    xp = task.simulate(task.prior.sample(rows, rng), rows, rng);
  let nearPrior = 0;
  for (let i = 0; i < rows; i++) if (Math.hypot(xp[2 * i] - xo[0], xp[2 * i + 1] - xo[1]) < 0.25) nearPrior++;
  expect(nearPrior / rows).toBeLessThan(0.5);
});

test("two_moons: prior Uniform[-1, 1]², same seed → bit-identical", () => {
  const task = new TwoMoons(),
    theta = task.prior.sample(100, new Rng(1));
  expect(task.prior.toConfig()).toEqual({ type: "box_uniform", low: [-1, -1], high: [1, 1] });
  expect(task.simulate(theta, 100, new Rng(2))).toEqual(task.simulate(theta, 100, new Rng(2)));
  expect(task.parameterNames).toEqual(["parameter_1", "parameter_2"]);
});
