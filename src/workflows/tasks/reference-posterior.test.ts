import { expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import {
  exactReferencePosterior,
  gaussianMixtureComponents,
  logNormalMass,
  logUpperTail,
  syntheticObservation,
  truncatedStandardNormal,
} from "./reference-posterior.js";
import { getTask } from "./registry.js";

/** Mean and variance of N(m, s²) truncated to [lo, hi] (closed form, in log space for far tails). */
function truncatedMoments(m: number, s: number, lo: number, hi: number): { mean: number; variance: number } {
  const a = (lo - m) / s,
    b = (hi - m) / s,
    logZ = logNormalMass(a, b);
  const ratio = (z: number) => (Number.isFinite(z) ? Math.exp(-0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - logZ) : 0);
  const r = ratio(a) - ratio(b);
  const pa = Number.isFinite(a) ? a * ratio(a) : 0,
    pb = Number.isFinite(b) ? b * ratio(b) : 0;
  return { mean: m + s * r, variance: s * s * (1 + pa - pb - r * r) };
}

/** ∫ f over [lo, hi] by composite Simpson with m (even) intervals. */
function simpson(f: (t: number) => number, lo: number, hi: number, m = 20000): number {
  const h = (hi - lo) / m;
  let acc = f(lo) + f(hi);
  for (let i = 1; i < m; i++) acc += (i % 2 ? 4 : 2) * f(lo + i * h);
  return (acc * h) / 3;
}

function columnMoments(
  data: Float32Array,
  dim: number,
  j: number,
): { mean: number; variance: number; min: number; max: number } {
  const n = data.length / dim;
  let s = 0,
    s2 = 0,
    min = Infinity,
    max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = data[i * dim + j];
    s += v;
    s2 += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean, min, max };
}

test("normal tails: log Q and interval masses match known values, also far in the tail", () => {
  expect(Math.exp(logUpperTail(0))).toBeCloseTo(0.5, 7);
  expect(Math.exp(logUpperTail(1.959963984540054))).toBeCloseTo(0.025, 7);
  expect(Math.exp(logUpperTail(-1))).toBeCloseTo(0.8413447460685429, 6);
  // Q(10) = 7.6198530241605e-24; log Q(40) ≈ −804.608 (asymptotic −z²/2 − log(z√(2π)))
  expect(logUpperTail(10) / Math.log(7.6198530241605e-24)).toBeCloseTo(1, 6);
  expect(logUpperTail(40)).toBeCloseTo(-800 - Math.log(40 * Math.sqrt(2 * Math.PI)) + Math.log1p(-1 / 1600), 5);
  expect(Math.exp(logNormalMass(-1, 1))).toBeCloseTo(0.6826894921370859, 6);
  expect(Math.exp(logNormalMass(-Infinity, Infinity))).toBeCloseTo(1, 12);
  // symmetric tails agree
  expect(logNormalMass(-12, -6)).toBeCloseTo(logNormalMass(6, 12), 10);
});

