import { expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { LOTKA_VOLTERRA_TIMES, LotkaVolterra, solveLotkaVolterra } from "./lotka-volterra.js";

const th = [Math.exp(-0.125), Math.exp(-3), Math.exp(-0.125), Math.exp(-3)];

test("LV ODE: positive, conserves V = δx − γ ln x + βy − α ln y, and oscillates", () => {
  const times = Array.from({ length: 201 }, (_, i) => i / 10);
  const { ok, y } = solveLotkaVolterra(th, times);
  expect(ok).toBe(true);
  expect(Array.from(y.subarray(0, 2))).toEqual([30, 1]);
  const [a, b, g, d] = th;
  const V = (s: number) => d * y[2 * s] - g * Math.log(y[2 * s]) + b * y[2 * s + 1] - a * Math.log(y[2 * s + 1]);
  let maxima = 0;
  for (let s = 0; s < times.length; s++) {
    expect(y[2 * s]).toBeGreaterThan(0);
    expect(y[2 * s + 1]).toBeGreaterThan(0);
    expect(Math.abs(V(s) / V(0) - 1)).toBeLessThan(1e-6);
    if (s > 0 && s < times.length - 1 && y[2 * s] > y[2 * s - 2] && y[2 * s] >= y[2 * s + 2]) maxima++;
  }
  expect(maxima).toBeGreaterThanOrEqual(2); // at least two prey peaks in 20 time units
});

test("LV data: data_1..10 prey and data_11..20 predator at t = 0, 2.1, …, 18.9, log-normal noise 0.1", () => {
  expect(LOTKA_VOLTERRA_TIMES.map((t) => Math.round(t * 10) / 10)).toEqual([
    0, 2.1, 4.2, 6.3, 8.4, 10.5, 12.6, 14.7, 16.8, 18.9,
  ]);
  const task = new LotkaVolterra(),
    n = 2000;
  const theta = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) theta.set(th, 4 * i);
  const x = task.simulate(theta, n, new Rng(505));
  const { y } = solveLotkaVolterra(Array.from(theta.subarray(0, 4)), LOTKA_VOLTERRA_TIMES);
  for (let s = 0; s < 2; s++)
    for (let k = 0; k < 10; k++) {
      let m = 0,
        v = 0;
      for (let i = 0; i < n; i++) {
        const e = Math.log(x[20 * i + 10 * s + k]) - Math.log(y[2 * k + s]);
        m += e;
        v += e * e;
      }
      m /= n;
      v = v / n - m * m;
      expect(Math.abs(m)).toBeLessThan((4 * 0.1) / Math.sqrt(n) + 1e-6);
      expect(Math.abs(v - 0.01)).toBeLessThan(4 * 0.01 * Math.sqrt(2 / n));
    }
});

test("LV: failed or non-finite simulations give NaN rows without throwing; same seed → identical", () => {
  const task = new LotkaVolterra();
  // β < 0 with δ > 0 blows up in finite time; the middle row is fine; the last has a NaN.
  const theta = Float32Array.of(1, -1, 1, 1, ...th, NaN, 0.05, 0.9, 0.05);
  const x = task.simulate(theta, 3, new Rng(8));
  expect(Array.from(x.subarray(0, 20)).every(Number.isNaN)).toBe(true);
  expect(x.subarray(20, 40).some(Number.isNaN)).toBe(false);
  expect(Array.from(x.subarray(40, 60)).every(Number.isNaN)).toBe(true);
  const p = task.prior.sample(30, new Rng(9));
  expect(task.simulate(p, 30, new Rng(10))).toEqual(task.simulate(p, 30, new Rng(10)));
  expect(task.prior.toConfig()).toEqual({
    type: "lognormal",
    loc: [-0.125, -3, -0.125, -3],
    scale: [0.5, 0.5, 0.5, 0.5],
  });
});
