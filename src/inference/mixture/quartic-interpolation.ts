import { NsbiInputError } from "../../errors.js";

/**
 * Local 4th-order polynomial interpolation of values on a grid (the paper's "fourth-order polynomial to
 * interpolate between grid points"; Sluijter, Diefenbacher, Bhimji, Nachman 2025, §2.4). Our reading:
 * near any point x the function is the quartic through the 5 consecutive grid points centred on the grid
 * point nearest x (the stencil is shifted inwards at the grid ends). It passes through every grid value,
 * reproduces any quartic exactly, and its error is O(h⁵ f⁽⁵⁾); where the stencil switches (half-way
 * between grid points) the pieces differ by that error. Grids may be non-uniform.
 */

/** First index of the 5-point stencil centred on grid index `center`, shifted inwards at the ends. */
export function quarticStencilStart(gridLength: number, center: number): number {
  return Math.min(Math.max(center - 2, 0), gridLength - 5);
}

/** A quartic in the local variable t = (x − origin)/scale: Σ_k coefficients[k] t^k. */
export interface LocalQuartic {
  origin: number;
  scale: number;
  coefficients: Float64Array;
}

/** The quartic through (xs[s + k], ys[s + k]), k = 0..4, centred on xs[s + 2]. */
export function quarticThroughStencil(xs: ArrayLike<number>, ys: ArrayLike<number>, s: number): LocalQuartic {
  const origin = xs[s + 2],
    scale = xs[s + 4] - xs[s] || 1;
  const t = new Float64Array(5),
    dd = new Float64Array(5);
  for (let k = 0; k < 5; k++) {
    t[k] = (xs[s + k] - origin) / scale;
    dd[k] = ys[s + k];
  }
  // Newton divided differences, then expand Σ dd[k] Π_{m<k} (t − t_m) into monomials
  for (let level = 1; level < 5; level++)
    for (let k = 4; k >= level; k--) dd[k] = (dd[k] - dd[k - 1]) / (t[k] - t[k - level]);
  const c = new Float64Array(5),
    basis = new Float64Array(5);
  basis[0] = 1;
  for (let k = 0; k < 5; k++) {
    for (let p = 0; p <= k; p++) c[p] += dd[k] * basis[p];
    // basis ← basis · (t − t_k)
    for (let p = k + 1; p >= 1; p--) basis[p] = basis[p - 1] - t[k] * basis[p];
    basis[0] = -t[k] * basis[0];
  }
  return { origin, scale, coefficients: c };
}

/** Value of a local quartic at x. */
export function evaluateQuartic(q: LocalQuartic, x: number): number {
  const t = (x - q.origin) / q.scale,
    c = q.coefficients;
  return c[0] + t * (c[1] + t * (c[2] + t * (c[3] + t * c[4])));
}

/** d/dx of a local quartic at x. */
export function quarticDerivative(q: LocalQuartic, x: number): number {
  const t = (x - q.origin) / q.scale,
    c = q.coefficients;
  return (c[1] + t * (2 * c[2] + t * (3 * c[3] + t * 4 * c[4]))) / q.scale;
}

/** Index of the grid point nearest x (xs increasing). */
export function nearestGridIndex(xs: ArrayLike<number>, x: number): number {
  let lo = 0,
    hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  return x - xs[lo] <= xs[hi] - x ? lo : hi;
}

/** The local-quartic interpolant of (xs, ys) at x inside [xs[0], xs[n−1]]. */
export function interpolateQuartic(xs: ArrayLike<number>, ys: ArrayLike<number>, x: number): number {
  const n = xs.length;
  if (n < 5) throw new NsbiInputError(`interpolateQuartic: needs at least 5 grid points, got ${n}`);
  if (!(x >= xs[0] && x <= xs[n - 1]))
    throw new NsbiInputError(`interpolateQuartic: x = ${x} outside the grid [${xs[0]}, ${xs[n - 1]}]`);
  return evaluateQuartic(quarticThroughStencil(xs, ys, quarticStencilStart(n, nearestGridIndex(xs, x))), x);
}

/** A minimum of the interpolant near a grid minimum. */
export interface QuarticMinimum {
  x: number;
  value: number;
  /** the stencil used */
  quartic: LocalQuartic;
  /** first index of that stencil */
  stencilStart: number;
}

/**
 * The minimum of the local quartic centred on grid index `center` (normally the grid's arg-min) over
 * [xs[center − 1], xs[center + 1]] (clipped to the grid): the continuous minimum between the grid
 * points around the smallest grid value. Only ys at the stencil's 5 points are read.
 */
export function quarticMinimumNear(xs: ArrayLike<number>, ys: ArrayLike<number>, center: number): QuarticMinimum {
  const n = xs.length;
  if (n < 5) throw new NsbiInputError(`quarticMinimumNear: needs at least 5 grid points, got ${n}`);
  const s = quarticStencilStart(n, center),
    q = quarticThroughStencil(xs, ys, s);
  const lo = xs[Math.max(center - 1, 0)],
    hi = xs[Math.min(center + 1, n - 1)];
  let bestX = xs[center],
    bestV = ys[center];
  const consider = (x: number) => {
    const v = evaluateQuartic(q, x);
    if (v < bestV) {
      bestV = v;
      bestX = x;
    }
  };
  consider(lo);
  consider(hi);
  // critical points: sign changes of the derivative on 16 sub-intervals, refined by bisection
  const parts = 16;
  let xa = lo,
    da = quarticDerivative(q, xa);
  for (let p = 1; p <= parts; p++) {
    const xb = lo + ((hi - lo) * p) / parts,
      db = quarticDerivative(q, xb);
    if (da < 0 && db >= 0) {
      let a = xa,
        b = xb;
      for (let it = 0; it < 100 && b - a > 1e-15 * (Math.abs(a) + Math.abs(b) + 1e-300); it++) {
        const m = 0.5 * (a + b);
        if (quarticDerivative(q, m) < 0) a = m;
        else b = m;
      }
      consider(0.5 * (a + b));
    }
    xa = xb;
    da = db;
  }
  return { x: bestX, value: bestV, quartic: q, stencilStart: s };
}
