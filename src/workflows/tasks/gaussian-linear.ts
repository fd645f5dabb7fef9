import type { Rng } from "../../engine/rng.js";
import { MultivariateGaussian } from "../../flows/priors/multivariate-gaussian.js";
import type { Prior } from "../../flows/priors/prior.js";
import { checkSimulateArgs, columnNames, type Task } from "./task.js";

const DIM = 10;
const NOISE_STD = Math.sqrt(0.1);

/**
 * Draw x = θ + √0.1 · ε, ε ~ N(0, I), row by row (shared by gaussian_linear and
 * gaussian_linear_uniform, whose simulators are the same `MultivariateNormal(θ, 0.1·I)`).
 * @param theta parameters [n, dim]
 * @param n number of rows
 * @param dim dimension
 * @param rng seeded generator
 */
export function simulateGaussianNoise(theta: Float32Array, n: number, dim: number, rng: Rng): Float32Array {
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n * dim; i++) out[i] = theta[i] + NOISE_STD * rng.normal();
  return out;
}

/**
 * sbibm "gaussian_linear": θ ∈ R¹⁰ with prior N(0, 0.1·I), x ~ N(θ, 0.1·I); the posterior is
 * Gaussian in closed form, N(x/2, 0.05·I).
 *
 * As in sbibm `sbibm/tasks/gaussian_linear/task.py`: `prior_scale = 0.1` and `simulator_scale = 0.1`
 * are used as *covariance* scales there (`precision_matrix = inverse(0.1 · I)`), so the standard
 * deviations are √0.1. Never returns NaN.
 *
 * @see Lueckmann et al. 2021, arXiv:2101.04653
 */
export class GaussianLinear implements Task {
  readonly name = "gaussian_linear";
  readonly thetaDim = DIM;
  readonly xDim = DIM;
  readonly prior: Prior = new MultivariateGaussian(
    new Array<number>(DIM).fill(0),
    Array.from({ length: DIM }, (_, i) => Array.from({ length: DIM }, (_, j) => (i === j ? 0.1 : 0))),
    "gaussian_linear prior",
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
