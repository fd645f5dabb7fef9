import { fractionNllAndGradient } from "./fraction-nll.js";
import {
  evaluateQuartic,
  quarticMinimumNear,
  quarticStencilStart,
  quarticThroughStencil,
} from "./quartic-interpolation.js";
import type { WeightedTable } from "./weighted-table.js";

/** The NLL at one signal fraction, minimised over the nuisance z. */
export interface ZProfiledNll {
  /** min_z of the local-quartic interpolant of NLL(f, z_j) */
  nll: number;
  /** the z where it is reached */
  z: number;
  /** d/df of the profiled NLL (envelope theorem: the interpolated ∂NLL/∂f at that z) */
  dNllDf: number;
  /** the grid index of the smallest NLL(f, z_j), the centre of the quartic */
  center: number;
}

/**
 * The profile of the NLL over z at signal fraction f, on the table's z grid with the paper's quartic
 * interpolation between grid points (see quartic-interpolation.ts): the grid minimum of NLL(f, z_j),
 * then the minimum of the quartic through the 5 grid points around it.
 * With hint < 0 every grid value is computed (the global grid minimum); with a hint (the centre found
 * at a nearby f) the search walks downhill from it and computes only the grid values it visits and
 * the stencil, ~7 of them instead of all: used when following a profile in small steps of f, where
 * the minimum moves by at most a grid point or two.
 */
export function nllProfiledOverZ(wt: WeightedTable, f: number, hint = -1): ZProfiledNll {
  const nz = wt.zGrid.length,
    n = wt.nActive;
  const values = new Float64Array(nz),
    gradients = new Float64Array(nz),
    done = new Uint8Array(nz),
    out = new Float64Array(2);
  const at = (j: number): number => {
    if (!done[j]) {
      fractionNllAndGradient(wt.background, wt.difference, wt.weight, j * n, n, f, out);
      values[j] = wt.offset[j] + out[0];
      gradients[j] = out[1];
      done[j] = 1;
    }
    return values[j];
  };
  let c = 0;
  if (hint < 0 || hint >= nz) {
    // the global minimum of the interpolant: the quartic minimum near every local minimum of the grid
    // values, the smallest of them (the quartic near the grid's arg-min alone can miss a lower dip
    // between grid points elsewhere, which made the profile jump as f changed)
    for (let j = 0; j < nz; j++) at(j);
    let best: { m: ReturnType<typeof quarticMinimumNear>; c: number } | null = null;
    for (let j = 0; j < nz; j++) {
      if (!Number.isFinite(values[j])) continue;
      if ((j > 0 && values[j - 1] < values[j]) || (j < nz - 1 && values[j + 1] < values[j])) continue;
      const m = quarticMinimumNear(wt.zGrid, values, j);
      if (best === null || m.value < best.m.value) best = { m, c: j };
    }
    if (best !== null) {
      const g = evaluateQuartic(quarticThroughStencil(wt.zGrid, gradients, best.m.stencilStart), best.m.x);
      return { nll: best.m.value, z: best.m.x, dNllDf: g, center: best.c };
    }
    for (let j = 1; j < nz; j++) if (values[j] < values[c]) c = j; // only non-finite values
  } else {
    c = hint;
    for (;;) {
      if (c > 0 && at(c - 1) < at(c)) c--;
      else if (c < nz - 1 && at(c + 1) < at(c)) c++;
      else break;
    }
  }
  const s = quarticStencilStart(nz, c);
  for (let k = 0; k < 5; k++) at(s + k);
  const m = quarticMinimumNear(wt.zGrid, values, c);
  const dNllDf = evaluateQuartic(quarticThroughStencil(wt.zGrid, gradients, m.stencilStart), m.x);
  return { nll: m.value, z: m.x, dNllDf, center: c };
}
