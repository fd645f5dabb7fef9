import { NsbiInputError } from "../../errors.js";
import type { Rng } from "../../engine/rng.js";
import type { Prior } from "../../flows/priors/prior.js";

/**
 * A benchmark inference task: a prior over θ and a simulator x ~ p(x | θ), as in sbibm.
 * Arrays are row-major Float32Array: θ is [n, thetaDim] and x is [n, xDim].
 *
 * `simulate` may return rows of NaN for failed simulations (sbibm's convention). Of the built-in
 * tasks only `sir` and `lotka_volterra` (ODE-based) can do so; the others never return NaN.
 *
 * @see Lueckmann et al., "Benchmarking Simulation-Based Inference", AISTATS 2021, arXiv:2101.04653;
 *   sbibm `sbibm/tasks/task.py`
 */
export interface Task {
  /** sbibm task name, e.g. "two_moons". */
  readonly name: string;
  readonly prior: Prior;
  readonly thetaDim: number;
  readonly xDim: number;
  /** sbibm column names `parameter_1..parameter_P`. */
  readonly parameterNames: string[];
  /** sbibm column names `data_1..data_D`. */
  readonly observationNames: string[];
  /**
   * Simulate one x for each of the n rows of θ.
   * @param theta parameters, row-major [n, thetaDim] (at least n·thetaDim values)
   * @param n number of rows
   * @param rng the seeded generator every random draw uses
   * @returns x, row-major [n, xDim]; a failed simulation is a row of NaN
   */
  simulate(theta: Float32Array, n: number, rng: Rng): Float32Array;
}

/**
 * sbibm-style column names: `${prefix}_1` … `${prefix}_count`.
 * @param prefix "parameter" or "data"
 * @param count number of names
 */
export function columnNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}_${i + 1}`);
}

/**
 * Check the arguments of `Task.simulate`; throws NsbiInputError naming the task and argument.
 * @param task name of the task, for the message
 * @param theta parameters [n, thetaDim]
 * @param n number of rows
 * @param thetaDim parameter dimension
 */
export function checkSimulateArgs(task: string, theta: Float32Array, n: number, thetaDim: number): void {
  if (!Number.isInteger(n) || n < 0)
    throw new NsbiInputError(`${task}.simulate: n must be a non-negative integer, got ${n}`);
  if (!(theta instanceof Float32Array)) throw new NsbiInputError(`${task}.simulate: theta must be a Float32Array`);
  if (theta.length < n * thetaDim) {
    throw new NsbiInputError(
      `${task}.simulate: theta must hold n × ${thetaDim} = ${n * thetaDim} values, got ${theta.length}`,
    );
  }
}
