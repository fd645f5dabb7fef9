import { expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { GaussianKde2d } from "./tes-toy-kde.js";

/** Bivariate normal density in the textbook (σ₁, σ₂, ρ) form. */
function bivariateNormal(x: number, y: number, s1: number, s2: number, rho: number): number {
  const a = x / s1,
    b = y / s2,
    q = (a * a - 2 * rho * a * b + b * b) / (1 - rho * rho);
  return Math.exp(-0.5 * q) / (2 * Math.PI * s1 * s2 * Math.sqrt(1 - rho * rho));
}

/** A correlated cloud of points. */
function cloud(n: number, seed: number): Float64Array {
  const rng = new Rng(seed),
    p = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = rng.normal(),
      b = rng.normal();
    p[2 * i] = 4 + 0.3 * a;
    p[2 * i + 1] = -0.2 + 0.5 * (0.6 * a + 0.8 * b);
  }
  return p;
}

test("Scott's bandwidth: H = n^(−1/3) Σ̂ for the four corners of the unit square", () => {
  const kde = new GaussianKde2d([0, 0, 1, 0, 0, 1, 1, 1], "square");
  // Σ̂ = diag(1/3, 1/3) with the n − 1 divisor; n^(−1/3) = 4^(−1/3)
  expect(kde.factor).toBeCloseTo(4 ** (-1 / 6), 14);
  expect(kde.bandwidth[0]).toBeCloseTo(4 ** (-1 / 3) / 3, 14);
  expect(kde.bandwidth[1]).toBeCloseTo(0, 14);
  expect(kde.bandwidth[3]).toBeCloseTo(4 ** (-1 / 3) / 3, 14);
});

test("KDE log density equals the mean of textbook bivariate normals around the points", () => {
  const points = cloud(50, 3),
    kde = new GaussianKde2d(points, "cloud");
  const H = kde.bandwidth,
    s1 = Math.sqrt(H[0]),
    s2 = Math.sqrt(H[3]),
    rho = H[1] / (s1 * s2);
  for (const [x, y] of [
    [4, -0.2],
    [4.5, 0.3],
    [3.2, -1],
    [6, 2], // far in the tail: the log-sum-exp must stay exact
  ]) {
    let p = 0;
    for (let i = 0; i < 50; i++) p += bivariateNormal(x - points[2 * i], y - points[2 * i + 1], s1, s2, rho) / 50;
    expect(kde.logDensity(x, y)).toBeCloseTo(Math.log(p), 10);
  }
});

test("KDE density integrates to 1 (midpoint rule over ±8 kernel widths around the points)", () => {
  const points = cloud(200, 4),
    kde = new GaussianKde2d(points, "cloud");
  let lo0 = Infinity,
    hi0 = -Infinity,
    lo1 = Infinity,
    hi1 = -Infinity;
  for (let i = 0; i < 200; i++) {
    lo0 = Math.min(lo0, points[2 * i]);
    hi0 = Math.max(hi0, points[2 * i]);
    lo1 = Math.min(lo1, points[2 * i + 1]);
    hi1 = Math.max(hi1, points[2 * i + 1]);
  }
  const w0 = 8 * Math.sqrt(kde.bandwidth[0]),
    w1 = 8 * Math.sqrt(kde.bandwidth[3]),
    steps = 200;
  const a0 = lo0 - w0,
    a1 = lo1 - w1,
    h0 = (hi0 - lo0 + 2 * w0) / steps,
    h1 = (hi1 - lo1 + 2 * w1) / steps;
  let integral = 0;
  for (let i = 0; i < steps; i++)
    for (let j = 0; j < steps; j++) integral += Math.exp(kde.logDensity(a0 + (i + 0.5) * h0, a1 + (j + 0.5) * h1));
  expect(integral * h0 * h1).toBeCloseTo(1, 4);
});

test("KDE samples: mean of the points, covariance (n−1)/n Σ̂ + H", () => {
  const points = cloud(100, 5),
    kde = new GaussianKde2d(points, "cloud"),
    n = 100;
  let m0 = 0,
    m1 = 0;
  for (let i = 0; i < n; i++) {
    m0 += points[2 * i] / n;
    m1 += points[2 * i + 1] / n;
  }
  let c00 = 0,
    c01 = 0,
    c11 = 0;
  for (let i = 0; i < n; i++) {
    const a = points[2 * i] - m0,
      b = points[2 * i + 1] - m1;
    c00 += (a * a) / n;
    c01 += (a * b) / n;
    c11 += (b * b) / n;
  }
  const want = [c00 + kde.bandwidth[0], c01 + kde.bandwidth[1], c11 + kde.bandwidth[3]];
  const N = 60000,
    out = new Float64Array(2 * N),
    rng = new Rng(6);
  for (let k = 0; k < N; k++) kde.sampleInto(out, 2 * k, rng);
  let s0 = 0,
    s1 = 0;
  for (let k = 0; k < N; k++) {
    s0 += out[2 * k] / N;
    s1 += out[2 * k + 1] / N;
  }
  let v00 = 0,
    v01 = 0,
    v11 = 0;
  for (let k = 0; k < N; k++) {
    const a = out[2 * k] - s0,
      b = out[2 * k + 1] - s1;
    v00 += (a * a) / (N - 1);
    v01 += (a * b) / (N - 1);
    v11 += (b * b) / (N - 1);
  }
  expect(Math.abs(s0 - m0)).toBeLessThan(4 * Math.sqrt(want[0] / N));
  expect(Math.abs(s1 - m1)).toBeLessThan(4 * Math.sqrt(want[2] / N));
  // s.e. of a sample variance ≈ σ²√(2/N) (Gaussian-like); of the covariance ≈ √((σ₀²σ₁² + c²)/N)
  expect(Math.abs(v00 - want[0])).toBeLessThan(5 * want[0] * Math.sqrt(2 / N));
  expect(Math.abs(v11 - want[2])).toBeLessThan(5 * want[2] * Math.sqrt(2 / N));
  expect(Math.abs(v01 - want[1])).toBeLessThan(5 * Math.sqrt((want[0] * want[2] + want[1] ** 2) / N));
});

test("KDE gradient matches central finite differences", () => {
  const kde = new GaussianKde2d(cloud(80, 7), "cloud"),
    g = new Float64Array(2),
    h = 1e-6;
  for (const [x, y] of [
    [4, -0.2],
    [4.4, 0.5],
    [3.5, -0.9],
  ]) {
    kde.evaluate(x, y, g);
    expect(g[0]).toBeCloseTo((kde.logDensity(x + h, y) - kde.logDensity(x - h, y)) / (2 * h), 6);
    expect(g[1]).toBeCloseTo((kde.logDensity(x, y + h) - kde.logDensity(x, y - h)) / (2 * h), 6);
  }
});

test("KDE input errors: too few points, odd length, non-finite values, collinear points, bad scale", () => {
  expect(() => new GaussianKde2d([0, 0, 1, 1], "two")).toThrow(NsbiInputError);
  expect(() => new GaussianKde2d([0, 0, 1, 1, 2], "odd")).toThrow(NsbiInputError);
  expect(() => new GaussianKde2d([0, 0, 1, Number.NaN, 2, 3], "nan")).toThrow(NsbiInputError);
  expect(() => new GaussianKde2d([0, 0, 1, 1, 2, 2], "line")).toThrow(NsbiInputError);
  expect(() => new GaussianKde2d(cloud(10, 1), "scale", { bandwidthScale: 0 })).toThrow(NsbiInputError);
});
