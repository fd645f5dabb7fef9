import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import { nelderMead } from "./nelder-mead.js";

describe("nelderMead", () => {
  test("finds the minimum of the Rosenbrock function at (1, 1)", () => {
    const r = nelderMead(([a, b]) => (1 - a) ** 2 + 100 * (b - a * a) ** 2, [-1.2, 1], { maxEvaluations: 5000 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
    expect(r.value).toBeLessThan(1e-8);
  });

  test("a quadratic in 4-D: minimum and value match the closed form", () => {
    const c = [0.3, -2, 5, 1.5],
      w = [1, 4, 0.5, 9];
    const r = nelderMead((x) => x.reduce((s, v, i) => s + w[i] * (v - c[i]) ** 2, 7), [0, 0, 0, 0], {
      maxEvaluations: 20000,
    });
    for (let i = 0; i < 4; i++) expect(r.x[i]).toBeCloseTo(c[i], 4);
    expect(r.value).toBeCloseTo(7, 7);
  });

  test("bounds hold: the constrained minimum lies on the boundary", () => {
    const r = nelderMead(([a, b]) => (a - 3) ** 2 + (b + 1) ** 2, [0.5, 0.5], { lower: [0, 0], upper: [1, 1] });
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(0, 6);
  });

  test("bad arguments are rejected with the reason", () => {
    expect(() => nelderMead(() => 0, [Number.NaN])).toThrow(NsbiInputError);
    expect(() => nelderMead(() => 0, [0], { lower: [1], upper: [0] })).toThrow(/lower bound/);
  });
});
