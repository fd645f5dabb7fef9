/**
 * Binomial distribution quantiles and the simulation-based-calibration bands built on them.
 */

import { NsbiInputError } from "../errors.js";
import { binomialCdf, binomialQuantile, quantileFromCdf } from "../diagnostics/binomial.js";

export { binomialCdf, binomialQuantile };

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
