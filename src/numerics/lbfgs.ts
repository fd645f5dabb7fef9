import { NsbiInputError } from "../errors.js";

export interface LbfgsOptions {
  /** Stored correction pairs m (default 10). */
  memory?: number;
  /** Stop when max |∂f/∂xᵢ| ≤ this (default 1e-8). */
  gradientTolerance?: number;
  /** Upper bound on iterations (default 1000). */
  maxIterations?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  iterations: number;
  /** Objective evaluations, line searches included. */
  evaluations: number;
  converged: boolean;
}

/**
 * Minimises a smooth objective by limited-memory BFGS: the two-loop recursion for the search
 * direction and a backtracking line search on the Armijo condition (c₁ = 1e-4), starting from
 * the unit step; correction pairs with sᵀy ≤ 0 are skipped, so the inverse-Hessian model stays
 * positive definite. For smooth objectives of tens to thousands of parameters with a gradient.
 *
 * @param f value and gradient at x (writes ∇f(x) into grad; x must not be modified)
 * @param x0 starting point
 * @param opts memory, gradient tolerance and iteration limit
 * @see J. Nocedal, S. J. Wright, "Numerical Optimization", 2nd ed., Alg. 7.4 (two-loop recursion)
 *   and Alg. 7.5 (L-BFGS); D. C. Liu, J. Nocedal, Math. Program. 45 (1989) 503
 * @example
 * ```ts
 * const r = lbfgsMinimize((x, g) => { g[0] = 2 * (x[0] - 1); g[1] = 20 * (x[1] + 2); return (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2; }, [0, 0]);
 * ```
 */
export function lbfgsMinimize(
  f: (x: Float64Array, grad: Float64Array) => number,
  x0: ArrayLike<number>,
  opts: LbfgsOptions = {},
): LbfgsResult {
  const n = x0.length,
    mem = opts.memory ?? 10,
    gTol = opts.gradientTolerance ?? 1e-8,
    maxIt = opts.maxIterations ?? 1000;
  if (n === 0 || Array.from(x0).some((v) => !Number.isFinite(v)))
    throw new NsbiInputError(`lbfgsMinimize: start point must be finite numbers, got [${Array.from(x0).join(", ")}]`);
  if (!Number.isInteger(mem) || mem < 1)
    throw new NsbiInputError(`lbfgsMinimize: memory must be a positive integer, got ${mem}`);
  let x = Float64Array.from(x0),
    g = new Float64Array(n),
    evaluations = 1;
  let value = f(x.slice(), g);
  if (!Number.isFinite(value)) throw new NsbiInputError(`lbfgsMinimize: the objective is ${value} at the start point`);
  const S: Float64Array[] = [],
    Y: Float64Array[] = [],
    rhos: number[] = [];
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i] * b[i];
    return s;
  };
  let iterations = 0,
    converged = false;
  while (iterations < maxIt) {
    if (maxAbsOf(g) <= gTol) {
      converged = true;
      break;
    }
    iterations++;
    // two-loop recursion: d = −H g
    const d = g.map((v) => -v),
      alpha = new Float64Array(S.length);
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rhos[k] * dot(S[k], d);
      for (let i = 0; i < n; i++) d[i] -= alpha[k] * Y[k][i];
    }
    // initial scaling γ = sᵀy / yᵀy of the newest pair (unit step before the first pair: a scaled gradient step)
    const gamma = S.length
      ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1])
      : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = rhos[k] * dot(Y[k], d);
      for (let i = 0; i < n; i++) d[i] += (alpha[k] - beta) * S[k][i];
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // not a descent direction (rounding): restart from steepest descent
      S.length = 0;
      Y.length = 0;
      rhos.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i] / Math.max(1, Math.sqrt(dot(g, g)));
      slope = dot(g, d);
    }
    let step = 1,
      accepted = false;
    const xNew = new Float64Array(n),
      gNew = new Float64Array(n);
    let vNew = NaN;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      vNew = f(xNew.slice(), gNew);
      evaluations++;
      if (Number.isFinite(vNew) && vNew <= value + 1e-4 * step * slope && gNew.every(Number.isFinite)) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break; // no decrease along a descent direction: x is a minimum to working precision
    const s = xNew.map((v, i) => v - x[i]),
      y = gNew.map((v, i) => v - g[i]),
      sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === mem) {
        S.shift();
        Y.shift();
        rhos.shift();
      }
      S.push(s);
      Y.push(y);
      rhos.push(1 / sy);
    }
    x = xNew;
    g = gNew;
    value = vNew;
  }
  if (!converged && maxAbsOf(g) <= gTol) converged = true;
  return { x, value, gradient: g, iterations, evaluations, converged };
}

function maxAbsOf(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}
