import { describe, expect, it } from "vitest";
import { brentMinimize } from "./brent-minimize.js";
import { goldenSectionMinimize } from "./golden-section.js";

describe("brentMinimize", () => {
  it("finds the minimum of a parabola and of a smooth non-polynomial function in closed form", () => {
    const p = brentMinimize((x) => 3 * (x - 0.7) ** 2 + 2, -5, 4, 1e-10);
    expect(p.x).toBeCloseTo(0.7, 8);
    expect(p.value).toBeCloseTo(2, 12);
    // x − log x has its minimum at x = 1, value 1
    const q = brentMinimize((x) => x - Math.log(x), 0.1, 10, 1e-9);
    expect(q.x).toBeCloseTo(1, 7);
    expect(q.value).toBeCloseTo(1, 12);
    // cosh(x − 2) + x/10: minimum where sinh(x − 2) = −0.1
    const r = brentMinimize((x) => Math.cosh(x - 2) + x / 10, -3, 6, 1e-10);
    expect(r.x).toBeCloseTo(2 + Math.asinh(-0.1), 8);
  });

  it("does not stop on a downward kink (the minimum of two parabolas) and keeps to its bracket", () => {
    // a local maximum (a kink) at x = 0.125 between the minima at −1 (value 0.5) and 1 (value 0)
    const f = (x: number) => Math.min((x - 1) ** 2, (x + 1) ** 2 + 0.5);
    const right = brentMinimize(f, 0, 3, 1e-9);
    expect(right.x).toBeCloseTo(1, 7);
    const left = brentMinimize(f, -3, 0.1, 1e-9);
    expect(left.x).toBeCloseTo(-1, 7);
    // a minimum at the bracket's end
    const edge = brentMinimize((x) => x * x, 0.5, 2, 1e-9);
    expect(edge.x).toBeGreaterThanOrEqual(0.5);
    expect(edge.x).toBeLessThan(0.5 + 1e-8);
  });

  it("agrees with golden section on a profile-like convex function with fewer evaluations", () => {
    // −Σ log(c + f d) over fixed (c, d): a mixture NLL, convex in f
    const c = [0.3, 1.2, 0.8, 0.5, 2.0, 0.9],
      d = [0.9, -0.7, 0.4, 1.3, -1.1, 0.2];
    let calls = 0;
    const nll = (f: number) => {
      calls++;
      let s = 0;
      for (let i = 0; i < c.length; i++) s -= Math.log(c[i] + f * d[i]);
      return s;
    };
    const b = brentMinimize(nll, 0, 1.5, 1e-7);
    const brentCalls = calls;
    calls = 0;
    const g = goldenSectionMinimize(nll, 0, 1.5, 1e-7);
    expect(Math.abs(b.x - g.x)).toBeLessThan(2e-7);
    // an interior minimum: the derivative −Σ d/(c + f d) vanishes there
    let slope = 0;
    for (let i = 0; i < c.length; i++) slope -= d[i] / (c[i] + b.x * d[i]);
    expect(b.x).toBeGreaterThan(0.1);
    expect(Math.abs(slope)).toBeLessThan(1e-5);
    expect(brentCalls, `brent ${brentCalls} vs golden ${calls}`).toBeLessThan(calls / 2);
  });
});
