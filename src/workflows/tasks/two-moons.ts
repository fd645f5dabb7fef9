import type { Rng } from "../../engine/rng.js";
import { BoxUniform } from "../../flows/priors/box-uniform.js";
import type { Prior } from "../../flows/priors/prior.js";
import { checkSimulateArgs, columnNames, type Task } from "./task.js";

/**
 * sbibm "two_moons": θ ∈ [-1, 1]², x ∈ R²; a bimodal, crescent-shaped posterior.
 *
 * As in sbibm `sbibm/tasks/two_moons/task.py` (`simulator` and `_map_fun`):
 * a ~ U(-π/2, π/2), r ~ N(0.1, 0.01²), p = (r·cos a + 0.25, r·sin a), and with the rotation by
 * -π/4 there, z0 = (θ1 + θ2)/√2, z1 = (-θ1 + θ2)/√2, x = p + (-|z0|, z1).
 * Prior: Uniform[-1, 1]² (`prior_bound = 1.0`). Never returns NaN.
 *
 * @see Greenberg, Nonnenmacher, Macke, "Automatic posterior transformation", ICML 2019,
 *   arXiv:1905.07488; Lueckmann et al. 2021, arXiv:2101.04653
 */
export class TwoMoons implements Task {
  readonly name = "two_moons";
  readonly thetaDim = 2;
  readonly xDim = 2;
  readonly prior: Prior = new BoxUniform([-1, -1], [1, 1], "two_moons prior");
  readonly parameterNames = columnNames("parameter", 2);
  readonly observationNames = columnNames("data", 2);

  /**
   * @param theta parameters [n, 2]
   * @param n number of simulations
   * @param rng seeded generator (per row: one uniform, then one normal)
   * @returns x [n, 2]
   */
  simulate(theta: Float32Array, n: number, rng: Rng): Float32Array {
    checkSimulateArgs(this.name, theta, n, 2);
    const out = new Float32Array(n * 2),
      s = Math.SQRT1_2;
    for (let i = 0; i < n; i++) {
      const a = -Math.PI / 2 + Math.PI * rng.uniform();
      const r = 0.1 + 0.01 * rng.normal();
      const t1 = theta[2 * i],
        t2 = theta[2 * i + 1];
      out[2 * i] = r * Math.cos(a) + 0.25 - Math.abs(s * (t1 + t2));
      out[2 * i + 1] = r * Math.sin(a) + s * (-t1 + t2);
    }
    return out;
  }
}
