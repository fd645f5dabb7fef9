import type { Prior } from "../../flows/priors/prior.js";

/** A chain that must not be trusted, with the reason in words. */
export interface StuckChain {
  chain: number;
  reason: string;
}

/**
 * Chains that never moved in some dimension during sampling (zero acceptance for HMC, a collapsed
 * slice for the slice sampler), and among them those sitting on a finite prior bound. A healthy
 * chain of a continuous target moves in every dimension on every accepted step, so any dimension
 * with a zero range over the kept draws is reported. (A stuck chain also spoils R̂ when there are
 * several chains, but with one chain it would pass silently.)
 *
 * @param draws chains × drawsPerChain × dim
 * @param accepted per chain, accepted trajectories (HMC) or null (slice)
 */
export function findStuckChains(
  draws: Float64Array,
  chains: number,
  drawsPerChain: number,
  prior: Prior,
  accepted: Int32Array | null,
): StuckChain[] {
  const D = prior.dim,
    S = drawsPerChain,
    out: StuckChain[] = [];
  if (S < 2) return out;
  for (let c = 0; c < chains; c++) {
    const frozen: number[] = [];
    for (let j = 0; j < D; j++) {
      const first = draws[c * S * D + j];
      let moved = false;
      for (let t = 1; t < S && !moved; t++) moved = draws[(c * S + t) * D + j] !== first;
      if (!moved) frozen.push(j);
    }
    if (frozen.length === 0 && !(accepted !== null && accepted[c] === 0)) continue;
    const atBound: string[] = [];
    for (const j of frozen) {
      const v = draws[c * S * D + j],
        lo = prior.lower[j],
        hi = prior.upper[j];
      const tol = 1e-6 * (Number.isFinite(hi - lo) ? hi - lo : Math.max(1, Math.abs(v)));
      if (Number.isFinite(lo) && Math.abs(v - lo) <= tol) atBound.push(`θ${j} = ${v} at the lower bound ${lo}`);
      else if (Number.isFinite(hi) && Math.abs(v - hi) <= tol) atBound.push(`θ${j} = ${v} at the upper bound ${hi}`);
    }
    const parts: string[] = [];
    if (accepted !== null && accepted[c] === 0) parts.push("accepted no proposal");
    if (frozen.length > 0) parts.push(`did not move in ${frozen.map((j) => `θ${j}`).join(", ")} over ${S} draws`);
    if (atBound.length > 0) parts.push(`stuck at the prior boundary (${atBound.join("; ")})`);
    out.push({ chain: c, reason: parts.join("; ") });
  }
  return out;
}
