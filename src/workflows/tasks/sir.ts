import type { Rng } from "../../engine/rng.js";
import { LogNormal } from "../../flows/priors/lognormal.js";
import type { Prior } from "../../flows/priors/prior.js";
import { sampleBinomial } from "./binomial.js";
import { DormandPrince, type OdeOptions } from "./ode.js";
import { checkSimulateArgs, columnNames, type Task } from "./task.js";

/** Total population N. */
export const SIR_POPULATION = 1e6;
/** Save times of the summary: days 0, 17, …, 153 (every 17th of the daily saves over 160 days). */
export const SIR_TIMES: readonly number[] = Array.from({ length: 10 }, (_, i) => 17 * i);
const DAYS = 160;
const TOTAL_COUNT = 1000;
/** diffeqtorch defaults used by sbibm: Tsit5 with reltol = abstol = 1e-8 (here Dormand–Prince 5(4)). */
const ODE_OPTIONS: OdeOptions = { rtol: 1e-8, atol: 1e-8 };
const SOLVE_TIMES = [...SIR_TIMES, DAYS];

const U0 = Float64Array.of(SIR_POPULATION - 1, 1, 0);

/** Reusable SIR integrator: the right-hand side reads β, γ from fields, so solves do not allocate. */
class SirSolver {
  private beta = 0;
  private gamma = 0;
  private readonly solver = new DormandPrince(3);
  private readonly rhs = (_t: number, u: Float64Array, du: Float64Array): void => {
    const infection = (this.beta * u[0] * u[1]) / SIR_POPULATION,
      recovery = this.gamma * u[1];
    du[0] = -infection;
    du[1] = infection - recovery;
    du[2] = recovery;
  };

  solve(beta: number, gamma: number, times: ArrayLike<number>, out: Float64Array): boolean {
    this.beta = beta;
    this.gamma = gamma;
    return this.solver.solve(this.rhs, U0, 0, times, out, ODE_OPTIONS).status === "ok";
  }
}

/**
 * Deterministic SIR trajectory: S' = -β S I / N, I' = β S I / N − γ I, R' = γ I from
 * (S, I, R) = (N − 1, 1, 0), at `times` (NaN rows where the solver stopped). Exposed for testing
 * and plotting.
 * @param beta contact rate β
 * @param gamma recovery rate γ (1/days)
 * @param times non-decreasing save times in days, from 0
 * @returns `{ ok, y }` with y row-major [times.length, 3] = (S, I, R) per time
 * @see sbibm `sbibm/tasks/sir/task.py` (`de`: the Julia right-hand side)
 */
export function solveSir(beta: number, gamma: number, times: ArrayLike<number>): { ok: boolean; y: Float64Array } {
  const y = new Float64Array(times.length * 3);
  return { ok: new SirSolver().solve(beta, gamma, times, y), y };
}

/**
 * sbibm "sir": θ = (β, γ) with prior LogNormal(loc = (ln 0.4, ln 0.125), scale = (0.5, 0.2));
 * x = 10 counts, x_k ~ Binomial(1000, clamp(I(t_k)/N, 0, 1)) at t_k = 0, 17, …, 153 days.
 *
 * As in sbibm `sbibm/tasks/sir/task.py`: N = 1e6, I0 = 1, R0 = 0, S0 = N − I0 − R0; the ODE is
 * solved over [0, 160] days saved daily and the infected compartment subsampled with `[::17]`;
 * the trajectory is cast to float32 before dividing by N and the probability clamped to [0, 1].
 * sbibm solves with DifferentialEquations.jl Tsit5 (diffeqtorch, reltol = abstol = 1e-8); here an
 * adaptive Dormand–Prince 5(4) with the same tolerances.
 *
 * **Can return NaN rows**: when the ODE solver fails (step limit, vanishing step, non-finite state),
 * as sbibm does, or when a θ entry is not finite.
 *
 * @see Lueckmann et al. 2021, arXiv:2101.04653
 */
export class Sir implements Task {
  readonly name = "sir";
  readonly thetaDim = 2;
  readonly xDim = 10;
  readonly prior: Prior = new LogNormal([Math.log(0.4), Math.log(0.125)], [0.5, 0.2], "sir prior");
  readonly parameterNames = columnNames("parameter", 2);
  readonly observationNames = columnNames("data", 10);
  private readonly solver = new SirSolver();
  private readonly traj = new Float64Array(SOLVE_TIMES.length * 3);

  /**
   * @param theta parameters [n, 2] = (β, γ)
   * @param n number of simulations
   * @param rng seeded generator
   * @returns x [n, 10] of binomial counts (NaN rows for failed solves)
   */
  simulate(theta: Float32Array, n: number, rng: Rng): Float32Array {
    checkSimulateArgs(this.name, theta, n, 2);
    const out = new Float32Array(n * 10);
    for (let i = 0; i < n; i++) {
      const beta = theta[2 * i],
        gamma = theta[2 * i + 1];
      const ok =
        Number.isFinite(beta) && Number.isFinite(gamma) && this.solver.solve(beta, gamma, SOLVE_TIMES, this.traj);
      if (!ok) {
        out.fill(NaN, 10 * i, 10 * i + 10);
        continue;
      }
      for (let k = 0; k < 10; k++) {
        const p = Math.min(1, Math.max(0, Math.fround(this.traj[3 * k + 1]) / SIR_POPULATION));
        out[10 * i + k] = sampleBinomial(TOTAL_COUNT, p, rng);
      }
    }
    return out;
  }
}
