// Local quartic interpolation, its minimum and the grid-profile interval against known quartics;
// Brent's root finder against closed-form roots.
import { describe, expect, test } from "vitest";
import { brentRoot } from "../../numerics/brent-root.js";
import { gridProfileInterval } from "./grid-profile-interval.js";
import {
  interpolateQuartic,
  nearestGridIndex,
  quarticDerivative,
  quarticMinimumNear,
  quarticThroughStencil,
} from "./quartic-interpolation.js";

/** A quartic with its minimum 0 at m: a(x − m)² + b(x − m)³ + c(x − m)⁴ (convex for b² < 8ac/3). */
const quartic =
  (m: number, a: number, b: number, c: number) =>
  (x: number): number => {
    const u = x - m;
    return u * u * (a + u * (b + u * c)) + 1234.5; // a large offset, as an NLL has
  };

describe("local quartic interpolation", () => {
  test("reproduces a quartic exactly anywhere on a non-uniform grid, and its derivative", () => {
    const q = quartic(0.37, 3, -1.2, 2.5);
    const xs = [0, 0.05, 0.13, 0.2, 0.31, 0.4, 0.52, 0.6, 0.71, 0.8];
    const ys = xs.map(q);
    for (let x = 0; x <= 0.8; x += 0.0137) expect(interpolateQuartic(xs, ys, x)).toBeCloseTo(q(x), 10);
    const p = quarticThroughStencil(xs, ys, 3);
    const u = 0.5 - 0.37;
    expect(quarticDerivative(p, 0.5)).toBeCloseTo(2 * 3 * u + 3 * -1.2 * u * u + 4 * 2.5 * u ** 3, 9);
  });

  test("interpolation error of a smooth non-polynomial falls as h⁵", () => {
    const errorAt = (n: number) => {
      const xs = Array.from({ length: n }, (_, j) => (j * 2) / (n - 1)),
        ys = xs.map(Math.cos);
      let e = 0;
      for (let x = 0.3; x < 1.7; x += 0.0071) e = Math.max(e, Math.abs(interpolateQuartic(xs, ys, x) - Math.cos(x)));
      return e;
    };
    const ratio = errorAt(21) / errorAt(41); // h halves: 2⁵ = 32 for an O(h⁵) error
    expect(ratio).toBeGreaterThan(20);
    expect(ratio).toBeLessThan(45);
  });

  test("the minimum between grid points is the quartic's minimum", () => {
    const q = quartic(0.4437, 5, 2, 7);
    const xs = Array.from({ length: 11 }, (_, j) => 0.1 * j),
      ys = xs.map(q);
    const m = quarticMinimumNear(xs, ys, nearestGridIndex(xs, 0.4437));
    expect(m.x).toBeCloseTo(0.4437, 10);
    expect(m.value).toBeCloseTo(1234.5, 9);
  });

  test("grid interval: the ΔNLL = ½ crossings of a symmetric quartic solve a u + c u² = ½, u = (x − m)²", () => {
    const m = 0.512,
      a = 40,
      c = 300;
    const q = quartic(m, a, 0, c);
    const xs = Array.from({ length: 31 }, (_, j) => 0.05 * j),
      ys = xs.map(q);
    const center = nearestGridIndex(xs, m);
    const interval = gridProfileInterval(xs, ys, center, quarticMinimumNear(xs, ys, center), 0.5);
    const u = (-a + Math.sqrt(a * a + 2 * c)) / (2 * c),
      half = Math.sqrt(u);
    expect(interval.lower).toBeCloseTo(m - half, 10);
    expect(interval.upper).toBeCloseTo(m + half, 10);
    expect(interval.closed).toBe(true);
  });

  test("grid interval narrower than a grid step: a crossing between the minimum and its nearest grid point", () => {
    // minimum at 0.545, nearest grid point 0.5 already at ΔNLL = 400·0.045² = 0.81 > ½: the lower crossing
    // 0.545 − √(½/400) = 0.5096 lies between the grid point and the minimum
    const q = quartic(0.545, 400, 0, 0);
    const xs = Array.from({ length: 11 }, (_, j) => 0.1 * j),
      ys = xs.map(q);
    const center = nearestGridIndex(xs, 0.545);
    expect(center).toBe(5);
    const interval = gridProfileInterval(xs, ys, center, quarticMinimumNear(xs, ys, center), 0.5);
    expect(interval.lower).toBeCloseTo(0.545 - Math.sqrt(0.5 / 400), 10);
    expect(interval.upper).toBeCloseTo(0.545 + Math.sqrt(0.5 / 400), 10);
    // and mirrored, the minimum left of its nearest grid point
    const r = quartic(0.455, 400, 0, 0),
      rs = xs.map(r);
    const mirrored = gridProfileInterval(xs, rs, 5, quarticMinimumNear(xs, rs, 5), 0.5);
    expect(mirrored.lower).toBeCloseTo(0.455 - Math.sqrt(0.5 / 400), 10);
    expect(mirrored.upper).toBeCloseTo(0.455 + Math.sqrt(0.5 / 400), 10);
  });

  test("grid interval: a profile below the level at the grid's end is open there", () => {
    const q = quartic(0.1, 1, 0, 0);
    const xs = Array.from({ length: 12 }, (_, j) => 0.1 * j),
      ys = xs.map(q);
    const interval = gridProfileInterval(xs, ys, 1, quarticMinimumNear(xs, ys, 1), 0.5);
    expect(interval.lowerEnd).toBe("range-end");
    expect(interval.lower).toBe(0);
    expect(interval.upperEnd).toBe("crossing");
    expect(interval.upper).toBeCloseTo(0.1 + Math.sqrt(0.5), 10);
    expect(interval.closed).toBe(false);
  });
});

describe("brentRoot", () => {
  test("finds closed-form roots and rejects a non-bracket", () => {
    expect(brentRoot((x) => x * x - 2, 0, 2, 1e-14)).toBeCloseTo(Math.SQRT2, 13);
    expect(brentRoot((x) => Math.cos(x), 1, 2, 1e-14)).toBeCloseTo(Math.PI / 2, 13);
    // a step function: converges to the jump as bisection would
    expect(brentRoot((x) => (x < 0.3 ? -1 : 1), 0, 1, 1e-12)).toBeCloseTo(0.3, 11);
    expect(() => brentRoot((x) => x * x + 1, -1, 1, 1e-12)).toThrow(/bracket/);
  });
});
