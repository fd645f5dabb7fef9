/**
 * Cholesky factorisation of a symmetric positive-definite matrix, used for the χ² with a full
 * covariance and for multivariate-normal throws of a data covariance.
 *
 * @see G. H. Golub, C. F. Van Loan, "Matrix Computations", 4th ed., §4.2 (Cholesky–Banachiewicz)
 */
import { NsbiInputError } from "../../errors.js";

/**
 * Lower-triangular L with A = L Lᵀ (row-major n × n, zeros above the diagonal), in float64.
 * @param a symmetric matrix, row-major n × n (only the lower triangle is read)
 * @param n its size
 * @param name what the matrix is, for the error message (e.g. "T2K total covariance (58 bins)")
 * @throws NsbiInputError naming the matrix and the failing pivot (row and value) when A is not
 *   positive definite, or when its size or entries are wrong
 */
export function choleskyLower(a: ArrayLike<number>, n: number, name = "matrix"): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new NsbiInputError(`cholesky(${name}): n must be a positive integer, got ${n}`);
  if (a.length !== n * n) throw new NsbiInputError(`cholesky(${name}): expected n × n = ${n * n} values, got ${a.length}`);
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      if (!Number.isFinite(s)) throw new NsbiInputError(`cholesky(${name}): entry (${i}, ${j}) is ${s}; expected a finite number`);
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) {
          throw new NsbiInputError(
            `cholesky(${name}): the matrix is not positive definite; pivot ${i} (0-based row) is ${s.toPrecision(6)}, expected > 0`,
          );
        }
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j]!;
      }
    }
  }
  return L;
}

/**
 * Solves L y = b by forward substitution (L lower-triangular, row-major n × n).
 * @param L lower-triangular factor
 * @param n size
 * @param b right-hand side (length n); not modified
 */
export function forwardSubstitute(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * y[k]!;
    y[i] = s / L[i * n + i]!;
  }
  return y;
}
