import { NsbiInputError } from "../errors.js";
import type { Prior } from "../flows/priors/prior.js";
import type { Potential } from "./mcmc/potential.js";
import type { NreRatio } from "./nre-ratio.js";
import { priorGradient, type PriorGradient } from "./prior-gradient.js";

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
  let inside = new Int32Array(0),
    thetaIn = new Float64Array(0),
    lr = new Float64Array(0),
    grad = new Float64Array(0);
  let gradPrior: PriorGradient | null = null;
  const ensure = (n: number) => {
    if (inside.length >= n) return;
    inside = new Int32Array(n);
    thetaIn = new Float64Array(n * P);
    lr = new Float64Array(n);
    grad = new Float64Array(n * P);
  };
  /** log p(θ) into out; the rows inside the support are gathered into thetaIn. Returns their count. */
  const gatherInside = (theta: Float64Array, n: number, out: Float64Array): number => {
    ensure(n);
    out.set(prior.logProb(theta, n).subarray(0, n));
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (!(out[i] > -Infinity)) continue;
      for (let j = 0; j < P; j++) thetaIn[m * P + j] = theta[i * P + j];
      inside[m++] = i;
    }
    return m;
  };
  return {
    dim: P,
    logDensity(theta, n, out) {
      const m = gatherInside(theta, n, out);
      if (m === 0) return;
      ratio.logRatioIid(obs, N, thetaIn.subarray(0, m * P), m, lr);
      for (let r = 0; r < m; r++) out[inside[r]] += lr[r];
    },
    gradient(theta, n, outLogDensity, outGradient) {
      gradPrior ??= priorGradient(prior);
      const m = gatherInside(theta, n, outLogDensity);
      gradPrior(theta, n, outGradient);
      if (m === 0) return;
      ratio.logRatioIidGradient(obs, N, thetaIn.subarray(0, m * P), m, lr, grad);
      for (let r = 0; r < m; r++) {
        const i = inside[r];
        outLogDensity[i] += lr[r];
        for (let j = 0; j < P; j++) outGradient[i * P + j] += grad[r * P + j];
      }
    },
  };
}