test("truncated standard normal: moments match the closed form for central, one-sided and far-tail intervals", () => {
  const rng = new Rng(11),
    n = 60000;
  for (const [a, b] of [
    [-1, 2],
    [-0.3, 0.4],
    [0.5, Infinity],
    [3, 3.2],
    [6, 12],
    [-12.6, -6.3],
    [-Infinity, -2],
    [-200, -100],
  ]) {
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = truncatedStandardNormal(a, b, rng);
    // expected moments by quadrature of exp(−(z² − c²)/2), c the endpoint nearest 0 (no underflow)
    const lo0 = Number.isFinite(a) ? a : b - 40,
      hi0 = Number.isFinite(b) ? b : a + 40;
    const c = lo0 >= 0 ? lo0 : hi0 <= 0 ? hi0 : 0,
      f = (z: number) => Math.exp(-0.5 * (z * z - c * c));
    const z0 = simpson(f, lo0, hi0),
      z1 = simpson((z) => z * f(z), lo0, hi0) / z0;
    const mean = z1,
      variance = simpson((z) => (z - z1) ** 2 * f(z), lo0, hi0) / z0;
    let s = 0,
      s2 = 0,
      lo = Infinity,
      hi = -Infinity;
    for (const v of xs) {
      s += v;
      s2 += v * v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const m = s / n,
      v = s2 / n - m * m;
    expect(lo).toBeGreaterThanOrEqual(a);
    expect(hi).toBeLessThanOrEqual(b);
    expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
    expect(Math.abs(v / variance - 1)).toBeLessThan(0.05);
  }
});

test("gaussian_linear_uniform: per-coordinate truncated-normal moments, support, density normalised", () => {
  // coordinates inside, near and beyond the box edges (x can lie outside [−1, 1])
  const x = [0, 0.5, -0.9, 1.3, -2.2, 0.99, -0.4, 2.8, 1, -1];
  const ref = exactReferencePosterior("gaussian_linear_uniform", x),
    n = 50000;
  const s = ref.sample(n, new Rng(3));
  const sd = Math.sqrt(0.1);
  for (let j = 0; j < 10; j++) {
    const c = columnMoments(s, 10, j),
      t = truncatedMoments(x[j], sd, -1, 1);
    expect(c.min).toBeGreaterThanOrEqual(-1);
    expect(c.max).toBeLessThanOrEqual(1);
    expect(Math.abs(c.mean - t.mean)).toBeLessThan(5 * Math.sqrt(t.variance / n));
    expect(Math.abs(c.variance / t.variance - 1)).toBeLessThan(0.04);
  }
  // density: with x = 0, ∫ p(θ_1, 0, …, 0) dθ_1 over [−1, 1] = ∏_{j≥2} p_j(0) = (N(0; 0, 0.1)/Z)^9
  const zero = exactReferencePosterior("gaussian_linear_uniform", new Array(10).fill(0)),
    m = 4001;
  const g = new Float32Array(m * 10);
  for (let i = 0; i < m; i++) g[i * 10] = -1 + (2 * i) / (m - 1);
  const lp0 = zero.logProb(g, m);
  let int0 = 0;
  for (let i = 0; i < m; i++) int0 += Math.exp(lp0[i]) * (i === 0 || i === m - 1 ? 0.5 : 1) * (2 / (m - 1));
  const other = 9 * (-0.5 * Math.log(2 * Math.PI * 0.1) - logNormalMass(-1 / sd, 1 / sd));
  expect(Math.log(int0)).toBeCloseTo(other, 4);
  expect(ref.logProb(new Float32Array([1.5, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 1)[0]).toBe(-Infinity);
});

test("gaussian_linear_uniform: agrees with prior × likelihood by importance sampling", () => {
  const x = [0.3, -1.4, 0.95, 0, 0, 0, 0, 0, 0, 0.7],
    rng = new Rng(5),
    n = 200000;
  let w = 0,
    m0 = 0,
    m1 = 0,
    m2 = 0;
  for (let i = 0; i < n; i++) {
    const t0 = 2 * rng.uniform() - 1,
      t1 = 2 * rng.uniform() - 1,
      t2 = 2 * rng.uniform() - 1;
    const lw = -((t0 - x[0]) ** 2 + (t1 - x[1]) ** 2 + (t2 - x[2]) ** 2) / (2 * 0.1);
    const e = Math.exp(lw);
    w += e;
    m0 += e * t0;
    m1 += e * t1;
    m2 += e * t2;
  }
  const s = exactReferencePosterior("gaussian_linear_uniform", x).sample(100000, new Rng(6));
  expect(columnMoments(s, 10, 0).mean).toBeCloseTo(m0 / w, 2);
  expect(columnMoments(s, 10, 1).mean).toBeCloseTo(m1 / w, 2);
  expect(columnMoments(s, 10, 2).mean).toBeCloseTo(m2 / w, 2);
});

test("gaussian_mixture: component weights, moments and density match prior × likelihood", () => {
  for (const x of [
    [0.5, -2],
    [9.7, -9.95],
    [-10.8, 3],
    [12, 12],
  ]) {
    const { weights } = gaussianMixtureComponents(x);
    // independent check by quadrature of prior × likelihood (½·N(x; θ, I) + ½·N(x; θ, 0.01·I)),
    // which factorises per coordinate within each component
    const comp = [1, 0.1].map((sd) => {
      const dens = (j: number) => (t: number) =>
        Math.exp(-0.5 * ((t - x[j]) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
      const mass = [0, 1].map((j) => simpson(dens(j), -10, 10));
      const first = [0, 1].map((j) => simpson((t) => t * dens(j)(t), -10, 10));
      return { mass: 0.5 * mass[0] * mass[1], mean: [first[0] / mass[0], first[1] / mass[1]] };
    });
    const total = comp[0].mass + comp[1].mass;
    expect(weights[1]).toBeCloseTo(comp[1].mass / total, 6);
    const wm0 = (comp[0].mass * comp[0].mean[0] + comp[1].mass * comp[1].mean[0]) / total;
    const wm1 = (comp[0].mass * comp[0].mean[1] + comp[1].mass * comp[1].mean[1]) / total;
    const ref = exactReferencePosterior("gaussian_mixture", x),
      s = ref.sample(100000, new Rng(8));
    const c0 = columnMoments(s, 2, 0),
      c1 = columnMoments(s, 2, 1);
    expect(Math.abs(c0.mean - wm0)).toBeLessThan(0.02);
    expect(Math.abs(c1.mean - wm1)).toBeLessThan(0.02);
    expect(c0.min).toBeGreaterThanOrEqual(-10);
    expect(c1.max).toBeLessThanOrEqual(10);
    // closed-form mixture mean
    const { sds } = gaussianMixtureComponents(x);
    const mean0 = weights.reduce((acc, wk, k) => acc + wk * truncatedMoments(x[0], sds[k], -10, 10).mean, 0);
    expect(Math.abs(c0.mean - mean0)).toBeLessThan(0.02);
    // the density integrates to 1 over the box (grid fine enough for the narrow component)
    const m = 801,
      lo0 = Math.max(-10, x[0] - 6),
      hi0 = Math.min(10, x[0] + 6),
      lo1 = Math.max(-10, x[1] - 6),
      hi1 = Math.min(10, x[1] + 6);
    const h0 = (hi0 - lo0) / (m - 1),
      h1 = (hi1 - lo1) / (m - 1),
      g = new Float32Array(m * m * 2);
    for (let i = 0; i < m; i++)
      for (let k = 0; k < m; k++) {
        g[2 * (i * m + k)] = lo0 + i * h0;
        g[2 * (i * m + k) + 1] = lo1 + k * h1;
      }
    const lp = ref.logProb(g, m * m);
    let integral = 0;
    for (let i = 0; i < m; i++)
      for (let k = 0; k < m; k++) {
        const wt = (i === 0 || i === m - 1 ? 0.5 : 1) * (k === 0 || k === m - 1 ? 0.5 : 1);
        integral += wt * Math.exp(lp[i * m + k]);
      }
    expect(integral * h0 * h1).toBeCloseTo(1, 2);
  }
});

test("gaussian_linear: N(x/2, 0.05·I) moments; synthetic observations are seeded and inside the prior", () => {
  const x = [0.1, -0.2, 0.3, 0, 0, 0.5, -0.5, 0.2, 0.9, -1];
  const s = exactReferencePosterior("gaussian_linear", x).sample(40000, new Rng(9));
  for (let j = 0; j < 10; j++) {
    const c = columnMoments(s, 10, j);
    expect(Math.abs(c.mean - x[j] / 2)).toBeLessThan(5 * Math.sqrt(0.05 / 40000));
    expect(Math.abs(c.variance / 0.05 - 1)).toBeLessThan(0.04);
  }
  for (const task of ["gaussian_linear_uniform", "gaussian_mixture", "slcp"]) {
    const a = syntheticObservation(task, 3),
      b = syntheticObservation(task, 3),
      c = syntheticObservation(task, 4);
    expect(a.x).toEqual(b.x);
    expect(a.x).not.toEqual(c.x);
    const prior = getTask(task).prior;
    expect(prior.inSupport(a.theta, 0)).toBe(true);
    expect(a.x.length).toBe(getTask(task).xDim);
  }
  expect(() => exactReferencePosterior("slcp", [0])).toThrow(/no closed-form/);
  expect(() => exactReferencePosterior("gaussian_mixture", [0])).toThrow(/2 values/);
});
