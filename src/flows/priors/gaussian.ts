import type { Rng } from "../../engine/rng.js";
import {
  checkCount,
  checkRng,
  checkRows,
  finiteVector,
  HALF_LOG_2PI,
  positiveVector,
  rowIsFinite,
  sameLength,
} from "./checks.js";
import type { Prior, PriorConfig } from "./prior.js";

/**
 * Independent Gaussian prior N(mean_j, std_j²) per dimension (a diagonal-covariance normal), as
 * `torch.distributions.Normal(mean, std).to_event(1)`.
 *
 * @see sbibm `sbibm/tasks/gaussian_linear/task.py` (an isotropic Gaussian prior)
 * @example
 * ```ts
 * const prior = new Gaussian([0, 0], [1, 2]);
 * const lp = prior.logProb(prior.sample(10, new Rng(1)), 10);
 * ```
 */
export class Gaussian implements Prior {
  readonly dim: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  private readonly mu: Float64Array;
  private readonly sigma: Float64Array;
  private readonly logNorm: number;

  /**
   * @param mean means, one per dimension (finite)
   * @param std standard deviations, one per dimension (finite, > 0)
   * @param source label used in error messages (e.g. the config file the prior came from)
   */
  constructor(mean: ArrayLike<number>, std: ArrayLike<number>, source = "Gaussian") {
    this.mu = finiteVector(mean, `${source}: mean`);
    this.sigma = finiteVector(std, `${source}: std`);
    sameLength(this.mu, this.sigma, "mean and std", source);
    positiveVector(this.sigma, `${source}: std`);
    this.dim = this.mu.length;
    this.lower = new Float64Array(this.dim).fill(-Infinity);
    this.upper = new Float64Array(this.dim).fill(Infinity);
    let c = -this.dim * HALF_LOG_2PI;
    for (let j = 0; j < this.dim; j++) c -= Math.log(this.sigma[j]);
    this.logNorm = c;
  }

  /** Draw n vectors; returns Float32Array [n, dim]. */
  sample(n: number, rng: Rng): Float32Array {
    checkCount(n, "Gaussian.sample: n");
    checkRng(rng, "Gaussian.sample");
    const D = this.dim,
      out = new Float32Array(n * D);
    for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) out[i * D + j] = this.mu[j] + this.sigma[j] * rng.normal();
    return out;
  }

  /** Log density of each of n rows; -Infinity for rows with a non-finite entry. */
  logProb(theta: ArrayLike<number>, n: number): Float64Array {
    checkRows(theta, n, this.dim, "Gaussian.logProb");
    const D = this.dim,
      out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (!this.inSupport(theta, i)) {
        out[i] = -Infinity;
        continue;
      }
      let s = 0;
      for (let j = 0; j < D; j++) {
        const z = (theta[i * D + j] - this.mu[j]) / this.sigma[j];
        s += z * z;
      }
      out[i] = this.logNorm - 0.5 * s;
    }
    return out;
  }

  /** Whether every entry of row i is finite. */
  inSupport(theta: ArrayLike<number>, i: number): boolean {
    return rowIsFinite(theta, i, this.dim);
  }

  /** Marginal means. */
  mean(): Float64Array {
    return this.mu.slice();
  }

  /** Marginal standard deviations. */
  std(): Float64Array {
    return this.sigma.slice();
  }

  /** Serialisable description; `priorFromConfig` rebuilds an equal prior. */
  toConfig(): PriorConfig {
    return { type: "gaussian", mean: Array.from(this.mu), std: Array.from(this.sigma) };
  }
}
