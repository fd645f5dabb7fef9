import { NsbiInputError } from "../errors.js";
import { choleskyLowerOrNull, choleskySolve } from "./cholesky.js";

/** Value, gradient and Hessian (row-major n × n) of a twice-differentiable objective at x. */
export interface SecondOrder {
  value: number;
  gradient: ArrayLike<number>;
  hessian: ArrayLike<number>;
}

export interface NewtonOptions {
  /** Stop when max |∂f/∂xᵢ| ≤ this (default 1e-8). */
  gradientTolerance?: number;
  /** Upper bound on iterations, i.e. Hessian evaluations (default 200). */
  maxIterations?: number;
}

export interface NewtonResult {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  /** Hessian at x (row-major): its inverse is the curvature covariance of a χ² or −log L fit. */
  hessian: Float64Array;
  iterations: number;
  converged: boolean;
}

/**
 * Minimises a smooth objective of a few parameters by Newton's method with Levenberg–Marquardt
 * damping as the trust region: the step solves (H + λI) p = −g by Cholesky; λ = 0 (the pure
 * Newton step) when H is positive definite and the step reduces f as its quadratic model
 * predicts, raised when H is indefinite or the step fails (which shortens and turns it towards
 * −g), lowered again after good steps. f never increases, and near a minimum with positive-
 * definite Hessian convergence is quadratic.
 *
 * @param f value, gradient and Hessian at x (x must not be modified)
 * @param x0 starting point
 * @param opts gradient tolerance and iteration limit
 * @see J. Nocedal, S. J. Wright, "Numerical Optimization", 2nd ed., §4 (trust regions) and §10.3
 *   (Levenberg–Marquardt); J. J. Moré, "The Levenberg–Marquardt algorithm", LNM 630 (1978)
 * @example
 * ```ts
 * const r = newtonMinimize(([a]) => ({ value: (a - 2) ** 4 + a * a, gradient: [4 * (a - 2) ** 3 + 2 * a], hessian: [12 * (a - 2) ** 2 + 2] }), [0]);
 * ```
 */
export function newtonMinimize(
  f: (x: Float64Array) => SecondOrder,
  x0: ArrayLike<number>,
  opts: NewtonOptions = {},
): NewtonResult {
  const n = x0.length,
    gTol = opts.gradientTolerance ?? 1e-8,
    maxIt = opts.maxIterations ?? 200;
  if (n === 0 || Array.from(x0).some((v) => !Number.isFinite(v)))
    throw new NsbiInputError(`newtonMinimize: start point must be finite numbers, got [${Array.from(x0).join(", ")}]`);
  let x = Float64Array.from(x0),
    cur = evaluate(f, x, n);
  if (!Number.isFinite(cur.value))
    throw new NsbiInputError(`newtonMinimize: the objective is ${cur.value} at the start point`);
  let lambda = 0,
    iterations = 0,
    converged = false;
  const diagScale = () => {
    let s = 0;
    for (let i = 0; i < n; i++) s = Math.max(s, Math.abs(cur.hessian[i * n + i]));
    return s > 0 ? s : 1;
  };
  while (iterations < maxIt) {
    if (maxAbs(cur.gradient) <= gTol) {
      converged = true;
      break;
    }
    iterations++;
    let accepted = false;
    // at most ~60 damping increases: λ then exceeds any Hessian scale and the step is a tiny −g/λ
    for (let attempt = 0; attempt < 60 && !accepted; attempt++) {
      const A = Float64Array.from(cur.hessian);
      for (let i = 0; i < n; i++) A[i * n + i] += lambda;
      const L = choleskyLowerOrNull(A, n);
      if (!L) {
        lambda = Math.max(4 * lambda, 1e-10 * diagScale());
        continue;
      }
      const p = choleskySolve(
        L,
        n,
        cur.gradient.map((g) => -g),
      );
      let predicted = 0; // −(gᵀp + ½ pᵀHp), the decrease the quadratic model promises
      for (let i = 0; i < n; i++) {
        let hp = 0;
        for (let j = 0; j < n; j++) hp += cur.hessian[i * n + j] * p[j];
        predicted -= cur.gradient[i] * p[i] + 0.5 * p[i] * hp;
      }
      const xNew = x.map((v, i) => v + p[i]);
      if (xNew.every((v, i) => v === x[i])) {
        lambda = Math.max(4 * lambda, 1e-10 * diagScale());
        if (lambda > 1e300) break;
        continue;
      }
      const next = evaluate(f, xNew, n);
      const actual = cur.value - next.value,
        rho = predicted > 0 ? actual / predicted : -1;
      if (Number.isFinite(next.value) && actual >= 0 && rho > 0.25) {
        x = xNew;
        cur = next;
        accepted = true;
        if (rho > 0.75) lambda = lambda < 1e-10 * diagScale() ? 0 : lambda / 4;
      } else {
        lambda = Math.max(4 * lambda, 1e-4 * diagScale());
      }
    }
    if (!accepted) break; // no step reduces f: x is a minimum to working precision
  }
  if (!converged && maxAbs(cur.gradient) <= gTol) converged = true;
  return { x, value: cur.value, gradient: cur.gradient, hessian: cur.hessian, iterations, converged };
}

function evaluate(
  f: (x: Float64Array) => SecondOrder,
  x: Float64Array,
  n: number,
): { value: number; gradient: Float64Array; hessian: Float64Array } {
  const r = f(x.slice());
  if (r.gradient.length !== n || r.hessian.length !== n * n) {
    throw new NsbiInputError(
      `newtonMinimize: the objective returned ${r.gradient.length} gradient and ${r.hessian.length} Hessian entries, expected ${n} and ${n * n}`,
    );
  }
  return { value: r.value, gradient: Float64Array.from(r.gradient), hessian: Float64Array.from(r.hessian) };
}

function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}
