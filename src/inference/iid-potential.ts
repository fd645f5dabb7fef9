import { NsbiInputError } from "../errors.js";
import type { Prior } from "../flows/priors/prior.js";
import type { Potential } from "./mcmc/potential.js";
import { priorGradient, type PriorGradient } from "./prior-gradient.js";

/**
 * The data term of a posterior potential for m θ rows (all inside the prior's support): a
 * network's Σ_i log q(x_i | θ) (NLE) or Σ_i log r(x_i, θ) (NRE) over the observations it holds.
 */
export interface DataTerm {
  logDensity(theta: Float64Array, m: number, out: Float64Array): void;
  /** The same and its gradient with respect to θ [m, dim] (for HMC). */
  gradient(theta: Float64Array, m: number, outLogDensity: Float64Array, outGradient: Float64Array): void;
}

/**
 * The potential log p(θ) + data term, batched over the rows (chains) a sampler passes. Rows
 * outside the prior's support get −Infinity and are not sent to the data term (no network pass);
 * the prior's gradient is taken in closed form (priorGradient).
 */
export function priorPlusDataPotential(prior: Prior, data: DataTerm): Potential {
  const P = prior.dim;
  // workspaces grow to the largest batch seen
  let inside = new Int32Array(0),
    packed = new Float64Array(0),
    term = new Float64Array(0),
    grad = new Float64Array(0);
  let gradPrior: PriorGradient | null = null;
  /** log p(θ) into out; the rows inside the support are packed into `packed`. Returns their count. */
  const gatherInside = (theta: Float64Array, n: number, out: Float64Array): number => {
    if (theta.length < n * P)
      throw new NsbiInputError(`potential: theta has ${theta.length} values, expected ${n} x ${P}`);
    if (inside.length < n) {
      inside = new Int32Array(n);
      packed = new Float64Array(n * P);
      term = new Float64Array(n);
      grad = new Float64Array(n * P);
    }
    out.set(prior.logProb(theta, n).subarray(0, n));
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (!(out[i] > -Infinity)) continue;
      packed.set(theta.subarray(i * P, (i + 1) * P), m * P);
      inside[m++] = i;
    }
    return m;
  };
  return {
    dim: P,
    logDensity(theta, n, out) {
      const m = gatherInside(theta, n, out);
      if (m === 0) return;
      data.logDensity(packed.subarray(0, m * P), m, term);
      for (let r = 0; r < m; r++) out[inside[r]] += term[r];
    },
    gradient(theta, n, outLogDensity, outGradient) {
      gradPrior ??= priorGradient(prior);
      const m = gatherInside(theta, n, outLogDensity);
      gradPrior(theta, n, outGradient);
      if (m === 0) return;
      data.gradient(packed.subarray(0, m * P), m, term, grad);
      for (let r = 0; r < m; r++) {
        const i = inside[r];
        outLogDensity[i] += term[r];
        for (let j = 0; j < P; j++) outGradient[i * P + j] += grad[r * P + j];
      }
    },
  };
}
