import { NsbiInputError } from "../../errors.js";
import { checkCount, checkRng, checkRows, finiteVector, sameLength } from "./checks.js";
import type { Rng } from "../../engine/rng.js";
import type { Prior, PriorConfig } from "./prior.js";

/**
 * Independent uniform prior on the box [low_1, high_1] × … × [low_D, high_D], as
 * `sbi.utils.BoxUniform` / `pyro.distributions.Uniform(low, high).to_event(1)`.
 *
 * The support is taken as closed (torch uses [low, high)); the difference has measure zero but
 * keeps float32-rounded samples that land exactly on `high` inside the support.
 *
 * @see sbibm `sbibm/tasks/two_moons/task.py` (prior_dist = Uniform(low, high).to_event(1))
 * @example
 * ```ts
 * const prior = new BoxUniform([-1, -1], [1, 1]);
 * const theta = prior.sample(100, new Rng(0)); // Float32Array [100, 2]
 * ```
 */
export class BoxUniform implements Prior {
  readonly dim: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  private readonly logDensity: number;

  /**
   * @param low lower bounds, one per dimension (finite)
   * @param high upper bounds, one per dimension (finite, each > the matching `low`)
   * @param source label used in error messages (e.g. the config file the prior came from)
   */
  constructor(low: ArrayLike<number>, high: ArrayLike<number>, source = "BoxUniform") {
    this.lower = finiteVector(low, `${source}: low`);
    this.upper = finiteVector(high, `${source}: high`);
    sameLength(this.lower, this.upper, "low and high", source);
    this.dim = this.lower.length;
    let ld = 0;
    for (let j = 0; j < this.dim; j++) {
      if (!(this.lower[j] < this.upper[j])) {
        throw new NsbiInputError(
          `${source}: expected low[${j}] < high[${j}], got low ${this.lower[j]} and high ${this.upper[j]}`,
        );
      }
      ld -= Math.log(this.upper[j] - this.lower[j]);
    }
    this.logDensity = ld;
  }

  /** Draw n vectors; returns Float32Array [n, dim]. */
  sample(n: number, rng: Rng): Float32Array {
    checkCount(n, "BoxUniform.sample: n");
    checkRng(rng, "BoxUniform.sample");
    const D = this.dim,
      out = new Float32Array(n * D);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < D; j++) out[i * D + j] = this.lower[j] + (this.upper[j] - this.lower[j]) * rng.uniform();
    }
    return out;
  }

  /** Log density of each of n rows: -Σ log(high - low) inside the box, -Infinity outside. */
  logProb(theta: ArrayLike<number>, n: number): Float64Array {
    checkRows(theta, n, this.dim, "BoxUniform.logProb");
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.inSupport(theta, i) ? this.logDensity : -Infinity;
    return out;
  }

  /** Whether row i lies in the closed box (NaN is outside). */
  inSupport(theta: ArrayLike<number>, i: number): boolean {
    const D = this.dim,
      o = i * D;
    for (let j = 0; j < D; j++) {
      const v = theta[o + j];
      if (!(v >= this.lower[j] && v <= this.upper[j])) return false;
    }
    return true;
  }

  /** Marginal means (low + high) / 2. */
  mean(): Float64Array {
    return this.lower.map((lo, j) => 0.5 * (lo + this.upper[j]));
  }

  /** Marginal standard deviations (high - low) / √12. */
  std(): Float64Array {
    return this.lower.map((lo, j) => (this.upper[j] - lo) / Math.sqrt(12));
  }

  /** Serialisable description; `priorFromConfig` rebuilds an equal prior. */
  toConfig(): PriorConfig {
    return { type: "box_uniform", low: Array.from(this.lower), high: Array.from(this.upper) };
  }
}
