/**
 * 1-D and 2-D histograms with fixed, equal-width bins, normalised as counts or densities.
 */

import { NsbiInputError } from "../errors.js";
import type { Numbers } from "./plot-spec.js";

/** A 1-D histogram over `edges` (length `bins + 1`). */
export interface Histogram1d {
  edges: Float64Array;
  counts: Float64Array;
  /** counts / (total in range × bin width): integrates to 1 over the range. */
  density: Float64Array;
  /** Values that fell inside the range (non-finite values and values outside are dropped). */
  inRange: number;
}

/** Equal-width bin edges from `lo` to `hi`. */
export function binEdges(lo: number, hi: number, bins: number): Float64Array {
  if (!Number.isSafeInteger(bins) || bins < 1)
    throw new NsbiInputError(`bins: expected a positive integer, got ${bins}`);
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo))
    throw new NsbiInputError(`range: expected finite lo < hi, got [${lo}, ${hi}]`);
  const e = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) e[i] = lo + ((hi - lo) * i) / bins;
  return e;
}

/** Index of the bin of `x` in equal-width bins over [lo, hi] (the last bin is closed), or -1 outside. */
export function binIndex(x: number, lo: number, hi: number, bins: number): number {
  if (!(x >= lo && x <= hi)) return -1;
  return Math.min(bins - 1, Math.floor(((x - lo) / (hi - lo)) * bins));
}

/**
 * Histogram of `values` with `bins` equal-width bins over `range`.
 * @param weights - optional per-value weights (default 1)
 */
export function histogram1d(values: Numbers, range: [number, number], bins: number, weights?: Numbers): Histogram1d {
  const edges = binEdges(range[0], range[1], bins);
  const counts = new Float64Array(bins);
  let inRange = 0;
  for (let i = 0; i < values.length; i++) {
    const b = binIndex(values[i], range[0], range[1], bins);
    if (b < 0) continue;
    const w = weights ? weights[i] : 1;
    counts[b] += w;
    inRange += w;
  }
  const width = (range[1] - range[0]) / bins;
  const density = counts.map((c) => (inRange > 0 ? c / (inRange * width) : 0));
  return { edges, counts, density, inRange };
}

/** A 2-D histogram: `counts[iy * nx + ix]`, x bins along rows. */
export interface Histogram2d {
  nx: number;
  ny: number;
  xRange: [number, number];
  yRange: [number, number];
  counts: Float64Array;
}

/** 2-D histogram of the pairs (x[i], y[i]) with nx × ny equal-width bins; pairs outside are dropped. */
export function histogram2d(
  x: Numbers,
  y: Numbers,
  xRange: [number, number],
  yRange: [number, number],
  nx: number,
  ny: number,
): Histogram2d {
  if (x.length !== y.length) throw new NsbiInputError(`histogram2d: x has ${x.length} values but y has ${y.length}`);
  binEdges(xRange[0], xRange[1], nx);
  binEdges(yRange[0], yRange[1], ny);
  const counts = new Float64Array(nx * ny);
  for (let i = 0; i < x.length; i++) {
    const bx = binIndex(x[i], xRange[0], xRange[1], nx);
    const by = binIndex(y[i], yRange[0], yRange[1], ny);
    if (bx >= 0 && by >= 0) counts[by * nx + bx] += 1;
  }
  return { nx, ny, xRange, yRange, counts };
}

/**
 * Default bin count for `n` values: 0.6·√n, clamped to [10, 40].
 */
export function defaultBins(n: number): number {
  return Math.max(10, Math.min(40, Math.round(0.6 * Math.sqrt(n))));
}
