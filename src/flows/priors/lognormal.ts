import type { Rng } from "../../engine/rng.js";
import { checkCount, checkRng, checkRows, finiteVector, HALF_LOG_2PI, positiveVector, sameLength } from "./checks.js";
import type { Prior, PriorConfig } from "./prior.js";

/**
 * Independent log-normal prior: θ_j = exp(loc_j + scale_j · z), z ~ N(0, 1). `loc` and `scale` are
 * the mean and standard deviation of the underlying normal, as `torch.distributions.LogNormal`.
 *
 * @see sbibm `sbibm/tasks/sir/task.py` and `sbibm/tasks/lotka_volterra/task.py`
 *   (prior_dist = LogNormal(loc, scale).to_event(1))
 * @example
 * ```ts
 * const prior = new LogNormal([Math.log(0.4), Math.log(0.125)], [0.5, 0.2]);
 * const theta = prior.sample(1000, new Rng(2));
 * ```
 */
export class LogNormal implements Prior {
  readonly dim: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  private readonly loc: Float64Array;
  private readonly scale: Float64Array;
  private readonly logNorm: number;

  /**
   * @param loc means of log θ, one per dimension (finite)
   * @param scale standard deviations of log θ, one per dimension (finite, > 0)
   * @param source label used in error messages (e.g. the config file the prior came from)
   */
  constructor(loc: ArrayLike<number>, scale: ArrayLike<number>, source = "LogNormal") {
    this.loc = finiteVector(loc, `${source}: loc`);
    this.scale = finiteVector(scale, `${source}: scale`);
    sameLength(this.loc, this.scale, "loc and scale", source);
    positiveVector(this.scale, `${source}: scale`);
    this.dim = this.loc.length;
    this.lower = new Float64Array(this.dim);
    this.upper = new Float64Array(this.dim).fill(Infinity);
    let c = -this.dim * HALF_LOG_2PI;
    for (let j = 0; j < this.dim; j++) c -= Math.log(this.scale[j]);
    this.logNorm = c;
  }

  /** Draw n vectors; returns Float32Array [n, dim]. */
  sample(n: number, rng: Rng): Float32Array {
    checkCount(n, "LogNormal.sample: n");
    checkRng(rng, "LogNormal.sample");
    const D = this.dim,
      out = new Float32Array(n * D);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < D; j++) out[i * D + j] = Math.exp(this.loc[j] + this.scale[j] * rng.normal());
    }
    return out;
  }

  /** Log density of each of n rows (including the -Σ log θ_j Jacobian); -Infinity unless all θ_j > 0. */
  logProb(theta: ArrayLike<number>, n: number): Float64Array {
    checkRows(theta, n, this.dim, "LogNormal.logProb");
    const D = this.dim,
      out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (!this.inSupport(theta, i)) {
        out[i] = -Infinity;
        continue;
      }
      let s = 0;
      for (let j = 0; j < D; j++) {
        const l = Math.log(theta[i * D + j]),
          z = (l - this.loc[j]) / this.scale[j];
        s += 0.5 * z * z + l;
      }
      out[i] = this.logNorm - s;
    }
    return out;
  }

  /** Whether every entry of row i is finite and > 0. */
  inSupport(theta: ArrayLike<number>, i: number): boolean {
    for (let j = 0, o = i * this.dim; j < this.dim; j++) {
      const v = theta[o + j];
      if (!(v > 0 && v < Infinity)) return false;
    }
    return true;
  }

  /** Marginal means exp(loc + scale² / 2). */
  mean(): Float64Array {
    return this.loc.map((m, j) => Math.exp(m + 0.5 * this.scale[j] ** 2));
  }

  /** Marginal standard deviations √((exp(scale²) − 1) · exp(2 loc + scale²)). */
  std(): Float64Array {
    return this.loc.map((m, j) => {
      const s2 = this.scale[j] ** 2;
      return Math.sqrt(Math.expm1(s2) * Math.exp(2 * m + s2));
    });
  }

  /** Serialisable description; `priorFromConfig` rebuilds an equal prior. */
  toConfig(): PriorConfig {
    return { type: "lognormal", loc: Array.from(this.loc), scale: Array.from(this.scale) };
  }
}
