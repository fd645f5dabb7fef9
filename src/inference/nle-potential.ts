import { NsbiInputError } from "../errors.js";
import type { NleNetwork } from "../estimators/nle-network.js";
import type { Prior } from "../flows/priors/prior.js";
import { priorPlusDataPotential } from "./iid-potential.js";
import type { Potential } from "./mcmc/potential.js";

export interface NlePotentialOptions {
  /** The trained likelihood q(x | θ). */
  likelihood: NleNetwork;
  prior: Prior;
  /** N iid observations [N, xDim] (one row = one event or trial). */
  observations: Float32Array | Float64Array;
}

/**
 * The unnormalised log posterior Σ_i log q(x_i | θ) + log p(θ) of N iid observations (sbi's
 * LikelihoodBasedPotential), batched over the sampler's rows, with its gradient for HMC.
 */
export function nlePotential(o: NlePotentialOptions): Potential {
  const net = o.likelihood,
    D = net.xDim,
    xo = Float32Array.from(o.observations);
  if (o.prior.dim !== net.thetaDim)
    throw new NsbiInputError(`prior: dimension ${o.prior.dim}, expected ${net.thetaDim} (the likelihood's θ)`);
  if (xo.length === 0 || xo.length % D !== 0)
    throw new NsbiInputError(`observations: ${xo.length} values, expected rows of ${D} (xDim)`);
  const bad = o.observations.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new NsbiInputError(`observations: value ${bad} is ${o.observations[bad]}, expected a finite number`);
  const N = xo.length / D;
  return priorPlusDataPotential(o.prior, {
    logDensity: (theta, m, out) => net.logLikelihoodIid(xo, N, theta, m, out),
    gradient: (theta, m, outLog, outGrad) => net.gradientIid(xo, N, theta, m, outLog, outGrad),
  });
}
