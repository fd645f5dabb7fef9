import { expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { GaussianMixture } from "./gaussian-mixture.js";

test("gaussian_mixture: per-row component, variance 0.5·1 + 0.5·0.01 per dimension", () => {
  const task = new GaussianMixture(),
    n = 40000,
    rng = new Rng(303);
  const theta = task.prior.sample(n, rng),
    x = task.simulate(theta, n, rng);
  let s1 = 0,
    s2 = 0,
    v1 = 0,
    v2 = 0,
    m4 = 0,
    cross = 0;
  for (let i = 0; i < n; i++) {
    const d1 = x[2 * i] - theta[2 * i],
      d2 = x[2 * i + 1] - theta[2 * i + 1];
    s1 += d1;
    s2 += d2;
    v1 += d1 * d1;
    v2 += d2 * d2;
    m4 += d1 ** 4;
    cross += d1 * d1 * d2 * d2;
  }
  const variance = 0.5 * 1 + 0.5 * 0.01;
  const fourth = 0.5 * 3 * 1 + 0.5 * 3 * 1e-4; // E[d⁴] of the mixture
  const seVar = Math.sqrt((fourth - variance ** 2) / n);
  expect(Math.abs(s1 / n)).toBeLessThan(4 * Math.sqrt(variance / n));
  expect(Math.abs(s2 / n)).toBeLessThan(4 * Math.sqrt(variance / n));
  expect(Math.abs(v1 / n - variance)).toBeLessThan(4 * seVar);
  expect(Math.abs(v2 / n - variance)).toBeLessThan(4 * seVar);
  expect(Math.abs(m4 / n - fourth)).toBeLessThan(0.2 * fourth);
  // Both coordinates of a row share the component: E[d1² d2²] = 0.5·1 + 0.5·1e-4 (vs 0.505² if not).
  expect(Math.abs(cross / n - 0.50005)).toBeLessThan(0.05);
});

test("gaussian_mixture: prior Uniform[-10, 10]², same seed → identical", () => {
  const task = new GaussianMixture(),
    theta = task.prior.sample(10, new Rng(1));
  expect(Array.from(task.prior.lower)).toEqual([-10, -10]);
  expect(task.simulate(theta, 10, new Rng(2))).toEqual(task.simulate(theta, 10, new Rng(2)));
});
