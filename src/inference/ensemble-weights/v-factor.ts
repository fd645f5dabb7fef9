import { NsbiInputError } from "../../errors.js";
import { choleskyLowerOrNull } from "../../numerics/cholesky.js";
import { type BasisValues, basisName } from "./basis-values.js";

/**
 * Smallest accepted pivot of the correlation-scaled V (its Cholesky pivots squared are the variances of
 * each basis function left over after regressing on the earlier ones, relative to its own): below it,
 * a network is a linear combination of the others to ~6 digits and C = V⁻¹UV⁻¹ is meaningless.
 */
export const MIN_RELATIVE_PIVOT = 1e-12;

/**
 * The Cholesky factor of the Hessian V of the MLC loss, or a clear error naming the basis function
 * (network) that makes V singular or nearly so (collinear networks).
 * @param v V, row-major size × size
 * @param basis which basis functions (for the message)
 * @param where the calling function, for the message
 */
export function factorV(v: Float64Array, basis: Pick<BasisValues, "size" | "constant">, where: string): Float64Array {
  const k = basis.size;
  for (let i = 0; i < k; i++) {
    const d = v[i * k + i];
    if (!(d > 0) || !Number.isFinite(d))
      throw new NsbiInputError(
        `${where}: V is singular: ${basisName(basis, i)} is ${d === 0 ? "zero on every fit event" : `degenerate (V_ii = ${d})`}`,
      );
  }
  const scaled = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) scaled[i * k + j] = v[i * k + j] / Math.sqrt(v[i * k + i] * v[j * k + j]);
  // factor column by column to find the first basis function that the earlier ones (nearly) reproduce
  for (let m = 1; m <= k; m++) {
    const sub = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) sub[i * m + j] = scaled[i * k + j];
    const L = choleskyLowerOrNull(sub, m);
    const pivot = L ? L[(m - 1) * m + m - 1] ** 2 : 0;
    if (!(pivot > MIN_RELATIVE_PIVOT))
      throw new NsbiInputError(
        `${where}: V is singular or nearly so: ${basisName(basis, m - 1)} is a linear combination of the earlier ones ` +
          `to ${pivot.toExponential(2)} of its variance (collinear networks); drop it or train more diverse networks`,
      );
  }
  const L = choleskyLowerOrNull(v, k);
  if (!L) throw new NsbiInputError(`${where}: V is not positive definite`);
  return L;
}
