import { NsbiInputError } from "../../errors.js";
import { gaussLegendreRule } from "../../numerics/gauss-legendre.js";
import { checkHistogramGrid, gridBinCount, type HistogramGrid } from "./histogram-grid.js";

export interface BinQuadratureOptions {
  grid: HistogramGrid;
  /** Log density at n points (n rows × dim, row-major); −Infinity where it vanishes. */
  logDensity: (points: Float64Array) => ArrayLike<number>;
  /** Gauss–Legendre nodes per axis per bin (default 8). */
  nodesPerAxis?: number;
}

/** Bin integrals of a density and their sum. */
export interface BinIntegrals {
  /** ∫_bin density, per bin (row-major bin order). */
  integrals: Float64Array;
  /** Σ of the integrals: the density's mass inside the grid's box. */
  mass: number;
}

/**
 * The integral of a density over every bin of a grid by the tensor-product Gauss–Legendre rule
 * (nodesPerAxis^dim points per bin). For a smooth density varying on scales larger than a bin (a
 * Gaussian with σ ≳ bin width) 8 nodes per axis are exact to rounding; divide by `mass` (or use
 * binProbabilities) for the template's bin probabilities. This is the "exact" binning of a template
 * whose density is known, with no statistical uncertainty at all.
 */
export function binIntegralsByQuadrature(o: BinQuadratureOptions): BinIntegrals {
  checkHistogramGrid(o.grid);
  if (typeof o.logDensity !== "function")
    throw new NsbiInputError("logDensity: expected a function (points) => log densities");
  const q = o.nodesPerAxis ?? 8;
  const rule = gaussLegendreRule(q);
  const { min, max, bins } = o.grid,
    D = min.length,
    B = gridBinCount(o.grid),
    perBin = q ** D;
  const points = new Float64Array(B * perBin * D),
    weights = new Float64Array(B * perBin);
  const binIdx = new Int32Array(D),
    nodeIdx = new Int32Array(D);
  for (let b = 0; b < B; b++) {
    // axis indices of bin b (row-major, last axis fastest)
    for (let a = D - 1, r = b; a >= 0; a--) {
      binIdx[a] = r % bins[a];
      r = Math.floor(r / bins[a]);
    }
    for (let m = 0; m < perBin; m++) {
      for (let a = D - 1, r = m; a >= 0; a--) {
        nodeIdx[a] = r % q;
        r = Math.floor(r / q);
      }
      let w = 1;
      const row = (b * perBin + m) * D;
      for (let a = 0; a < D; a++) {
        const h = (max[a] - min[a]) / bins[a],
          lo = min[a] + binIdx[a] * h;
        points[row + a] = lo + 0.5 * h * (1 + rule.nodes[nodeIdx[a]]);
        w *= 0.5 * h * rule.weights[nodeIdx[a]];
      }
      weights[b * perBin + m] = w;
    }
  }
  const logP = o.logDensity(points);
  if (logP.length !== B * perBin)
    throw new NsbiInputError(`logDensity: returned ${logP.length} values for ${B * perBin} points`);
  const integrals = new Float64Array(B);
  let mass = 0;
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let m = 0; m < perBin; m++) {
      const lp = logP[b * perBin + m];
      if (Number.isNaN(lp) || lp === Infinity)
        throw new NsbiInputError(`logDensity: returned ${lp} in bin ${b}; expected a finite value or −Infinity`);
      s += weights[b * perBin + m] * Math.exp(lp);
    }
    integrals[b] = s;
    mass += s;
  }
  return { integrals, mass };
}
