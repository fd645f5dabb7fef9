import { NsbiInputError } from "../../errors.js";
import {
  evaluateQuartic,
  nearestGridIndex,
  quarticDerivative,
  quarticStencilStart,
  quarticThroughStencil,
} from "../../inference/mixture/quartic-interpolation.js";

/**
 * The per-z normalisation of a classifier's log-ratio. A true ratio r_c(x, z) = p_c(x | z)/q(x) satisfies
 * E_{x~q}[r_c(x, z)] = 1 at every z; a trained classifier does not, and nothing in its loss makes it:
 * log E_q[r̂_c(·, z)] drifts with z by a few hundredths. That drift is an x-independent term g(z) in every
 * event's log r̂, so a data set of M events gains M·g(z) in its log-likelihood — over 1000 events a slope
 * of 0.1 per radian moves ẑ by several standard errors (measured: it was the whole of LRE's z bias toward
 * z0, see docs/mixture-models.md, "Normalising the classifiers"). DLE's flows are normalised at every z
 * by construction and need none of this.
 *
 * The fix: estimate log E_q[r̂_c(·, z)] on a grid of z from a fresh calibration sample of q (the reference
 * distribution, ½ p_sig(· | z0) + ½ p_back(· | z0)) and subtract its interpolant. The same calibration
 * events serve every z, so the Monte-Carlo error of the curve is smooth in z.
 */
export interface LreNormalization {
  /** Grid ends: the z range the classifier was trained on. */
  zRange: [number, number];
  /** log E_q[r̂(·, z_j)] at gridSize equally spaced z_j from zRange[0] to zRange[1]. */
  logMeanRatio: number[];
}

/** Defaults of the normalisation step (trainLre). */
export const LRE_NORMALIZATION_DEFAULTS = {
  /** z values of the grid (a local quartic interpolates between them: error O(h⁵)). */
  gridSize: 33,
} as const;

/**
 * log E_q[exp(logRatio(x, z))] on a grid of z, from calibration events x ~ q (row-major, xDim columns).
 * @param logRatio the classifier's class-prior-corrected log-ratio per event at one z
 */
export function estimateLreNormalization(opts: {
  logRatio: (events: Float64Array, n: number, z: number) => Float64Array;
  calibration: { x: Float64Array; n: number };
  zRange: readonly [number, number];
  gridSize?: number;
}): LreNormalization {
  const size = opts.gridSize ?? LRE_NORMALIZATION_DEFAULTS.gridSize;
  if (!Number.isInteger(size) || size < 5 || size > 10_001)
    throw new NsbiInputError(`LRE normalization gridSize must be an integer in [5, 10001], got ${size}`);
  const [lo, hi] = opts.zRange;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi))
    throw new NsbiInputError(`LRE normalization: zRange must be finite with low < high, got [${lo}, ${hi}]`);
  const n = opts.calibration.n;
  if (!Number.isInteger(n) || n < 1) throw new NsbiInputError(`LRE normalization: needs calibration events, got ${n}`);
  const logMeanRatio: number[] = [];
  for (let j = 0; j < size; j++) {
    const z = lo + ((hi - lo) * j) / (size - 1);
    const v = logMeanExp(opts.logRatio(opts.calibration.x, n, z));
    if (!Number.isFinite(v))
      throw new NsbiInputError(`LRE normalization: log E_q[r̂] at z = ${z} is ${v} (the classifier is not finite)`);
    logMeanRatio.push(v);
  }
  return { zRange: [lo, hi], logMeanRatio };
}

/** log of the mean of exp(v), without overflow. */
function logMeanExp(v: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < v.length; i++) if (v[i] > max) max = v[i];
  if (!Number.isFinite(max)) return max;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.exp(v[i] - max);
  return max + Math.log(s / v.length);
}

/**
 * The interpolated normalisation log E_q[r̂(·, z)] and its z-derivative. Outside the grid (a fit that
 * steps past the training range) it continues linearly with the end slope.
 */
export function lreNormalizationAt(norm: LreNormalization, z: number): { value: number; derivative: number } {
  const ys = norm.logMeanRatio,
    [lo, hi] = norm.zRange,
    size = ys.length;
  const xs = gridOf(norm);
  const zc = Math.min(Math.max(z, lo), hi);
  const q = quarticThroughStencil(xs, ys, quarticStencilStart(size, nearestGridIndex(xs, zc)));
  const derivative = quarticDerivative(q, zc);
  return { value: evaluateQuartic(q, zc) + (z - zc) * derivative, derivative };
}

const grids = new WeakMap<LreNormalization, Float64Array>();

/** The grid's z values (cached per normalisation). */
function gridOf(norm: LreNormalization): Float64Array {
  let xs = grids.get(norm);
  if (!xs) {
    const [lo, hi] = norm.zRange,
      size = norm.logMeanRatio.length;
    xs = new Float64Array(size);
    for (let j = 0; j < size; j++) xs[j] = lo + ((hi - lo) * j) / (size - 1);
    grids.set(norm, xs);
  }
  return xs;
}
