import { NsbiInputError } from "../errors.js";
import { choleskyLower, choleskySolve } from "../numerics/cholesky.js";
import type { Prior } from "../flows/priors/prior.js";

/** Writes d log p(θ)/dθ for n rows of θ [n, dim] into out [n, dim] (rows outside the support: 0). */
export type PriorGradient = (theta: ArrayLike<number>, n: number, out: Float64Array) => void;

/**
 * The gradient of a prior's log density in closed form, from its config (the Prior interface has
 * no gradient): box uniform 0; Gaussian −(θ−μ)/σ²; multivariate Gaussian −Σ⁻¹(θ−μ) (one Cholesky
 * factorisation up front); log-normal −(1 + (log θ − μ)/σ²)/θ.
 */
export function priorGradient(prior: Prior): PriorGradient {
  const c = prior.toConfig(),
    D = prior.dim;
  switch (c.type) {
    case "box_uniform":
      return (_theta, n, out) => out.fill(0, 0, n * D);
    case "gaussian": {
      const prec = c.std.map((s) => 1 / (s * s));
      return (theta, n, out) => {
        for (let q = 0; q < n * D; q++) out[q] = -(theta[q] - c.mean[q % D]) * prec[q % D];
      };
    }
    case "lognormal":
      return (theta, n, out) => {
        for (let q = 0; q < n * D; q++) {
          const t = theta[q],
            s = c.scale[q % D];
          out[q] = t > 0 ? -(1 + (Math.log(t) - c.loc[q % D]) / (s * s)) / t : 0;
        }
      };
    case "multivariate_gaussian": {
      const L = choleskyLower(c.covariance.flat(), D, "prior covariance"),
        r = new Float64Array(D);
      return (theta, n, out) => {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < D; j++) r[j] = theta[i * D + j] - c.mean[j];
          const g = choleskySolve(L, D, r);
          for (let j = 0; j < D; j++) out[i * D + j] = -g[j];
        }
      };
    }
    default:
      throw new NsbiInputError(`prior '${(c as { type: string }).type}': no gradient available for HMC`);
  }
}
