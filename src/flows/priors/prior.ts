import type { Rng } from "../../engine/rng.js";

/** A serialisable description of a prior (stored in a model's config.json). */
export type PriorConfig =
  | { type: "box_uniform"; low: number[]; high: number[] }
  | { type: "gaussian"; mean: number[]; std: number[] }
  | { type: "multivariate_gaussian"; mean: number[]; covariance: number[][] }
  | { type: "lognormal"; loc: number[]; scale: number[] };

/**
 * A prior over parameter vectors of dimension `dim`. Arrays are row-major [n, dim].
 */
export interface Prior {
  readonly dim: number;
  /** Box bounds of the support (-Infinity/Infinity where unbounded), used for leakage rejection. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Draw n vectors. */
  sample(n: number, rng: Rng): Float32Array;
  /** Log density of each of n rows; -Infinity outside the support. */
  logProb(theta: ArrayLike<number>, n: number): Float64Array;
  /** Whether row i of theta lies in the support. */
  inSupport(theta: ArrayLike<number>, i: number): boolean;
  /** Marginal means and standard deviations (closed form). */
  mean(): Float64Array;
  std(): Float64Array;
  toConfig(): PriorConfig;
}
