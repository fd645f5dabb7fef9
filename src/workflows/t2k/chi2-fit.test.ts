import { expect, test } from "vitest";
import { fitChi2 } from "./chi2-fit.js";

test("a linear model's χ² fit returns the least-squares solution and its closed-form errors", () => {
  // y_i = a + b t_i with σ_i = 0.1: the weighted least-squares solution and covariance are closed form
  const t = [0, 1, 2, 3, 4, 5],
    a0 = 0.7,
    b0 = -0.3,
    s = 0.1;
  const noise = [0.05, -0.08, 0.02, 0.11, -0.04, -0.03];
  const y = t.map((ti, i) => a0 + b0 * ti + noise[i]);
  const chi2 = ([a, b]: number[]) => t.reduce((acc, ti, i) => acc + ((y[i] - a - b * ti) / s) ** 2, 0);
  const r = fitChi2(chi2, [-5, -5], [5, 5]);
  const n = t.length,
    St = t.reduce((p, v) => p + v, 0),
    Stt = t.reduce((p, v) => p + v * v, 0);
  const Sy = y.reduce((p, v) => p + v, 0),
    Sty = t.reduce((p, v, i) => p + v * y[i], 0),
    det = n * Stt - St * St;
  const b = (n * Sty - St * Sy) / det,
    a = (Sy - b * St) / n;
  expect(r.theta[0]).toBeCloseTo(a, 5);
  expect(r.theta[1]).toBeCloseTo(b, 5);
  expect(r.sigma[0]).toBeCloseTo(s * Math.sqrt(Stt / det), 4);
  expect(r.sigma[1]).toBeCloseTo(s * Math.sqrt(n / det), 4);
  expect(r.atBound).toEqual([false, false]);
});

test("a minimum outside the box ends on the bound, where no error is reported", () => {
  const r = fitChi2(([a, b]) => (a - 3) ** 2 / 0.01 + (b - 0.2) ** 2 / 0.04, [0, 0], [1, 1]);
  expect(r.theta[0]).toBeCloseTo(1, 5);
  expect(r.theta[1]).toBeCloseTo(0.2, 4);
  expect(r.atBound).toEqual([true, false]);
  expect(r.sigma[0]).toBeNaN();
  expect(r.sigma[1]).toBeCloseTo(0.2, 3);
});
