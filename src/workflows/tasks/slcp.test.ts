import { expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { Slcp } from "./slcp.js";

test("slcp: each of the 4 pairs has mean (θ1, θ2) and covariance [[s1², ρ s1 s2], [ρ s1 s2, s2²]]", () => {
  const task = new Slcp(),
    n = 10000;
  const t = [0.7, -1.5, 1.2, -0.9, 0.8];
  const theta = new Float32Array(n * 5);
  for (let i = 0; i < n; i++) theta.set(t, 5 * i);
  const x = task.simulate(theta, n, new Rng(202));
  expect(x.length).toBe(n * 8);
  const s1 = Math.fround(t[2]) ** 2,
    s2 = Math.fround(t[3]) ** 2,
    rho = Math.tanh(Math.fround(t[4]));
  const cov = [
    [s1 * s1 + 1e-6, rho * s1 * s2],
    [rho * s1 * s2, s2 * s2 + 1e-6],
  ];
  for (let d = 0; d < 4; d++) {
    const m = [0, 0];
    for (let i = 0; i < n; i++) for (let k = 0; k < 2; k++) m[k] += x[8 * i + 2 * d + k] / n;
    for (let k = 0; k < 2; k++) expect(Math.abs(m[k] - Math.fround(t[k]))).toBeLessThan(4 * Math.sqrt(cov[k][k] / n));
    for (let a = 0; a < 2; a++)
      for (let b = 0; b <= a; b++) {
        let c = 0;
        for (let i = 0; i < n; i++) c += ((x[8 * i + 2 * d + a] - m[a]) * (x[8 * i + 2 * d + b] - m[b])) / n;
        const se = Math.sqrt((cov[a][a] * cov[b][b] + cov[a][b] ** 2) / n);
        expect(Math.abs(c - cov[a][b])).toBeLessThan(4 * se);
      }
  }
  // The four draws are independent: pair 1 and pair 2 first coordinates are uncorrelated.
  let c = 0;
  for (let i = 0; i < n; i++) c += (x[8 * i] - t[0]) * (x[8 * i + 2] - t[0]);
  expect(Math.abs(c / n / cov[0][0])).toBeLessThan(4 / Math.sqrt(n));
});

test("slcp: prior Uniform[-3, 3]^5, names, same seed → identical", () => {
  const task = new Slcp(),
    theta = task.prior.sample(20, new Rng(3));
  expect(task.prior.lower[4]).toBe(-3);
  expect(task.prior.upper[0]).toBe(3);
  expect(task.observationNames).toEqual([
    "data_1",
    "data_2",
    "data_3",
    "data_4",
    "data_5",
    "data_6",
    "data_7",
    "data_8",
  ]);
  expect(task.simulate(theta, 20, new Rng(4))).toEqual(task.simulate(theta, 20, new Rng(4)));
});
