import quantile from "@stdlib/stats-base-dists-t-quantile";
import { NsbiInputError } from "../errors.js";

/**
 * Quantile of Student's t distribution with ν degrees of freedom (@stdlib, from the inverse
 * regularised incomplete beta), e.g. for a t-interval of a mean over a few seeds.
 * Kept in its own file: @stdlib's t quantile loads ~400 modules, paid only by its users.
 * @param q probability in [0, 1]
 * @param dof degrees of freedom ν > 0 (need not be an integer)
 * @example
 * ```ts
 * studentTQuantile(0.975, 4); // 2.7764451051977987
 * ```
 */
export function studentTQuantile(q: number, dof: number): number {
  if (!(q >= 0 && q <= 1)) throw new NsbiInputError(`studentTQuantile: q must be in [0, 1], got ${q}`);
  if (!(dof > 0)) throw new NsbiInputError(`studentTQuantile: degrees of freedom must be positive, got ${dof}`);
  return quantile(q, dof);
}
