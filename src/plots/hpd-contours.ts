/**
 * 2-D highest-posterior-density contours of samples: a binned Gaussian kernel density estimate
 * (2-D histogram + Gaussian smoothing with Scott's bandwidth) and its iso-lines at the density
 * levels enclosing given probability masses.
 */

import { NsbiInputError } from "../errors.js";
import { histogram2d } from "./histogram.js";
import { gaussianSmooth2d, hpdThresholds } from "./hpd.js";
import { isolines, type Grid, type Polyline } from "./contours.js";
import type { Numbers } from "./plot-spec.js";
import { meanStd } from "./stats.js";

/** Sample standard deviation of the finite values (0 with fewer than two). */
const sd = (v: Numbers) => {
  const s = meanStd(v).std;
  return Number.isFinite(s) ? s : 0;
};

/** Options of {@link hpdContours}. */
export interface HpdContourOptions {
  /** Grid bins per axis (default 64). */
  bins?: number;
  /** Multiplies the bandwidth: Scott's σ·n^(-1/6), capped at 2·(n/10⁴)^(-1/6) grid cells (default 1; 0 = no smoothing). */
  smoothing?: number;
}

/** Contours of one mass level. */
export interface HpdContour {
  level: number;
  threshold: number;
  lines: Polyline[];
}

/**
 * The smoothed density grid of the pairs (x[i], y[i]) over the given ranges.
 */
export function densityGrid(
  x: Numbers,
  y: Numbers,
  xRange: [number, number],
  yRange: [number, number],
  opts: HpdContourOptions = {},
): Grid {
  const bins = opts.bins ?? 64;
  const smoothing = opts.smoothing ?? 1;
  if (!(smoothing >= 0)) throw new NsbiInputError(`smoothing: expected a non-negative factor, got ${smoothing}`);
  const h = histogram2d(x, y, xRange, yRange, bins, bins);
  const dx = (xRange[1] - xRange[0]) / bins,
    dy = (yRange[1] - yRange[0]) / bins;
  const nFactor = Math.max(x.length, 2) ** (-1 / 6);
  // Scott's bandwidth, in grid cells, but never wider than 2 cells at n = 10,000 (scaled like
  // Scott's n^(-1/6)): with several modes the global σ is dominated by their separation and would
  // blur thin structures (e.g. two_moons' crescents) into round blobs
  const cap = 2 * 10_000 ** (1 / 6) * nFactor;
  const cells = (s: number, d: number) => Math.min((s * nFactor) / d, cap) * smoothing;
  const values = gaussianSmooth2d(h.counts, bins, bins, cells(sd(x), dx), cells(sd(y), dy));
  return { values, nx: bins, ny: bins, x0: xRange[0], y0: yRange[0], dx, dy };
}

/**
 * HPD contours of 2-D samples: for each mass level (e.g. 0.68 and 0.95) the closed lines around
 * the smallest region of the smoothed density that holds that mass.
 * @param levels - mass fractions in (0, 1)
 */
export function hpdContours(
  x: Numbers,
  y: Numbers,
  xRange: [number, number],
  yRange: [number, number],
  levels: readonly number[],
  opts: HpdContourOptions = {},
): HpdContour[] {
  const grid = densityGrid(x, y, xRange, yRange, opts);
  const thresholds = hpdThresholds(grid.values, levels);
  return levels.map((level, k) => ({ level, threshold: thresholds[k], lines: isolines(grid, thresholds[k]) }));
}
