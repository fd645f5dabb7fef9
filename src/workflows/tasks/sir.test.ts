import { expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { LogNormal } from "../../flows/priors/lognormal.js";
import { Sir, SIR_POPULATION, SIR_TIMES, solveSir } from "./sir.js";

test("SIR ODE: S + I + R = N at every save time, I(0) = 1, epidemic runs to its final size", () => {
  const times = Array.from({ length: 161 }, (_, d) => d);
  const { ok, y } = solveSir(0.4, 0.125, times);
  expect(ok).toBe(true);
  expect(Array.from(y.subarray(0, 3))).toEqual([SIR_POPULATION - 1, 1, 0]);
  for (let s = 0; s < times.length; s++) {
    expect(Math.abs((y[3 * s] + y[3 * s + 1] + y[3 * s + 2]) / SIR_POPULATION - 1)).toBeLessThan(1e-12);
    expect(y[3 * s + 1]).toBeGreaterThan(0);
  }
  // Final size: s∞ = exp(-R0 (1 - s∞)) with R0 = β/γ = 3.2 (fixed-point iteration).
  let sInf = 0.5;
  for (let k = 0; k < 200; k++) sInf = Math.exp(-3.2 * (1 - sInf));
  expect(Math.abs(y[3 * 160] / SIR_POPULATION - sInf)).toBeLessThan(1e-3);
  // The conserved quantity S + I − (γ/β) N log S of the SIR system.
  const inv = (s: number) => y[3 * s] + y[3 * s + 1] - (0.125 / 0.4) * SIR_POPULATION * Math.log(y[3 * s]);
  for (const s of [40, 80, 160]) expect(Math.abs(inv(s) / inv(0) - 1)).toBeLessThan(1e-8);
});

test("SIR data: Binomial(1000, I/N) counts with the right mean at t = 0, 17, …, 153", () => {
  const task = new Sir(),
    n = 3000,
    th = [0.5, 0.1];
  expect(SIR_TIMES).toEqual([0, 17, 34, 51, 68, 85, 102, 119, 136, 153]);
  const theta = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) theta.set(th, 2 * i);
  const x = task.simulate(theta, n, new Rng(404));
  const { y } = solveSir(Math.fround(th[0]), Math.fround(th[1]), SIR_TIMES);
  for (let k = 0; k < 10; k++) {
    const p = y[3 * k + 1] / SIR_POPULATION;
    let s = 0,
      nonInteger = 0;
    for (let i = 0; i < n; i++) {
      s += x[10 * i + k];
      if (!Number.isInteger(x[10 * i + k])) nonInteger++;
    }
    expect(nonInteger).toBe(0);
    const se = Math.sqrt((1000 * p * (1 - p)) / n);
    expect(Math.abs(s / n - 1000 * p)).toBeLessThan(4 * se + 1e-9);
  }
});

test("SIR: prior, NaN rows for non-finite θ, same seed → bit-identical", () => {
  const task = new Sir();
  expect(task.prior).toBeInstanceOf(LogNormal);
  expect(task.prior.toConfig()).toEqual({
    type: "lognormal",
    loc: [Math.log(0.4), Math.log(0.125)],
    scale: [0.5, 0.2],
  });
  const theta = task.prior.sample(50, new Rng(5));
  const a = task.simulate(theta, 50, new Rng(6)),
    b = task.simulate(theta, 50, new Rng(6));
  expect(a).toEqual(b);
  expect(a.some(Number.isNaN)).toBe(false);
  const bad = task.simulate(Float32Array.of(NaN, 0.1, 0.4, 0.125), 2, new Rng(7));
  expect(Array.from(bad.subarray(0, 10)).every(Number.isNaN)).toBe(true);
  expect(bad.subarray(10).some(Number.isNaN)).toBe(false);
});
