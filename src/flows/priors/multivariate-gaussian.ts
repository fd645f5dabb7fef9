import { NsbiInputError } from "../../errors.js";
import type { Rng } from "../../engine/rng.js";
import { choleskyLower, forwardSubstitute } from "../../numerics/cholesky.js";
import { checkCount, checkRng, checkRows, finiteVector, HALF_LOG_2PI, rowIsFinite } from "./checks.js";
import type { Prior, PriorConfig } from "./prior.js";

/**
 * Multivariate normal prior N(mean, Σ) with a full covariance matrix, sampled and evaluated
 * through the Cholesky factor Σ = L Lᵀ, as `torch.distributions.MultivariateNormal`.
 *
 * @see sbibm `sbibm/tasks/gaussian_linear/task.py` (prior MultivariateNormal(0, 0.1·I))
 * @example
 * ```ts
 * const prior = new MultivariateGaussian([0, 0], [[1, 0.5], [0.5, 2]]);
 * const theta = prior.sample(100, new Rng(3));
 * ```
 */
export class MultivariateGaussian implements Prior {
  readonly dim: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  private readonly mu: Float64Array;
  /** Covariance, row-major [dim, dim] (symmetrised). */
  private readonly cov: Float64Array;
  /** Lower Cholesky factor, row-major [dim, dim]. */
  private readonly chol: Float64Array;
  private readonly logNorm: number;
  private readonly work: Float64Array;

  /**
   * @param mean mean vector (finite)
   * @param covariance symmetric positive-definite matrix, dim × dim, as an array of rows
   * @param source label used in error messages (e.g. the config file the prior came from)
   */
  constructor(mean: ArrayLike<number>, covariance: ArrayLike<ArrayLike<number>>, source = "MultivariateGaussian") {
    this.mu = finiteVector(mean, `${source}: mean`);
    const D = (this.dim = this.mu.length);
    if (covariance === null || typeof covariance !== "object" || covariance.length !== D) {
      throw new NsbiInputError(
        `${source}: covariance must be a ${D} × ${D} array of rows (matching mean), got ${describeRows(covariance)}`,
      );
    }
    this.cov = new Float64Array(D * D);
    for (let i = 0; i < D; i++) {
      const row = finiteVector(covariance[i], `${source}: covariance[${i}]`);
      if (row.length !== D)
        throw new NsbiInputError(
          `${source}: covariance[${i}] must have ${D} entries (matching mean), got ${row.length}`,
        );
      this.cov.set(row, i * D);
    }
    let scale = 0;
    for (let i = 0; i < D; i++) scale = Math.max(scale, Math.abs(this.cov[i * D + i]));
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < i; j++) {
        const a = this.cov[i * D + j],
          b = this.cov[j * D + i];
        if (Math.abs(a - b) > 1e-9 * Math.max(scale, Math.abs(a), Math.abs(b))) {
          throw new NsbiInputError(
            `${source}: covariance must be symmetric, got [${i}][${j}] = ${a} but [${j}][${i}] = ${b}`,
          );
        }
        this.cov[i * D + j] = this.cov[j * D + i] = 0.5 * (a + b);
      }
    }
    this.chol = choleskyLower(this.cov, D, `${source}: covariance`);
    let c = -D * HALF_LOG_2PI;
    for (let i = 0; i < D; i++) c -= Math.log(this.chol[i * D + i]);
    this.logNorm = c;
    this.lower = new Float64Array(D).fill(-Infinity);
    this.upper = new Float64Array(D).fill(Infinity);
    this.work = new Float64Array(D);
  }

  /** Draw n vectors mean + L z, z ~ N(0, I); returns Float32Array [n, dim]. */
  sample(n: number, rng: Rng): Float32Array {
    checkCount(n, "MultivariateGaussian.sample: n");
    checkRng(rng, "MultivariateGaussian.sample");
    const D = this.dim,
      L = this.chol,
      z = this.work,
      out = new Float32Array(n * D);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < D; j++) z[j] = rng.normal();
      for (let r = 0; r < D; r++) {
        let s = this.mu[r];
        for (let k = 0; k <= r; k++) s += L[r * D + k] * z[k];
        out[i * D + r] = s;
      }
    }
    return out;
  }

  /** Log density of each of n rows: -½‖L⁻¹(θ − mean)‖² − Σ log L_jj − (D/2) log 2π. */
  logProb(theta: ArrayLike<number>, n: number): Float64Array {
    checkRows(theta, n, this.dim, "MultivariateGaussian.logProb");
    const D = this.dim,
      y = this.work,
      out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (!this.inSupport(theta, i)) {
        out[i] = -Infinity;
        continue;
      }
      for (let r = 0; r < D; r++) y[r] = theta[i * D + r] - this.mu[r];
      forwardSubstitute(this.chol, D, y, y);
      let q = 0;
      for (let r = 0; r < D; r++) q += y[r] * y[r];
      out[i] = this.logNorm - 0.5 * q;
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

  /** Marginal standard deviations √Σ_jj. */
  std(): Float64Array {
    const D = this.dim;
    return this.mu.map((_, j) => Math.sqrt(this.cov[j * D + j]));
  }

  /** The lower Cholesky factor L (Σ = L Lᵀ) as a row-major copy [dim, dim]. */
  choleskyFactor(): Float64Array {
    return this.chol.slice();
  }

  /** Serialisable description; `priorFromConfig` rebuilds an equal prior. */
  toConfig(): PriorConfig {
    const D = this.dim,
      covariance: number[][] = [];
    for (let i = 0; i < D; i++) covariance.push(Array.from(this.cov.subarray(i * D, (i + 1) * D)));
    return { type: "multivariate_gaussian", mean: Array.from(this.mu), covariance };
  }
}

function describeRows(c: unknown): string {
  if (c === null || typeof c !== "object") return String(c);
  const len = (c as { length?: unknown }).length;
  return typeof len === "number" ? `${len} rows` : "a non-array";
}
