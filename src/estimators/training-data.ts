import { NsbiInputError } from "../errors.js";
import { warn } from "../logging.js";

/** Paired simulations, row-major: theta [n, thetaDim], x [n, xDim]. */
export interface Simulations {
  theta: Float32Array;
  x: Float32Array;
  n: number;
  thetaDim: number;
  xDim: number;
}

/**
 * Check shapes and drop rows with a NaN/Inf in theta or x (with a counted warning).
 * @param source names the data in messages (a file path or "appendSimulations").
 */
export function cleanSimulations(
  theta: Float32Array,
  x: Float32Array,
  thetaDim: number,
  source: string,
  xDim?: number,
): Simulations {
  if (!Number.isInteger(thetaDim) || thetaDim < 1)
    throw new NsbiInputError(`${source}: thetaDim must be a positive integer, got ${thetaDim}`);
  if (theta.length === 0) throw new NsbiInputError(`${source}: theta is empty`);
  if (theta.length % thetaDim !== 0)
    throw new NsbiInputError(`${source}: theta has ${theta.length} values, not a multiple of thetaDim = ${thetaDim}`);
  const n = theta.length / thetaDim;
  if (x.length === 0 || x.length % n !== 0)
    throw new NsbiInputError(`${source}: x has ${x.length} values, expected a multiple of the ${n} rows of theta`);
  const d = x.length / n;
  if (xDim !== undefined && d !== xDim)
    throw new NsbiInputError(`${source}: x has ${d} columns per row, expected ${xDim}`);
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (let j = 0; j < thetaDim && ok; j++) ok = Number.isFinite(theta[i * thetaDim + j]);
    for (let j = 0; j < d && ok; j++) ok = Number.isFinite(x[i * d + j]);
    if (ok) keep.push(i);
  }
  const dropped = n - keep.length;
  if (keep.length === 0) throw new NsbiInputError(`${source}: all ${n} simulations contain NaN or Inf`);
  if (dropped === 0) return { theta, x, n, thetaDim, xDim: d };
  warn(`${source}: dropped ${dropped} of ${n} simulations containing NaN or Inf`);
  const t = new Float32Array(keep.length * thetaDim),
    xx = new Float32Array(keep.length * d);
  keep.forEach((r, i) => {
    t.set(theta.subarray(r * thetaDim, (r + 1) * thetaDim), i * thetaDim);
    xx.set(x.subarray(r * d, (r + 1) * d), i * d);
  });
  return { theta: t, x: xx, n: keep.length, thetaDim, xDim: d };
}

/** Column means and standard deviations over the given rows (std floored for constant columns). */
export function columnStats(
  data: Float32Array,
  dim: number,
  rows: ArrayLike<number>,
): { mean: number[]; std: number[] } {
  const mean = new Float64Array(dim),
    m2 = new Float64Array(dim);
  const n = rows.length;
  for (let i = 0; i < n; i++) {
    const r = rows[i] * dim;
    for (let j = 0; j < dim; j++) {
      // Welford's update, stable for large offsets
      const v = data[r + j],
        delta = v - mean[j];
      mean[j] += delta / (i + 1);
      m2[j] += delta * (v - mean[j]);
    }
  }
  const std = Array.from(m2, (s, j) => {
    const sd = Math.sqrt(s / Math.max(1, n - 1));
    return sd > 1e-12 * Math.max(1, Math.abs(mean[j])) ? sd : 1;
  });
  return { mean: Array.from(mean), std };
}
