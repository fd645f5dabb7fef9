/**
 * Binomial distribution quantiles and the simulation-based-calibration bands built on them.
 */

import { NsbiInputError } from "../errors.js";

function logFactorialTable(n: number): Float64Array {
  const t = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) t[i] = t[i - 1]! + Math.log(i);
  return t;
}

/**
 * The binomial CDF P(X ≤ k) for X ~ Binomial(n, p), for every k = 0 … n.
 */
export function binomialCdf(n: number, p: number): Float64Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new NsbiInputError(`n: expected a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new NsbiInputError(`p: expected a probability in [0, 1], got ${p}`);
  const cdf = new Float64Array(n + 1);
  if (p === 0 || p === 1) {
    for (let k = 0; k <= n; k++) cdf[k] = p === 0 || k === n ? 1 : 0;
    return cdf;
  }
  const lf = logFactorialTable(n), lp = Math.log(p), lq = Math.log1p(-p);
  let acc = 0;
  for (let k = 0; k <= n; k++) {
    acc += Math.exp(lf[n]! - lf[k]! - lf[n - k]! + k * lp + (n - k) * lq);
    cdf[k] = Math.min(1, acc);
  }
  return cdf;
}

/**
 * The binomial quantile: the smallest k with P(X ≤ k) ≥ q, for X ~ Binomial(n, p) (the
 * convention of R's `qbinom` and SciPy's `binom.ppf`).
 * @param q - probability in [0, 1]
 */
export function binomialQuantile(n: number, p: number, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new NsbiInputError(`q: expected a probability in [0, 1], got ${q}`);
  return quantileFromCdf(binomialCdf(n, p), q);
}

function quantileFromCdf(cdf: Float64Array, q: number): number {
  // tolerate rounding in the summed pmf (1e-12), as SciPy does
  for (let k = 0; k < cdf.length; k++) if (cdf[k]! >= q * (1 - 1e-12)) return k;
  return cdf.length - 1;
}

/** The band of a histogram of SBC ranks. */
export interface SbcBand {
  /** Lower and upper count of the band (the same for every bin). */
  lower: number;
  upper: number;
  /** Expected count per bin. */
  expected: number;
}

/**
 * The band a uniform rank histogram stays inside with probability `confidence` per bin: with
 * `nSims` ranks spread over `bins` equally likely bins, each count is Binomial(nSims, 1/bins),
 * and the band is its central `confidence` interval (Talts et al. 2018).
 * @param nSims - number of ranks (simulations)
 * @param bins - number of histogram bins
 * @param confidence - e.g. 0.99
 */
export function sbcHistogramBand(nSims: number, bins: number, confidence = 0.99): SbcBand {
  if (!Number.isSafeInteger(bins) || bins < 1) throw new NsbiInputError(`bins: expected a positive integer, got ${bins}`);
  if (!(confidence > 0 && confidence < 1)) throw new NsbiInputError(`confidence: expected a number strictly between 0 and 1, got ${confidence}`);
  const cdf = binomialCdf(nSims, 1 / bins);
  const a = (1 - confidence) / 2;
  return { lower: quantileFromCdf(cdf, a), upper: quantileFromCdf(cdf, 1 - a), expected: nSims / bins };
}

/**
 * Pointwise band for the ECDF difference ECDF(z) − z of `nSims` uniform ranks: at each `z`,
 * n·ECDF(z) ~ Binomial(n, z), so the band is its central `confidence` interval divided by n,
 * minus z. (Pointwise, hence narrower than the simultaneous band of Säilynoja et al. 2022.)
 * @returns lower and upper ECDF-difference bounds at each z
 */
export function ecdfDifferenceBand(nSims: number, z: readonly number[], confidence = 0.99): { lower: number[]; upper: number[] } {
  if (!Number.isSafeInteger(nSims) || nSims < 1) throw new NsbiInputError(`nSims: expected a positive integer, got ${nSims}`);
  if (!(confidence > 0 && confidence < 1)) throw new NsbiInputError(`confidence: expected a number strictly between 0 and 1, got ${confidence}`);
  const a = (1 - confidence) / 2;
  const lower: number[] = [], upper: number[] = [];
  for (const zi of z) {
    const cdf = binomialCdf(nSims, Math.min(1, Math.max(0, zi)));
    lower.push(quantileFromCdf(cdf, a) / nSims - zi);
    upper.push(quantileFromCdf(cdf, 1 - a) / nSims - zi);
  }
  return { lower, upper };
}
