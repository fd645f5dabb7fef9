import type { Rng } from "../../engine/rng.js";
import { BoxUniform } from "../../flows/priors/box-uniform.js";
import type { Prior } from "../../flows/priors/prior.js";
import { checkSimulateArgs, columnNames, type Task } from "./task.js";

/**
 * sbibm "gaussian_mixture": θ ∈ [-10, 10]², x ~ ½·N(θ, I) + ½·N(θ, 0.01·I).
 *
 * As in sbibm `sbibm/tasks/gaussian_mixture/task.py`: `mixture_locs_factor = [1, 1]`,
 * `mixture_scales = [1.0, 0.1]` (standard deviations), `mixture_weights = [0.5, 0.5]`,
 * `prior_bound = 10`. The component is drawn **independently for every row**. sbibm's code draws a
 * single mixture index per simulator call, so a batch shares one component (reported in
 * sbi-benchmark/sbibm pull request #54); its reference observations were simulated one at a time,
 * where both agree. Never returns NaN.
 *
 * @see Sisson, Fan, Tanaka, "Sequential Monte Carlo without likelihoods", PNAS 2007;
 *   Lueckmann et al. 2021, arXiv:2101.04653
 */
export class GaussianMixture implements Task {
  readonly name = "gaussian_mixture";
  readonly thetaDim = 2;
  readonly xDim = 2;
  readonly prior: Prior = new BoxUniform([-10, -10], [10, 10], "gaussian_mixture prior");
  readonly parameterNames = columnNames("parameter", 2);
  readonly observationNames = columnNames("data", 2);

  /**
   * @param theta parameters [n, 2]
   * @param n number of simulations
   * @param rng seeded generator
   * @returns x [n, 2]
   */
  simulate(theta: Float32Array, n: number, rng: Rng): Float32Array {
    checkSimulateArgs(this.name, theta, n, 2);
    const out = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const scale = rng.uniform() < 0.5 ? 1.0 : 0.1;
      out[2 * i] = theta[2 * i] + scale * rng.normal();
      out[2 * i + 1] = theta[2 * i + 1] + scale * rng.normal();
    }
    return out;
  }
}
