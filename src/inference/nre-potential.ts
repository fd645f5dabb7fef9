import { NsbiInputError } from "../errors.js";
import type { Prior } from "../flows/priors/prior.js";
import type { Potential } from "./mcmc/potential.js";
import type { NreRatio } from "./nre-ratio.js";
import { priorPlusDataPotential } from "./iid-potential.js";

export interface NrePotentialOptions {
  /** The trained ratio r(x, θ) = p(x | θ)/p(x). */
  ratio: NreRatio;
  /** Default: the ratio's own prior. */
  prior?: Prior;
  /** N iid observations [N, xDim] (one row = one event or trial). */
  observations: ArrayLike<number>;
}

/**
 * The unnormalised log posterior Σ_i log r(x_i, θ) + log p(θ) of N iid observations (sbi's
 * RatioBasedPotential), batched over the rows (chains) the sampler passes, with its gradient
 * for HMC (the classifier's by backpropagation, the prior's in closed form). The observations
 * are embedded once; rows outside the prior's support get −Infinity without a network pass.
 * θ rows are float64 and z-scored in float64 before the float32 network sees them.
 */
export function nrePotential(o: NrePotentialOptions): Potential {
  const ratio = o.ratio,
    prior = o.prior ?? ratio.prior;
  if (!prior) throw new NsbiInputError("nrePotential: the ratio has no prior; pass one as `prior`");
  const P = ratio.thetaDim,
    D = ratio.xDim;
  if (prior.dim !== P) throw new NsbiInputError(`prior: dimension ${prior.dim}, expected ${P} (the ratio's θ)`);
  const xo = o.observations;
  if (xo.length === 0 || xo.length % D !== 0)
    throw new NsbiInputError(`observations: ${xo.length} values, expected rows of ${D} (xDim)`);
  const N = xo.length / D;
  const obs = ratio.embedObservations(xo, N, "observations");
  return priorPlusDataPotential(prior, {
    logDensity: (theta, m, out) => ratio.logRatioIid(obs, N, theta, m, out),
    gradient: (theta, m, outLog, outGrad) => ratio.logRatioIidGradient(obs, N, theta, m, outLog, outGrad),
  });
}
