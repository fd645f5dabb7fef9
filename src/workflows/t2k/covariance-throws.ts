/**
 * Multivariate-normal throws x = μ + L z, z ~ N(0, I), with V = L Lᵀ the Cholesky factor of a
 * covariance: the ensemble of data variations Tame-Narvaez et al. (arXiv:2603.09778) use to propagate the T2K
 * measurement uncertainties (1,000 throws of the 58-bin data with its full covariance).
 *
 * @see K. Tame-Narvaez et al., arXiv:2603.09778 (code karlaTame/SBI_parameter_tuning), Sec. V: "random throws from a multivariate
 *   zero-mean Gaussian distribution using the data covariance matrix"
 * @see Golub & Van Loan, "Matrix Computations", §4.2
 */
import { NsbiInputError } from "../../errors.js";
import type { Rng } from "../../engine/rng.js";
import { choleskyLower } from "../../numerics/cholesky.js";

/** A reusable multivariate-normal sampler for one mean and covariance. */
export class CovarianceThrows {
  readonly n: number;
  private readonly L: Float64Array;
  private readonly mean: Float64Array;

  /**
   * @param mean μ (length n)
   * @param cov V, row-major n × n, symmetric positive definite
   * @param name what the matrix is, for the error message
   * @throws NsbiInputError naming `name` and the failing pivot if V is not positive definite
   */
  constructor(mean: ArrayLike<number>, cov: ArrayLike<number>, name = "covariance") {
    this.n = mean.length;
    if (this.n < 1) throw new NsbiInputError(`CovarianceThrows(${name}): mean must not be empty`);
    for (let i = 0; i < this.n; i++) {
      if (!Number.isFinite(mean[i]))
        throw new NsbiInputError(`CovarianceThrows(${name}): mean[${i}] is ${mean[i]}; expected a finite number`);
    }
    this.mean = Float64Array.from(mean);
    this.L = choleskyLower(cov, this.n, name);
  }

  /**
   * Draws `count` throws.
   * @param count number of throws (non-negative integer)
   * @param rng seeded generator (n standard normals per throw, in order)
   * @returns Float64Array [count, n], row-major
   */
  sample(count: number, rng: Rng): Float64Array {
    if (!Number.isInteger(count) || count < 0)
      throw new NsbiInputError(`CovarianceThrows.sample: count must be a non-negative integer, got ${count}`);
    const n = this.n,
      out = new Float64Array(count * n),
      z = new Float64Array(n);
    for (let t = 0; t < count; t++) {
      for (let i = 0; i < n; i++) z[i] = rng.normal();
      for (let i = 0; i < n; i++) {
        let s = this.mean[i];
        for (let k = 0; k <= i; k++) s += this.L[i * n + k] * z[k];
        out[t * n + i] = s;
      }
    }
    return out;
  }
}

/**
 * `count` multivariate-normal throws around `mean` with covariance `cov`.
 * @param mean μ (length n)
 * @param cov V, row-major n × n, positive definite
 * @param count number of throws
 * @param rng seeded generator
 * @param name what the matrix is, for errors
 * @returns Float64Array [count, n]
 */
export function covarianceThrows(
  mean: ArrayLike<number>,
  cov: ArrayLike<number>,
  count: number,
  rng: Rng,
  name = "covariance",
): Float64Array {
  return new CovarianceThrows(mean, cov, name).sample(count, rng);
}
