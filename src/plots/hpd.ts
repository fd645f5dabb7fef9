/**
 * Highest-posterior-density regions on a grid: Gaussian smoothing of a 2-D histogram and the
 * density levels whose super-level sets enclose a given probability mass.
 */

import { NsbiInputError } from "../errors.js";

/**
 * Separable Gaussian smoothing of a grid `values[iy * nx + ix]`, with kernels of standard
 * deviation `sigmaX` and `sigmaY` bins (truncated at 3σ); mass pushed outside the grid is lost,
 * like zero padding.
 * @returns a new grid; zero widths leave that direction unchanged
 */
export function gaussianSmooth2d(
  values: Float64Array,
  nx: number,
  ny: number,
  sigmaX: number,
  sigmaY = sigmaX,
): Float64Array {
  if (values.length !== nx * ny)
    throw new NsbiInputError(`gaussianSmooth2d: grid has ${values.length} values, expected ${nx} × ${ny}`);
  for (const s of [sigmaX, sigmaY])
    if (!(s >= 0 && Number.isFinite(s)))
      throw new NsbiInputError(`smoothing: expected a non-negative number of bins, got ${s}`);
  const tmp = smoothAxis(values, nx, ny, sigmaX, 1, nx);
  return smoothAxis(tmp, ny, nx, sigmaY, nx, 1);
}

/** 1-D Gaussian smoothing along one axis: `n` points spaced `stride`, `m` lines spaced `lineStride`. */
function smoothAxis(
  values: Float64Array,
  n: number,
  m: number,
  sigma: number,
  stride: number,
  lineStride: number,
): Float64Array {
  if (sigma === 0) return values.slice();
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp((-0.5 * i * i) / (sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= s;
  const out = new Float64Array(values.length);
  for (let line = 0; line < m; line++) {
    const base = line * lineStride;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      const lo = Math.max(-r, -i),
        hi = Math.min(r, n - 1 - i);
      for (let d = lo; d <= hi; d++) acc += k[d + r] * values[base + (i + d) * stride];
      out[base + i * stride] = acc;
    }
  }
  return out;
}

/**
 * HPD thresholds: for each mass level (e.g. 0.68, 0.95), the grid value `t` such that the cells
 * with value ≥ `t` hold at least that fraction of the total. The cells are taken in decreasing
 * order and the threshold is the value of the cell where the cumulative mass reaches the level.
 * @param values - non-negative grid values (any normalisation)
 * @param levels - mass fractions in (0, 1)
 * @returns one threshold per level (a larger level gives a smaller threshold)
 */
export function hpdThresholds(values: Float64Array, levels: readonly number[]): number[] {
  for (const l of levels)
    if (!(l > 0 && l < 1))
      throw new NsbiInputError(`levels: expected mass fractions strictly between 0 and 1, got ${l}`);
  const sorted = Float64Array.from(values).sort().reverse();
  let total = 0;
  for (const v of sorted) {
    if (!(v >= 0)) throw new NsbiInputError(`hpdThresholds: grid values must be non-negative and finite, got ${v}`);
    total += v;
  }
  if (!(total > 0)) throw new NsbiInputError("hpdThresholds: the grid holds no mass");
  return levels.map((level) => {
    const target = level * total;
    let cum = 0;
    for (let i = 0; i < sorted.length; i++) {
      const next = cum + sorted[i];
      if (next >= target) return sorted[i];
      cum = next;
    }
    return sorted[sorted.length - 1];
  });
}
