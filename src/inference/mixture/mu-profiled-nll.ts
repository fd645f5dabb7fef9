import { fractionNll, minimizeFractionNll } from "./fraction-nll.js";
import type { WeightedTable } from "./weighted-table.js";

/** The NLL minimised over μ exactly at every z-grid value. */
export interface MuProfiledNll {
  /** min_μ NLL(μ, z_j), one per z-grid value */
  nll: Float64Array;
  /** the signal fraction f̂_j = μ̂_j/(1 + μ̂_j) reaching it */
  fraction: Float64Array;
  /** ∂²NLL/∂f² at (f̂_j, z_j): the conditional curvature in f */
  curvature: Float64Array;
}

/**
 * Profiles the NLL over μ at each z-grid value by exact minimisation in the signal fraction
 * f ∈ [0, fMax] (convex at fixed z; see minimizeFractionNll), warm-starting each z from its neighbour.
 */
export function nllProfiledOverMu(wt: WeightedTable, fMax: number): MuProfiledNll {
  const nz = wt.zGrid.length,
    n = wt.nActive;
  const nll = new Float64Array(nz),
    fraction = new Float64Array(nz),
    curvature = new Float64Array(nz);
  let fStart = 0.5 * fMax;
  for (let j = 0; j < nz; j++) {
    const m = minimizeFractionNll(wt.background, wt.difference, wt.weight, j * n, n, fMax, fStart);
    fraction[j] = m.fraction;
    curvature[j] = m.curvature;
    nll[j] = wt.offset[j] + fractionNll(wt.background, wt.difference, wt.weight, j * n, n, m.fraction);
    if (m.fraction > 0 && m.fraction < fMax) fStart = m.fraction;
  }
  return { nll, fraction, curvature };
}
