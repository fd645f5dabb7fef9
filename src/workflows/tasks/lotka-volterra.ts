import type { Rng } from "../../engine/rng.js";
import { LogNormal } from "../../flows/priors/lognormal.js";
import type { Prior } from "../../flows/priors/prior.js";
import { DormandPrince, type OdeOptions } from "./ode.js";
import { checkSimulateArgs, columnNames, type Task } from "./task.js";

/** Save times of the summary: t = 0, 2.1, …, 18.9 (every 21st of the saves at 0.1 over 20 days). */
export const LOTKA_VOLTERRA_TIMES: readonly number[] = Array.from({ length: 10 }, (_, i) => (21 * i) / 10);
const DAYS = 20;
const U0 = Float64Array.of(30, 1);
/** diffeqtorch defaults used by sbibm: Tsit5 with reltol = abstol = 1e-8 (here Dormand–Prince 5(4)). */
const ODE_OPTIONS: OdeOptions = { rtol: 1e-8, atol: 1e-8 };
const SOLVE_TIMES = [...LOTKA_VOLTERRA_TIMES, DAYS];

/** Reusable Lotka–Volterra integrator: the right-hand side reads θ from a field, so solves do not allocate. */
class LotkaVolterraSolver {
  private readonly p = new Float64Array(4);
  private readonly solver = new DormandPrince(2);
  private readonly rhs = (_t: number, u: Float64Array, du: Float64Array): void => {
    const p = this.p;
    du[0] = p[0] * u[0] - p[1] * u[0] * u[1];
    du[1] = -p[2] * u[1] + p[3] * u[0] * u[1];
  };

  solve(theta: ArrayLike<number>, offset: number, times: ArrayLike<number>, out: Float64Array): boolean {
    for (let j = 0; j < 4; j++) this.p[j] = theta[offset + j];
    return this.solver.solve(this.rhs, U0, 0, times, out, ODE_OPTIONS).status === "ok";
  }
}

/**
 * Deterministic Lotka–Volterra trajectory: prey' = α·prey − β·prey·pred,
 * pred' = −γ·pred + δ·prey·pred from (prey, pred) = (30, 1), at `times` (NaN rows where the solver
 * stopped). Exposed for testing and plotting.
 * @param theta (α, β, γ, δ)
 * @param times non-decreasing save times, from 0
 * @returns `{ ok, y }` with y row-major [times.length, 2] = (prey, predator) per time
 * @see sbibm `sbibm/tasks/lotka_volterra/task.py` (`de`: the Julia right-hand side)
 */
export function solveLotkaVolterra(
  theta: ArrayLike<number>,
  times: ArrayLike<number>,
): { ok: boolean; y: Float64Array } {
  const y = new Float64Array(times.length * 2);
  return { ok: new LotkaVolterraSolver().solve(theta, 0, times, y), y };
}

/**
 * sbibm "lotka_volterra": θ = (α, β, γ, δ) with prior LogNormal(loc = (−0.125, −3, −0.125, −3),
 * scale = 0.5); x = 20 values, data_1..10 = prey and data_11..20 = predator at t = 0, 2.1, …, 18.9,
 * each ~ LogNormal(log clamp(u, 1e-10, 1e4), 0.1).
 *
 * As in sbibm `sbibm/tasks/lotka_volterra/task.py`: u0 = (30, 1), solved over [0, 20] saved every
 * 0.1 and subsampled with `[:, :, ::21]`, flattened prey-first; the trajectory is cast to float32
 * and clamped to [1e-10, 1e4] before the log. sbibm solves with DifferentialEquations.jl Tsit5
 * (diffeqtorch, reltol = abstol = 1e-8); here an adaptive Dormand–Prince 5(4) with the same
 * tolerances.
 *
 * **Can return NaN rows** (never throws for them): when the ODE solver fails (step limit of 1e5,
 * vanishing step, non-finite state, e.g. for extreme θ), as sbibm does, or when θ is not finite.
 *
 * @see Lueckmann et al. 2021, arXiv:2101.04653
 */
export class LotkaVolterra implements Task {
  readonly name = "lotka_volterra";
  readonly thetaDim = 4;
  readonly xDim = 20;
  readonly prior: Prior = new LogNormal([-0.125, -3, -0.125, -3], [0.5, 0.5, 0.5, 0.5], "lotka_volterra prior");
  readonly parameterNames = columnNames("parameter", 4);
  readonly observationNames = columnNames("data", 20);
  private readonly solver = new LotkaVolterraSolver();
  private readonly traj = new Float64Array(SOLVE_TIMES.length * 2);

  /**
   * @param theta parameters [n, 4] = (α, β, γ, δ)
   * @param n number of simulations
   * @param rng seeded generator
   * @returns x [n, 20] (NaN rows for failed solves)
   */
  simulate(theta: Float32Array, n: number, rng: Rng): Float32Array {
    checkSimulateArgs(this.name, theta, n, 4);
    const out = new Float32Array(n * 20);
    for (let i = 0; i < n; i++) {
      let finite = true;
      for (let j = 0; j < 4; j++) finite &&= Number.isFinite(theta[4 * i + j]);
      if (!finite || !this.solver.solve(theta, 4 * i, SOLVE_TIMES, this.traj)) {
        out.fill(NaN, 20 * i, 20 * i + 20);
        continue;
      }
      for (let s = 0; s < 2; s++) {
        for (let k = 0; k < 10; k++) {
          const u = Math.min(1e4, Math.max(1e-10, Math.fround(this.traj[2 * k + s])));
          out[20 * i + 10 * s + k] = u * Math.exp(0.1 * rng.normal());
        }
      }
    }
    return out;
  }
}
