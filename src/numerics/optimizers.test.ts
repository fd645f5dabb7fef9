// Adam, Newton (trust region) and L-BFGS against closed-form minima.
import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import { adamMinimize } from "./adam.js";
import { lbfgsMinimize } from "./lbfgs.js";
import { newtonMinimize } from "./newton.js";

/** Rosenbrock's function with gradient and Hessian; minimum 0 at (1, 1). */
function rosenbrock(x: Float64Array) {
  const [a, b] = [x[0], x[1]];
  return {
    value: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
    gradient: [-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)],
    hessian: [2 - 400 * b + 1200 * a * a, -400 * a, -400 * a, 200],
  };
}

/** A positive-definite quadratic ½ xᵀAx − bᵀx in 3-D: minimum at A⁻¹b = (1, −2, 0.5) (A·(1, −2, 0.5) = b). */
const A = [4, 1, 0, 1, 3, -1, 0, -1, 2],
  xStar = [1, -2, 0.5];
const bq = [0, 1, 2].map((i) => [0, 1, 2].reduce((s, j) => s + A[i * 3 + j] * xStar[j], 0));
function quadratic(x: Float64Array, g: Float64Array = new Float64Array(3)) {
  let v = 0;
  for (let i = 0; i < 3; i++) {
    let ax = 0;
    for (let j = 0; j < 3; j++) ax += A[i * 3 + j] * x[j];
    g[i] = ax - bq[i];
    v += 0.5 * x[i] * ax - bq[i] * x[i];
  }
  return { value: v, gradient: g, hessian: A };
}

describe("adamMinimize", () => {
  test("reaches the minimum of a quadratic; the first step has length α in every coordinate", () => {
    const r = adamMinimize(
      (x, g) => {
        quadratic(x, g);
      },
      [0, 0, 0],
      { iterations: 5000, learningRate: 0.02 },
    );
    expect(r.status).toBe("done");
    for (let i = 0; i < 3; i++) expect(r.x[i]).toBeCloseTo(xStar[i], 3);
    // step 1: m̂ = g, v̂ = g², so every coordinate moves by α·sign(g) (Kingma & Ba, §2.1), ε aside
    const one = adamMinimize(
      (_x, g) => {
        g[0] = 5;
        g[1] = -0.01;
      },
      [0, 0],
      { iterations: 1, learningRate: 0.1 },
    );
    expect(one.x[0]).toBeCloseTo(-0.1, 6);
    expect(one.x[1]).toBeCloseTo(0.1, 5);
  });

  test("projects onto the box and stops at a non-finite gradient", () => {
    const r = adamMinimize(
      (x, g) => {
        g[0] = 2 * (x[0] - 3);
      },
      [0],
      { iterations: 2000, learningRate: 0.05, lower: [-1], upper: [1] },
    );
    expect(r.x[0]).toBe(1);
    const bad = adamMinimize(
      (x, g) => {
        g[0] = x[0] > 0.25 ? NaN : -1;
      },
      [0],
      { iterations: 100, learningRate: 0.1 },
    );
    expect(bad.status).toBe("non-finite gradient");
    expect(bad.x[0]).toBeCloseTo(0.3, 6); // three steps of 0.1, then the gradient at 0.3 is NaN
    expect(bad.iterations).toBe(3);
    expect(() => adamMinimize(() => undefined, [0], { learningRate: 0 })).toThrow(NsbiInputError);
  });
});

