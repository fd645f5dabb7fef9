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
 * θ rows are float64 and z-scored in float64 before the float32 network sees them. Beyond the
 * range of the training θ (a model's `thetaRange`) log r is held at its value on the range's edge.
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
  const range = ratio.network.config.thetaRange;
  if (!range)
    return priorPlusDataPotential(prior, {
      logDensity: (theta, m, out) => ratio.logRatioIid(obs, N, theta, m, out),
      gradient: (theta, m, outLog, outGrad) => ratio.logRatioIidGradient(obs, N, theta, m, outLog, outGrad),
    });
  // Outside the training θ the classifier only extrapolates, and a ReLU logit grows linearly
  // without bound: with a heavy-tailed prior (LogNormal: log p ~ −(log θ)²) log r + log p(θ) was
  // then not normalizable, chains ran off to θ ~ 1e37 and the float32 network returned NaN
  // (lotka_volterra, issue #11). Held constant beyond the range, log r is bounded and the
  // potential's tails are the prior's.
  const { min, max } = range;
  let clamped = new Float64Array(0);
  const clamp = (theta: Float64Array, m: number): Float64Array => {
    if (clamped.length < m * P) clamped = new Float64Array(m * P);
    for (let i = 0; i < m * P; i++) {
      const j = i % P;
      clamped[i] = Math.min(max[j], Math.max(min[j], theta[i]));
    }
    return clamped.subarray(0, m * P);
  };
  return priorPlusDataPotential(prior, {
    logDensity: (theta, m, out) => ratio.logRatioIid(obs, N, clamp(theta, m), m, out),
    gradient: (theta, m, outLog, outGrad) => {
      ratio.logRatioIidGradient(obs, N, clamp(theta, m), m, outLog, outGrad);
      // a clamped coordinate does not move log r
      for (let i = 0; i < m * P; i++) if (clamped[i] !== theta[i]) outGrad[i] = 0;
    },
  });
}
