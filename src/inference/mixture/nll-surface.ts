import { NsbiInputError } from "../../errors.js";
import { fractionNll } from "./fraction-nll.js";
import {
  evaluateQuartic,
  nearestGridIndex,
  quarticStencilStart,
  quarticThroughStencil,
} from "./quartic-interpolation.js";
import { signalFraction } from "./signal-fraction.js";
import type { WeightedTable } from "./weighted-table.js";

/** NLL values on a (μ, z) grid, row-major [μ index · z.length + z index]. */
export interface NllSurface {
  mu: Float64Array;
  z: Float64Array;
  nll: Float64Array;
}

/** Options of nllSurface. */
export interface NllSurfaceOptions {
  /** the μ values (any order, each ≥ 0) */
  mu: ArrayLike<number>;
  /** first z-grid index of the window (default 0) */
  zFrom?: number;
  /** one past the last z-grid index of the window (default: the grid's length); at least 5 values */
  zTo?: number;
  /**
   * grid steps between z-grid values (default 1: the table's grid): with s > 1, s − 1 values are
   * inserted between neighbours by the local-quartic interpolation along z of each μ row
   */
  zSubdivisions?: number;
}

/**
 * The exact NLL at each μ and table z in a window, optionally refined along z by the local-quartic
 * interpolation of the profile (the same interpolation the fits use): the input of ΔNLL contours and
 * of the overlap metric. Costs one log per event, μ value and z-grid value in the window.
 */
export function nllSurface(wt: WeightedTable, opts: NllSurfaceOptions): NllSurface {
  const nzAll = wt.zGrid.length,
    zFrom = opts.zFrom ?? 0,
    zTo = opts.zTo ?? nzAll,
    sub = opts.zSubdivisions ?? 1,
    n = wt.nActive;
  if (!(Number.isInteger(zFrom) && Number.isInteger(zTo) && zFrom >= 0 && zTo <= nzAll && zTo - zFrom >= 5))
    throw new NsbiInputError(
      `nllSurface: z window [${zFrom}, ${zTo}) must hold at least 5 of the ${nzAll} grid values`,
    );
  if (!(Number.isInteger(sub) && sub >= 1))
    throw new NsbiInputError(`nllSurface: zSubdivisions must be a positive integer, got ${sub}`);
  const mu = Float64Array.from(opts.mu);
  for (const m of mu) if (!(m >= 0)) throw new NsbiInputError(`nllSurface: μ values must be ≥ 0, got ${m}`);
  const nMu = mu.length,
    nzWin = zTo - zFrom,
    zWin = wt.zGrid.subarray(zFrom, zTo);
  const raw = new Float64Array(nMu * nzWin);
  for (let a = 0; a < nMu; a++) {
    const f = signalFraction(mu[a]);
    for (let j = 0; j < nzWin; j++) {
      const jj = zFrom + j;
      raw[a * nzWin + j] = wt.offset[jj] + fractionNll(wt.background, wt.difference, wt.weight, jj * n, n, f);
    }
  }
  if (sub === 1) return { mu, z: Float64Array.from(zWin), nll: raw };
  const nzFine = (nzWin - 1) * sub + 1,
    z = new Float64Array(nzFine);
  for (let j = 0; j < nzWin - 1; j++)
    for (let s = 0; s < sub; s++) z[j * sub + s] = zWin[j] + ((zWin[j + 1] - zWin[j]) * s) / sub;
  z[nzFine - 1] = zWin[nzWin - 1];
  const nll = new Float64Array(nMu * nzFine);
  // the stencil of each fine z depends only on z: compute each distinct stencil's quartic per row
  const stencil = new Int32Array(nzFine);
  for (let t = 0; t < nzFine; t++) stencil[t] = quarticStencilStart(nzWin, nearestGridIndex(zWin, z[t]));
  for (let a = 0; a < nMu; a++) {
    const row = raw.subarray(a * nzWin, (a + 1) * nzWin);
    let lastStart = -1,
      q = quarticThroughStencil(zWin, row, 0);
    for (let t = 0; t < nzFine; t++) {
      if (t % sub === 0) {
        nll[a * nzFine + t] = row[t / sub]; // grid values exactly
        continue;
      }
      if (stencil[t] !== lastStart) {
        lastStart = stencil[t];
        q = quarticThroughStencil(zWin, row, lastStart);
      }
      nll[a * nzFine + t] = evaluateQuartic(q, z[t]);
    }
  }
  return { mu, z, nll };
}