describe("newtonMinimize", () => {
  test("a quadratic is solved by one Newton step", () => {
    const r = newtonMinimize((x) => quadratic(x), [10, 10, 10]);
    expect(r.converged).toBe(true);
    expect(r.iterations).toBe(1);
    for (let i = 0; i < 3; i++) expect(r.x[i]).toBeCloseTo(xStar[i], 12);
  });

  test("Rosenbrock from (−1.2, 1): converges to (1, 1) and f never increases", () => {
    const values: number[] = [];
    const r = newtonMinimize(
      (x) => {
        const e = rosenbrock(x);
        values.push(e.value);
        return e;
      },
      [-1.2, 1],
    );
    expect(r.converged).toBe(true);
    // |∇f| ≤ 1e-8 and the smallest Hessian eigenvalue at (1, 1) is 0.4: |x − x*| ≲ 3e-8
    expect(r.x[0]).toBeCloseTo(1, 7);
    expect(r.x[1]).toBeCloseTo(1, 7);
    expect(r.iterations).toBeLessThan(40);
    // accepted points (the running minimum) never go up; the final value is the least seen
    expect(r.value).toBe(Math.min(...values));
  });

  test("an indefinite Hessian at the start (saddle of x⁴ − 2x² + y²) still reaches a minimum", () => {
    // at (0.1, 1): ∂²f/∂x² = 12x² − 4 < 0; minima at (±1, 0) with f = −1
    const f = (x: Float64Array) => ({
      value: x[0] ** 4 - 2 * x[0] ** 2 + x[1] ** 2,
      gradient: [4 * x[0] ** 3 - 4 * x[0], 2 * x[1]],
      hessian: [12 * x[0] ** 2 - 4, 0, 0, 2],
    });
    const r = newtonMinimize(f, [0.1, 1]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 8);
    expect(r.x[1]).toBeCloseTo(0, 8);
    expect(r.value).toBeCloseTo(-1, 14);
  });

  test("maximum likelihood of a normal sample: mean and the n-divisor standard deviation", () => {
    const data = [2.1, 3.4, 1.9, 5.0, 2.8, 3.3];
    const n = data.length,
      mean = data.reduce((a, b) => a + b) / n;
    const sMl = Math.sqrt(data.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    // −log L(μ, s = log σ) up to a constant: n·s + Σ(d − μ)²/(2e^{2s})
    const r = newtonMinimize(
      (x) => {
        const [mu, s] = [x[0], x[1]],
          w = Math.exp(-2 * s);
        const r1 = data.reduce((a, d) => a + (d - mu), 0),
          r2 = data.reduce((a, d) => a + (d - mu) ** 2, 0);
        return {
          value: n * s + 0.5 * w * r2,
          gradient: [-w * r1, n - w * r2],
          hessian: [n * w, 2 * w * r1, 2 * w * r1, 2 * w * r2],
        };
      },
      [0, 0],
    );
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(mean, 10);
    expect(Math.exp(r.x[1])).toBeCloseTo(sMl, 10);
    // the inverse Hessian's (μ, μ) entry is σ²/n, the variance of the mean
    const [h00, h01, , h11] = Array.from(r.hessian);
    expect(h11 / (h00 * h11 - h01 * h01)).toBeCloseTo((sMl * sMl) / n, 10);
  });

  test("bad input", () => {
    expect(() => newtonMinimize((x) => quadratic(x), [NaN, 0, 0])).toThrow(/start point must be finite/);
    expect(() => newtonMinimize(() => ({ value: 0, gradient: [0], hessian: [1] }), [0, 0])).toThrow(/expected 2 and 4/);
  });
});

describe("lbfgsMinimize", () => {
  test("a quadratic: the closed-form minimum", () => {
    const r = lbfgsMinimize((x, g) => quadratic(x, g).value, [10, 10, 10]);
    expect(r.converged).toBe(true);
    for (let i = 0; i < 3; i++) expect(r.x[i]).toBeCloseTo(xStar[i], 8);
  });

  test("the 10-D extended Rosenbrock function: minimum at (1, …, 1)", () => {
    const n = 10;
    const f = (x: Float64Array, g: Float64Array) => {
      let v = 0;
      g.fill(0);
      for (let i = 0; i < n - 1; i++) {
        const a = x[i],
          b = x[i + 1];
        v += (1 - a) ** 2 + 100 * (b - a * a) ** 2;
        g[i] += -2 * (1 - a) - 400 * a * (b - a * a);
        g[i + 1] += 200 * (b - a * a);
      }
      return v;
    };
    const r = lbfgsMinimize(
      f,
      Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1.2)),
      { maxIterations: 2000 },
    );
    expect(r.converged).toBe(true);
    for (let i = 0; i < n; i++) expect(r.x[i]).toBeCloseTo(1, 6);
    expect(r.value).toBeLessThan(1e-12);
  });

  test("bad input", () => {
    expect(() => lbfgsMinimize(() => NaN, [0])).toThrow(/objective is NaN at the start point/);
    expect(() =>
      lbfgsMinimize(
        (_x, g) => {
          g[0] = 0;
          return 0;
        },
        [0],
        { memory: 0 },
      ),
    ).toThrow(/memory must be a positive integer/);
  });
});
