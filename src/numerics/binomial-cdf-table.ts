import { NsbiInputError } from "../errors.js";

/**
 * The whole CDF of Binomial(n, p) at k = 0..n in O(n), and quantiles read off such a table.
 * Hand-written because the simultaneous SBC band looks up every count at every evaluation point
 * for each of its simulations: one table per point instead of n + 1 incomplete-beta calls
 * (@stdlib's binomial CDF would be ~1,000× slower for the whole table).
 */

/**
 * CDF P(X ≤ k) of Binomial(n, p) at k = 0..n. The pmf is built by its ratio recurrence outward
 * from the mode, relative to the mode's value, and normalised by its sum, so no term underflows
 * near the mode and rounding does not accumulate from a tiny start value (relative error of the
 * CDF ~1e-13 for n up to 10⁵ against scipy).
 * @param n trials (integer ≥ 0)
 * @param p success probability in [0, 1]
 */
export function binomialCdfTable(n: number, p: number): Float64Array {
  if (!Number.isInteger(n) || n < 0)
    throw new NsbiInputError(`binomialCdfTable: n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new NsbiInputError(`binomialCdfTable: p must be in [0, 1], got ${p}`);
  const cdf = new Float64Array(n + 1);
  if (p === 0) {
    cdf.fill(1);
    return cdf;
  }
  if (p === 1) {
    cdf[n] = 1;
    return cdf;
  }
  const w = new Float64Array(n + 1),
    r = p / (1 - p);
  const mode = Math.min(n, Math.floor((n + 1) * p));
  w[mode] = 1;
  // pmf(k+1)/pmf(k) = (n − k)/(k + 1) · p/(1 − p); below 1e-300 the rest is zero in double
  for (let k = mode; k < n && w[k] > 1e-300; k++) w[k + 1] = w[k] * ((n - k) / (k + 1)) * r;
  for (let k = mode; k > 0 && w[k] > 1e-300; k--) w[k - 1] = (w[k] * (k / (n - k + 1))) / r;
  let total = 0;
  for (let k = 0; k <= n; k++) total += w[k];
  let acc = 0;
  for (let k = 0; k <= n; k++) {
    acc += w[k];
    cdf[k] = Math.min(1, acc / total);
  }
  return cdf;
}

/**
 * Smallest k with cdf[k] ≥ q, for a table from binomialCdfTable (a relative 1e-12 allowance
 * absorbs the rounding of the summed table, so an exact 0.5 is not missed by one ulp).
 */
export function quantileFromCdfTable(cdf: ArrayLike<number>, q: number): number {
  for (let k = 0; k < cdf.length; k++) if (cdf[k] >= q * (1 - 1e-12)) return k;
  return cdf.length - 1;
}
