import { NsbiInputError } from "../../errors.js";
import { nllSurface } from "./nll-surface.js";
import type { ProfileLikelihoodFit } from "./profile-likelihood.js";
import type { WeightedTable } from "./weighted-table.js";

/**
 * ΔNLL levels of 2-D confidence regions for (μ, z): half the χ²₂ quantiles at 68.27% and 95.45%
 * (2.30/2, 6.18/2), the contours of the paper's Fig. 6.
 */
export const CONTOUR_LEVELS_2D: readonly number[] = [1.15, 3.09];

/** A ΔNLL grid over (μ, z) with the levels to draw. */
export interface DeltaNllContours {
  mu: Float64Array;
  z: Float64Array;
  /** NLL − the fit's minimum, row-major [μ index · z.length + z index] (≥ 0 up to interpolation) */
  deltaNll: Float64Array;
  levels: readonly number[];
  /** the fit's minimum (μ̂, ẑ) */
  best: { mu: number; z: number };
}

/** Options of deltaNllContours. */
export interface DeltaNllContoursOptions {
  /** μ points (default 61) */
  muPoints?: number;
  /** the μ range is μ̂ ± this many μ-interval half-widths (default 4: the 3.09 contour reaches ≈ 2.5) */
  muHalfWidths?: number;
  /** z-grid values kept: those whose profile ΔNLL is below this, plus 2 each side (default 8) */
  zMaxDeltaNll?: number;
  /** grid steps between table z values by quartic interpolation (default 4) */
  zSubdivisions?: number;
}

/**
 * The ΔNLL surface around a profile fit, for a plot of the 2-D contours at ΔNLL = 1.15 and 3.09: exact in
 * μ, quartic-interpolated along z between the table's grid values (see nllSurface).
 */
export function deltaNllContours(
  wt: WeightedTable,
  fit: ProfileLikelihoodFit,
  opts: DeltaNllContoursOptions = {},
): DeltaNllContours {
  const muPoints = opts.muPoints ?? 61,
    k = opts.muHalfWidths ?? 4,
    zMax = opts.zMaxDeltaNll ?? 8;
  if (!(Number.isInteger(muPoints) && muPoints >= 2))
    throw new NsbiInputError(`deltaNllContours: muPoints must be an integer ≥ 2, got ${muPoints}`);
  const { muInterval } = fit,
    muHat = fit.mu;
  const below = muHat - muInterval.lower,
    above = muInterval.upper - muHat;
  const half = Number.isFinite(above) && above > 0 ? above : below > 0 ? below : Math.max(muHat, 1e-3);
  const from = Math.max(0, muHat - k * (below > 0 ? below : half)),
    to = muHat + k * (Number.isFinite(above) && above > 0 ? above : half);
  const mu = new Float64Array(muPoints);
  for (let i = 0; i < muPoints; i++) mu[i] = from + ((to - from) * i) / (muPoints - 1);
  const { zFrom, zTo } = zWindow(fit.zProfile.nll, fit.nll + zMax);
  const surface = nllSurface(wt, { mu, zFrom, zTo, zSubdivisions: opts.zSubdivisions ?? 4 });
  const deltaNll = surface.nll.map((v) => v - fit.nll);
  return { mu, z: surface.z, deltaNll, levels: CONTOUR_LEVELS_2D, best: { mu: fit.mu, z: fit.z } };
}

/**
 * The z-grid window [zFrom, zTo) holding every grid value whose profile NLL is below `threshold`, widened
 * by 2 grid values each side (so the quartic stencils inside stay centred) and to at least 5 values.
 */
export function zWindow(profileNll: ArrayLike<number>, threshold: number): { zFrom: number; zTo: number } {
  const nz = profileNll.length;
  let first = -1,
    last = -1;
  for (let j = 0; j < nz; j++)
    if (profileNll[j] < threshold) {
      if (first < 0) first = j;
      last = j;
    }
  if (first < 0) {
    let j0 = 0;
    for (let j = 1; j < nz; j++) if (profileNll[j] < profileNll[j0]) j0 = j;
    first = last = j0;
  }
  let zFrom = Math.max(0, first - 2),
    zTo = Math.min(nz, last + 3);
  while (zTo - zFrom < 5) {
    if (zFrom > 0) zFrom--;
    if (zTo - zFrom < 5 && zTo < nz) zTo++;
  }
  return { zFrom, zTo };
}
