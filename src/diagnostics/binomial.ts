import { NsbiInputError } from "../errors.js";

/** Binomial distribution CDF and quantiles (for SBC bands and their plots). */

/**
 * Quantile of Binomial(n, p): the smallest k with P(X ≤ k) ≥ q (scipy's binom.ppf).
 *
 * @param n trials (integer ≥ 0).
 * @param p success probability in [0, 1].
 * @param q probability in [0, 1].
 * @see Johnson, Kemp & Kotz 2005, "Univariate Discrete Distributions", ch. 3.
 */
export function binomialQuantile(n: number, p: number, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new NsbiInputError(`binomialQuantile: q must be in [0, 1], got ${q}`);
  return quantileFromCdf(binomialCdf(n, p), q);
}

/** CDF P(X ≤ k) of Binomial(n, p) at k = 0..n, by the pmf recurrence in log space (no underflow for large n). */
export function binomialCdf(n: number, p: number): Float64Array {
  if (!Number.isInteger(n) || n < 0) throw new NsbiInputError(`binomial: n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new NsbiInputError(`binomial: p must be in [0, 1], got ${p}`);
  const cdf = new Float64Array(n + 1);
  if (p === 0) { cdf.fill(1); return cdf; }
  if (p === 1) { cdf[n] = 1; return cdf; }
  const lr = Math.log(p) - Math.log1p(-p);
  let lpmf = n * Math.log1p(-p), acc = 0;
  for (let k = 0; k <= n; k++) {
    acc += Math.exp(lpmf);
    cdf[k] = Math.min(acc, 1);
    lpmf += Math.log((n - k) / (k + 1)) + lr;
  }
  return cdf;
}

/** Smallest k with cdf[k] ≥ q (a binomial CDF table from binomialCdf). */
export function quantileFromCdf(cdf: Float64Array, q: number): number {
  // relative tolerance: the accumulated CDF carries rounding of order 1e-15
  for (let k = 0; k < cdf.length; k++) if (cdf[k] >= q * (1 - 1e-12)) return k;
  return cdf.length - 1;
}
