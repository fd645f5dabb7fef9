import type { Rng } from "../../engine/rng.js";
import { BoxUniform } from "../../flows/priors/box-uniform.js";
import type { Prior } from "../../flows/priors/prior.js";
import { simulateGaussianNoise } from "./gaussian-linear.js";
import { checkSimulateArgs, columnNames, type Task } from "./task.js";

const DIM = 10;

/**
 * sbibm "gaussian_linear_uniform": θ ∈ [-1, 1]¹⁰ (uniform prior), x ~ N(θ, 0.1·I); the posterior is
 * N(x, 0.1·I) truncated to the box.
 *
 * As in sbibm `sbibm/tasks/gaussian_linear_uniform/task.py` (`prior_bound = 1.0`,
 * `simulator_scale = 0.1` as a covariance scale). Never returns NaN.
 *
 * @see Lueckmann et al. 2021, arXiv:2101.04653
 */
export class GaussianLinearUniform implements Task {
  readonly name = "gaussian_linear_uniform";
  readonly thetaDim = DIM;
  readonly xDim = DIM;
  readonly prior: Prior = new BoxUniform(
    new Array<number>(DIM).fill(-1),
    new Array<number>(DIM).fill(1),
    "gaussian_linear_uniform prior",
  );
  readonly parameterNames = columnNames("parameter", DIM);
  readonly observationNames = columnNames("data", DIM);

  /**
   * @param theta parameters [n, 10]
   * @param n number of simulations
   * @param rng seeded generator
   * @returns x [n, 10]
   */
  simulate(theta: Float32Array, n: number, rng: Rng): Float32Array {
    checkSimulateArgs(this.name, theta, n, DIM);
    return simulateGaussianNoise(theta, n, DIM, rng);
  }
}
