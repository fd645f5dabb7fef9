import { NsbiInputError } from "../../errors.js";

/** The overlap metric of an estimated and a true likelihood on a (μ, z) grid. */
export interface LikelihoodOverlap {
  /** over μ, z summed (marginalised) */
  mu: number;
  /** over z, μ summed */
  z: number;
  /** over the (μ, z) grid */
  total: number;
}

/** Options of likelihoodOverlap. */
export interface LikelihoodOverlapOptions {
  /** NLL of the estimated likelihood (ratio) on the grid, row-major [μ index · nZ + z index] */
  estimated: ArrayLike<number>;
  /** NLL of the true likelihood on the same grid */
  reference: ArrayLike<number>;
  nMu: number;
  nZ: number;
}

/**
 * The overlap metric (Sluijter, Diefenbacher, Bhimji, Nachman 2025, eqs. 8–10):
 *   o = 1 − ½ Σ_{θ∈Θ} |p̂_norm(θ) − p_norm(θ)|,  p_norm(θ) = p(θ) / Σ_{θ'∈Θ} p(θ'),  p ∝ exp(−NLL)
 * (the paper's "p = e^{−LL}" read as exp(−NLL), the only reading that makes p a likelihood). Θ is the
 * μ grid (z summed), the z grid (μ summed) or the (μ, z) grid. Normalising over Θ cancels any
 * θ-independent constant, so an NLL relative to a reference density (a likelihood ratio) compares
 * directly with a true NLL. o = 1 for equal likelihoods, 0 for disjoint ones; it is 1 minus the total
 * variation distance of the two normalised grid distributions. +∞ NLL is p = 0.
 */
export function likelihoodOverlap(opts: LikelihoodOverlapOptions): LikelihoodOverlap {
  const { nMu, nZ } = opts;
  const size = nMu * nZ;
  if (!(Number.isInteger(nMu) && Number.isInteger(nZ) && nMu >= 1 && nZ >= 1))
    throw new NsbiInputError(`likelihoodOverlap: nMu and nZ must be positive integers, got ${nMu} and ${nZ}`);
  if (opts.estimated.length !== size || opts.reference.length !== size)
    throw new NsbiInputError(
      `likelihoodOverlap: ${opts.estimated.length} estimated and ${opts.reference.length} reference values for a ${nMu} × ${nZ} grid`,
    );
  const p = normalisedLikelihood(opts.estimated, "estimated"),
    q = normalisedLikelihood(opts.reference, "reference");
  let total = 0;
  for (let k = 0; k < size; k++) total += Math.abs(p[k] - q[k]);
  let mu = 0;
  for (let a = 0; a < nMu; a++) {
    let d = 0;
    for (let j = 0; j < nZ; j++) d += p[a * nZ + j] - q[a * nZ + j];
    mu += Math.abs(d);
  }
  let z = 0;
  for (let j = 0; j < nZ; j++) {
    let d = 0;
    for (let a = 0; a < nMu; a++) d += p[a * nZ + j] - q[a * nZ + j];
    z += Math.abs(d);
  }
  return { mu: 1 - 0.5 * mu, z: 1 - 0.5 * z, total: 1 - 0.5 * total };
}

/** exp(−(NLL − min NLL)), normalised to sum 1. */
function normalisedLikelihood(nll: ArrayLike<number>, name: string): Float64Array {
  let min = Infinity;
  for (let k = 0; k < nll.length; k++) {
    const v = nll[k];
    if (Number.isNaN(v) || v === -Infinity) throw new NsbiInputError(`likelihoodOverlap: ${name} NLL ${k} is ${v}`);
    if (v < min) min = v;
  }
  if (min === Infinity) throw new NsbiInputError(`likelihoodOverlap: the ${name} NLL is +∞ everywhere on the grid`);
  const p = new Float64Array(nll.length);
  let sum = 0;
  for (let k = 0; k < nll.length; k++) sum += p[k] = Math.exp(min - nll[k]);
  for (let k = 0; k < nll.length; k++) p[k] /= sum;
  return p;
}
