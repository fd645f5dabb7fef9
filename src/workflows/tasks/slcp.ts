import type { Rng } from "../../engine/rng.js";
import { BoxUniform } from "../../flows/priors/box-uniform.js";
import type { Prior } from "../../flows/priors/prior.js";
import { checkSimulateArgs, columnNames, type Task } from "./task.js";

/** Jitter sbibm adds to the covariance diagonal "to ensure PSD". */
const EPS = 1e-6;

/**
 * sbibm "slcp" (simple likelihood, complex posterior): θ ∈ [-3, 3]⁵, x = four i.i.d. 2-D Gaussian
 * draws, flattened as (x1₁, x1₂, x2₁, x2₂, …) into 8 values.
 *
 * As in sbibm `sbibm/tasks/slcp/task.py` (`simulator`, distractors off): mean m = (θ1, θ2),
 * s1 = θ3², s2 = θ4², ρ = tanh(θ5), covariance S = [[s1² + ε, ρ·s1·s2], [ρ·s1·s2, s2² + ε]] with
 * ε = 1e-6; each draw is m + L·z with L the Cholesky factor of S. Never returns NaN.
 *
 * @see Papamakarios, Sterratt, Murray, "Sequential neural likelihood", AISTATS 2019,
 *   arXiv:1805.07226; Lueckmann et al. 2021, arXiv:2101.04653
 */
export class Slcp implements Task {
  readonly name = "slcp";
  readonly thetaDim = 5;
  readonly xDim = 8;
  readonly prior: Prior = new BoxUniform([-3, -3, -3, -3, -3], [3, 3, 3, 3, 3], "slcp prior");
  readonly parameterNames = columnNames("parameter", 5);
  readonly observationNames = columnNames("data", 8);

  /**
   * @param theta parameters [n, 5]
   * @param n number of simulations
   * @param rng seeded generator
   * @returns x [n, 8]
   */
  simulate(theta: Float32Array, n: number, rng: Rng): Float32Array {
    checkSimulateArgs(this.name, theta, n, 5);
    const out = new Float32Array(n * 8);
    for (let i = 0; i < n; i++) {
      const o = 5 * i;
      const m1 = theta[o],
        m2 = theta[o + 1];
      const s1 = theta[o + 2] ** 2,
        s2 = theta[o + 3] ** 2,
        rho = Math.tanh(theta[o + 4]);
      const c11 = s1 * s1 + EPS,
        c12 = rho * s1 * s2,
        c22 = s2 * s2 + EPS;
      const l11 = Math.sqrt(c11),
        l21 = c12 / l11,
        l22 = Math.sqrt(Math.max(c22 - l21 * l21, 0));
      for (let d = 0; d < 4; d++) {
        const z1 = rng.normal(),
          z2 = rng.normal();
        out[8 * i + 2 * d] = m1 + l11 * z1;
        out[8 * i + 2 * d + 1] = m2 + l21 * z1 + l22 * z2;
      }
    }
    return out;
  }
}
