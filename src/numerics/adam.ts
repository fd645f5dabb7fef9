import { NsbiInputError } from "../errors.js";

export interface AdamOptions {
  /** Number of steps (default 300). */
  iterations?: number;
  /** Step size α (default 0.01). */
  learningRate?: number;
  /** Decay rates of the first and second moment estimates (defaults 0.9 and 0.999). */
  beta1?: number;
  beta2?: number;
  /** Added to √v̂ (default 1e-8). */
  epsilon?: number;
  /** Box bounds per coordinate: each step is projected back into [lower, upper]. */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
}

export interface AdamResult {
  x: Float64Array;
  /** Steps taken. */
  iterations: number;
  /** "done" after all iterations; "non-finite gradient" when a gradient had a NaN/±∞ (x is the last point with a finite one). */
  status: "done" | "non-finite gradient";
}

/**
 * Minimises f by projected Adam steps, given its gradient. Each coordinate has its own moment
 * estimates, so a sum of independent objectives (e.g. several starts stacked into one x) is
 * minimised exactly as each one alone. For noisy or many-parameter objectives; for a smooth
 * objective of a few parameters, newtonMinimize or lbfgsMinimize converge in far fewer steps.
 *
 * @param gradient writes ∇f(x) into `grad` (both of length x0.length); x must not be modified
 * @param x0 starting point (copied)
 * @param opts iterations, learning rate, moment decay rates and box bounds
 * @see D. P. Kingma, J. Ba, "Adam: a method for stochastic optimization", arXiv:1412.6980, Alg. 1
 * @example
 * ```ts
 * const r = adamMinimize((x, g) => { g[0] = 2 * (x[0] - 3); }, [0], { iterations: 2000, learningRate: 0.05 });
 * // r.x[0] ≈ 3
 * ```
 */
export function adamMinimize(
  gradient: (x: Float64Array, grad: Float64Array) => void,
  x0: ArrayLike<number>,
  opts: AdamOptions = {},
): AdamResult {
  const n = x0.length,
    iters = opts.iterations ?? 300,
    lr = opts.learningRate ?? 0.01;
  const b1 = opts.beta1 ?? 0.9,
    b2 = opts.beta2 ?? 0.999,
    eps = opts.epsilon ?? 1e-8;
  if (!Number.isInteger(iters) || iters < 0)
    throw new NsbiInputError(`adamMinimize: iterations must be a non-negative integer, got ${iters}`);
  if (!(lr > 0)) throw new NsbiInputError(`adamMinimize: learningRate must be positive, got ${lr}`);
  if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1))
    throw new NsbiInputError(`adamMinimize: beta1 and beta2 must be in [0, 1), got ${b1} and ${b2}`);
  const lo = opts.lower,
    hi = opts.upper;
  if ((lo && lo.length !== n) || (hi && hi.length !== n))
    throw new NsbiInputError(`adamMinimize: bounds must have ${n} entries`);
  const x = Float64Array.from(x0),
    g = new Float64Array(n),
    m = new Float64Array(n),
    v = new Float64Array(n);
  for (let t = 1; t <= iters; t++) {
    gradient(x, g);
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(g[i])) return { x, iterations: t - 1, status: "non-finite gradient" };
    const c1 = 1 - b1 ** t,
      c2 = 1 - b2 ** t;
    for (let i = 0; i < n; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      let next = x[i] - (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      if (lo) next = Math.max(next, lo[i]);
      if (hi) next = Math.min(next, hi[i]);
      x[i] = next;
    }
  }
  return { x, iterations: iters, status: "done" };
}
