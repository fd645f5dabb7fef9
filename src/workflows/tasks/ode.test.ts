import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../../errors.js";
import { DormandPrince } from "./ode.js";

describe("DormandPrince 5(4)", () => {
  test("exponential decay matches exp(-λt) to 1e-6 relative at every save time", () => {
    const dp = new DormandPrince(1),
      lambda = 0.7;
    const times = Array.from({ length: 41 }, (_, i) => i * 0.5);
    const out = new Float64Array(times.length);
    const r = dp.solve(
      (_t, y, dy) => {
        dy[0] = -lambda * y[0];
      },
      [3],
      0,
      times,
      out,
      { rtol: 1e-10, atol: 1e-14 },
    );
    expect(r.status).toBe("ok");
    expect(r.saved).toBe(times.length);
    expect(out[0]).toBe(3);
    times.forEach((t, s) => {
      expect(Math.abs(out[s] / (3 * Math.exp(-lambda * t)) - 1)).toBeLessThan(1e-6);
    });
  });

  test("harmonic oscillator: closed-form solution and conserved energy to 1e-6 relative", () => {
    const dp = new DormandPrince(2),
      w = 2;
    const f = (_t: number, y: Float64Array, dy: Float64Array) => {
      dy[0] = y[1];
      dy[1] = -w * w * y[0];
    };
    const times = Array.from({ length: 51 }, (_, i) => i * 0.4);
    const out = new Float64Array(times.length * 2);
    const r = dp.solve(f, [1, 0], 0, times, out, { rtol: 1e-10, atol: 1e-12 });
    expect(r.status).toBe("ok");
    const e0 = 0.5 * w * w;
    times.forEach((t, s) => {
      const x = out[2 * s],
        v = out[2 * s + 1];
      expect(Math.abs(x - Math.cos(w * t))).toBeLessThan(1e-6);
      expect(Math.abs(v + w * Math.sin(w * t))).toBeLessThan(1e-6);
      expect(Math.abs((0.5 * v * v + 0.5 * w * w * x * x) / e0 - 1)).toBeLessThan(1e-6);
    });
  });

  test("tolerance controls the error: looser tolerance takes fewer steps and is less accurate", () => {
    const dp = new DormandPrince(1),
      out = new Float64Array(1);
    const f = (t: number, y: Float64Array, dy: Float64Array) => {
      dy[0] = Math.cos(t) * y[0];
    };
    const exact = Math.exp(Math.sin(10));
    const loose = dp.solve(f, [1], 0, [10], out, { rtol: 1e-4, atol: 1e-4 });
    const eLoose = Math.abs(out[0] - exact);
    const tight = dp.solve(f, [1], 0, [10], out, { rtol: 1e-10, atol: 1e-10 });
    const eTight = Math.abs(out[0] - exact);
    expect(tight.steps).toBeGreaterThan(loose.steps);
    expect(eTight).toBeLessThan(eLoose);
    expect(eTight / exact).toBeLessThan(1e-8);
  });

  test("finite-time blow-up and step limits are reported as a status, not thrown", () => {
    const dp = new DormandPrince(1),
      out = new Float64Array(2);
    // y' = y², y(0) = 1 blows up at t = 1.
    const r = dp.solve(
      (_t, y, dy) => {
        dy[0] = y[0] * y[0];
      },
      [1],
      0,
      [0.5, 2],
      out,
    );
    expect(r.status).not.toBe("ok");
    expect(r.saved).toBe(1);
    expect(Math.abs(out[0] - 2)).toBeLessThan(1e-6);
    expect(out[1]).toBeNaN();
    const m = dp.solve(
      (_t, y, dy) => {
        dy[0] = -y[0];
      },
      [1],
      0,
      [100],
      out,
      { maxSteps: 3 },
    );
    expect(m.status).toBe("max_steps");
  });

  test("invalid arguments throw NsbiInputError", () => {
    const dp = new DormandPrince(2),
      out = new Float64Array(4),
      f = () => {};
    expect(() => dp.solve(f, [1], 0, [1], out)).toThrow(/y0 must have 2 values/);
    expect(() => dp.solve(f, [1, 1], 0, [2, 1], out)).toThrow(/non-decreasing/);
    expect(() => dp.solve(f, [1, 1], 0, [1, 2, 3], out)).toThrow(NsbiInputError);
    expect(() => new DormandPrince(0)).toThrow(NsbiInputError);
  });
});
