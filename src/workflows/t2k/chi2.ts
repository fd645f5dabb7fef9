/**
 * χ² of a prediction against a measurement: with the full covariance,
 * χ² = (x − d)ᵀ V⁻¹ (x − d), computed as |L⁻¹(x − d)|² with V = L Lᵀ (Cholesky), and with the
 * diagonal only, χ² = Σ (x_i − d_i)² / V_ii (the choice of the original MicroBooNE tune fit).
 *
 * @see T2K Collaboration, Phys. Rev. D 93, 112012 (2016) (full covariance supplied for this χ²)
 * @see MicroBooNE Collaboration, Phys. Rev. D 105, 072001 (2022) (diagonal-only fit, Peelle's
 *   Pertinent Puzzle)
 */
import { NsbiInputError } from "../../errors.js";
import { choleskyLower, forwardSubstitute } from "../../numerics/cholesky.js";

function check(pred: ArrayLike<number>, data: ArrayLike<number>, cov: ArrayLike<number>, fn: string): number {
  const n = data.length;
  if (pred.length !== n)
    throw new NsbiInputError(`${fn}: prediction has ${pred.length} values, expected ${n} (the data length)`);
  if (cov.length !== n * n)
    throw new NsbiInputError(`${fn}: covariance has ${cov.length} values, expected n × n = ${n * n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(pred[i]))
      throw new NsbiInputError(`${fn}: prediction[${i}] is ${pred[i]}; expected a finite number`);
    if (!Number.isFinite(data[i]))
      throw new NsbiInputError(`${fn}: data[${i}] is ${data[i]}; expected a finite number`);
  }
  return n;
}

/**
 * A χ² evaluator for one data vector and covariance; factorises the covariance once, so many
 * predictions can be scored cheaply.
 */
export class Chi2 {
  readonly n: number;
  private readonly L: Float64Array;
  private readonly data: Float64Array;
  private readonly diag: Float64Array;

  /**
   * @param data measured values (length n)
   * @param cov covariance, row-major n × n, symmetric positive definite
   * @param name what the covariance is, for errors
   * @throws NsbiInputError if the covariance is not positive definite (naming the failing pivot)
   */
  constructor(data: ArrayLike<number>, cov: ArrayLike<number>, name = "covariance") {
    this.n = check(data, data, cov, "Chi2");
    this.data = Float64Array.from(data);
    this.L = choleskyLower(cov, this.n, name);
    this.diag = Float64Array.from({ length: this.n }, (_, i) => cov[i * this.n + i]);
  }

  /** χ² with the full covariance. */
  full(pred: ArrayLike<number>): number {
    check(pred, this.data, this.L, "Chi2.full");
    const r = Float64Array.from(this.data, (d, i) => pred[i] - d);
    const y = forwardSubstitute(this.L, this.n, r);
    let s = 0;
    for (let i = 0; i < this.n; i++) s += y[i] * y[i];
    return s;
  }

  /** χ² with the diagonal of the covariance only. */
  diagonal(pred: ArrayLike<number>): number {
    check(pred, this.data, this.L, "Chi2.diagonal");
    let s = 0;
    for (let i = 0; i < this.n; i++) s += (pred[i] - this.data[i]) ** 2 / this.diag[i];
    return s;
  }
}

/**
 * χ² = (x − d)ᵀ V⁻¹ (x − d) with the full covariance, via a Cholesky solve.
 * @param pred prediction x (length n)
 * @param data measurement d (length n)
 * @param cov covariance V, row-major n × n, positive definite
 * @throws NsbiInputError on mismatched lengths, non-finite values or a non-positive-definite V
 */
export function chi2Full(pred: ArrayLike<number>, data: ArrayLike<number>, cov: ArrayLike<number>): number {
  check(pred, data, cov, "chi2Full");
  return new Chi2(data, cov).full(pred);
}

/**
 * χ² = Σ (x_i − d_i)² / V_ii, ignoring correlations.
 * @param pred prediction x (length n)
 * @param data measurement d (length n)
 * @param cov covariance V, row-major n × n (only its diagonal is used; each V_ii must be > 0)
 */
export function chi2Diagonal(pred: ArrayLike<number>, data: ArrayLike<number>, cov: ArrayLike<number>): number {
  const n = check(pred, data, cov, "chi2Diagonal");
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = cov[i * n + i];
    if (!(v > 0)) throw new NsbiInputError(`chi2Diagonal: covariance diagonal [${i}] is ${v}; expected > 0`);
    s += (pred[i] - data[i]) ** 2 / v;
  }
  return s;
}
