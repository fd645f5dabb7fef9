/**
 * The (p_μ, cos θ_μ) binning of the T2K CC0π 2016 Analysis I measurement, embedded for the
 * browser-safe forward model: 9 cos θ slices, each with its own p_μ edges (GeV/c); the last p_μ bin
 * of every slice reaches 30 GeV/c (the 9 "overflow" bins dropped in the 58-bin set). A Node test
 * checks these edges against the shipped release text.
 *
 * @see T2K Collaboration, Phys. Rev. D 93, 112012 (2016), data release `cross-section_analysisI.txt`
 */
import { T2K_COS_SLICE_EDGES, T2K_OVERFLOW_BINS_67 } from "./t2k-data.js";

/** p_μ edges (GeV/c) of each cos θ slice, overflow bin (to 30 GeV/c) included. */
export const T2K_P_EDGES_PER_SLICE: readonly (readonly number[])[] = Object.freeze(
  [
    [0, 0.3, 0.4, 30],
    [0, 0.3, 0.4, 0.5, 0.6, 30],
    [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 30],
    [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 30],
    [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1, 30],
    [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1, 1.5, 30],
    [0, 0.4, 0.5, 0.6, 0.7, 0.8, 1.25, 2, 30],
    [0, 0.4, 0.5, 0.6, 0.7, 0.8, 1, 1.25, 1.5, 2, 3, 30],
    [0, 0.5, 0.6, 0.7, 0.8, 1.25, 2, 3, 5, 30],
  ].map((e) => Object.freeze(e)),
);

/** Geometry of the 67 bins: edges, the bin areas Δp·Δcos, the 58-bin map. */
export interface T2kBinning {
  pLow: Float64Array;
  pHigh: Float64Array;
  cosLow: Float64Array;
  cosHigh: Float64Array;
  /** Δp · Δcos per 67-bin, (GeV/c). */
  area: Float64Array;
  /** 67-bin index of each of the 58 bins. */
  index58To67: Int32Array;
  /** First 67-bin index of each slice (length 10). */
  sliceStart67: Int32Array;
}

function build(): T2kBinning {
  const pLow: number[] = [],
    pHigh: number[] = [],
    cosLow: number[] = [],
    cosHigh: number[] = [],
    start: number[] = [];
  T2K_P_EDGES_PER_SLICE.forEach((e, s) => {
    start.push(pLow.length);
    for (let k = 0; k + 1 < e.length; k++) {
      pLow.push(e[k]);
      pHigh.push(e[k + 1]);
      cosLow.push(T2K_COS_SLICE_EDGES[s]);
      cosHigh.push(T2K_COS_SLICE_EDGES[s + 1]);
    }
  });
  start.push(pLow.length);
  const area = Float64Array.from(pLow, (lo, i) => (pHigh[i] - lo) * (cosHigh[i] - cosLow[i]));
  const idx = Int32Array.from(
    Array.from({ length: pLow.length }, (_, i) => i).filter((i) => !T2K_OVERFLOW_BINS_67.includes(i)),
  );
  return {
    pLow: Float64Array.from(pLow),
    pHigh: Float64Array.from(pHigh),
    cosLow: Float64Array.from(cosLow),
    cosHigh: Float64Array.from(cosHigh),
    area,
    index58To67: idx,
    sliceStart67: Int32Array.from(start),
  };
}

/** The Analysis I binning (67 bins). */
export const T2K_BINNING: Readonly<T2kBinning> = Object.freeze(build());

/**
 * 67-bin index of a muon with momentum p (GeV/c) and cos θ, or -1 outside [0, 30) × [−1, 1].
 * Edges are half-open [low, high), except cos θ = 1 which belongs to the last slice.
 */
export function t2kBinIndex67(p: number, cos: number): number {
  if (!(p >= 0 && p < 30 && cos >= -1 && cos <= 1)) return -1;
  let s = 0;
  const ce = T2K_COS_SLICE_EDGES;
  while (s < 8 && cos >= ce[s + 1]) s++;
  const e = T2K_P_EDGES_PER_SLICE[s];
  let k = 0;
  while (k + 2 < e.length && p >= e[k + 1]) k++;
  return T2K_BINNING.sliceStart67[s] + k;
}
