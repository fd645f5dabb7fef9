import cdf from "@stdlib/stats-base-dists-binomial-cdf";
import quantile from "@stdlib/stats-base-dists-binomial-quantile";
import { NsbiInputError } from "../errors.js";

/**
 * The binomial distribution's CDF and quantile at single points, from @stdlib (regularised
 * incomplete beta; relative error ~1e-13). For the whole CDF at once see binomialCdfTable.
 */

function checkNp(n: number, p: number, fn: string): void {
  if (!Number.isInteger(n) || n < 0) throw new NsbiInputError(`${fn}: n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new NsbiInputError(`${fn}: p must be in [0, 1], got ${p}`);
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p).
 * @param k any real (the CDF is a step function: 0 below 0, 1 from n on)
 * @param n trials (integer ≥ 0)
 * @param p success probability in [0, 1]
 */
export function binomialCdf(k: number, n: number, p: number): number {
  checkNp(n, p, "binomialCdf");
  return cdf(k, n, p);
}

/**
 * Quantile of Binomial(n, p): the smallest k with P(X ≤ k) ≥ q (scipy's binom.ppf).
 * @param n trials (integer ≥ 0)
 * @param p success probability in [0, 1]
 * @param q probability in [0, 1]
 * @see Johnson, Kemp & Kotz 2005, "Univariate Discrete Distributions", ch. 3.
 * @example
 * ```ts
 * binomialQuantile(1000, 0.05, 0.995); // 69
 * ```
 */
export function binomialQuantile(n: number, p: number, q: number): number {
  checkNp(n, p, "binomialQuantile");
  if (!(q >= 0 && q <= 1)) throw new NsbiInputError(`binomialQuantile: q must be in [0, 1], got ${q}`);
  return quantile(q, n, p) + 0; // @stdlib returns −0 for some k = 0 (e.g. n = 60, p = 0.05, q = 0.005); JSON would not round-trip it
}
