import { NsbiInputError } from "../../errors.js";

/**
 * A regular grid of histogram bins over a box in `dim` dimensions: axis a runs from min[a] to max[a]
 * in bins[a] equal bins. Bins are numbered row-major (the last axis fastest), so a 2-D grid's bin
 * (i, j) is i·bins[1] + j.
 */
export interface HistogramGrid {
  min: number[];
  max: number[];
  bins: number[];
}

/** Total number of bins of a grid. */
export function gridBinCount(grid: HistogramGrid): number {
  return grid.bins.reduce((a, b) => a * b, 1);
}

/** Throws NsbiInputError naming `where` unless the grid is well formed. */
export function checkHistogramGrid(grid: HistogramGrid, where = "grid"): void {
  if (grid === null || typeof grid !== "object")
    throw new NsbiInputError(`${where}: expected an object { min, max, bins }`);
  const { min, max, bins } = grid;
  if (!Array.isArray(min) || !Array.isArray(max) || !Array.isArray(bins) || min.length < 1)
    throw new NsbiInputError(`${where}: min, max and bins must be arrays with one entry per axis`);
  if (max.length !== min.length || bins.length !== min.length)
    throw new NsbiInputError(
      `${where}: min, max and bins must have the same length, got ${min.length}, ${max.length}, ${bins.length}`,
    );
  for (let a = 0; a < min.length; a++) {
    if (!Number.isFinite(min[a]) || !Number.isFinite(max[a]) || !(max[a] > min[a]))
      throw new NsbiInputError(`${where}: axis ${a} needs finite min < max, got [${min[a]}, ${max[a]}]`);
    if (!Number.isInteger(bins[a]) || bins[a] < 1)
      throw new NsbiInputError(`${where}: bins[${a}] must be a positive integer, got ${bins[a]}`);
  }
}

/** A histogram of points and how many fell outside the grid. */
export interface HistogramCounts {
  /** Count per bin (row-major bin order). */
  counts: Float64Array;
  /** Points outside the grid's box (not counted in any bin). */
  outside: number;
}

/**
 * Count points (n rows × dim, row-major) per bin. A point on an upper edge of the box goes into the
 * last bin of that axis (the box is closed, as a truncated density's region is); points outside the
 * box, or with a non-finite coordinate, are counted in `outside`.
 */
export function histogramCounts(grid: HistogramGrid, points: ArrayLike<number>): HistogramCounts {
  checkHistogramGrid(grid);
  const D = grid.min.length;
  if (points.length % D !== 0)
    throw new NsbiInputError(`points: expected n rows × ${D} values, got length ${points.length}`);
  const counts = new Float64Array(gridBinCount(grid));
  let outside = 0;
  const n = points.length / D;
  for (let i = 0; i < n; i++) {
    let index = 0,
      inside = true;
    for (let a = 0; a < D && inside; a++) {
      const x = points[i * D + a],
        lo = grid.min[a],
        hi = grid.max[a],
        nb = grid.bins[a];
      if (!(x >= lo && x <= hi)) inside = false;
      else index = index * nb + Math.min(nb - 1, Math.floor(((x - lo) / (hi - lo)) * nb));
    }
    if (inside) counts[index]++;
    else outside++;
  }
  return { counts, outside };
}
