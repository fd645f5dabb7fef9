import { NsbiInputError } from "../../errors.js";
import { meanStd } from "../../numerics/moments.js";
import { quantileSorted } from "../../numerics/quantile.js";

/**
 * The statistics of the w_i f_i coverage study (docs/ensembles.md): coverage of |z| ≤ 1 with its
 * binomial standard error, the z distribution's mean and width, and the sandwich check's ratios of
 * empirical to predicted variances.
 */

/** The nominal coverage of |z| ≤ 1. */
export const NOMINAL_COVERAGE = 0.6826894921370859;

/** Coverage of a set of pseudo-experiments of one method. */
export interface CoverageSummary {
  /** pseudo-experiments */
  n: number;
  /** fraction with |z| ≤ 1 */
  coverage: number;
  /** binomial standard error √(p(1 − p)/n) of the measured coverage */
  coverageError: number;
  /** mean and sample standard deviation of z (a calibrated method: 0 and 1) */
  zMean: number;
  zSd: number;
  /** mean reported error σ of κ̂ */
  meanSigma: number;
}

/** The binomial standard error of a fraction p measured on n trials. */
export function binomialError(p: number, n: number): number {
  return n > 0 ? Math.sqrt((p * (1 - p)) / n) : Number.NaN;
}

/**
 * Coverage, z mean and s.d. and mean σ of pseudo-experiments given their z-scores and errors.
 * @throws NsbiInputError for no values or lengths that differ
 */
export function coverageSummary(z: readonly number[], sigma: readonly number[]): CoverageSummary {
  const n = z.length;
  if (n === 0 || sigma.length !== n)
    throw new NsbiInputError(`coverageSummary: need equal, non-zero numbers of z and σ (got ${n}, ${sigma.length})`);
  let covered = 0;
  for (const v of z) if (Math.abs(v) <= 1) covered++;
  const coverage = covered / n,
    zs = meanStd(z);
  return {
    n,
    coverage,
    coverageError: binomialError(coverage, n),
    zMean: zs.mean,
    zSd: n > 1 ? zs.std : Number.NaN,
    meanSigma: meanStd(sigma).mean,
  };
}

/**
 * Per column j: the sample variance (n − 1) of rows[·][j] over the rows divided by the mean of
 * predicted[·][j] (a predicted variance per row) — the sandwich check's Var(ŵ_j) / mean diag(C)_jj, or
 * Var(ŵ·f(x)) / mean fᵀCf at a point.
 * @throws NsbiInputError for fewer than 2 rows or rows of different lengths
 */
export function varianceRatios(
  rows: readonly (readonly number[])[],
  predicted: readonly (readonly number[])[],
): number[] {
  if (rows.length < 2 || predicted.length !== rows.length)
    throw new NsbiInputError(
      `varianceRatios: need ≥ 2 rows and a prediction per row (got ${rows.length}, ${predicted.length})`,
    );
  const cols = rows[0].length;
  return Array.from({ length: cols }, (_, j) => {
    const empirical = meanStd(rows.map((r) => r[j])).std ** 2;
    return empirical / meanStd(predicted.map((p) => p[j])).mean;
  });
}

/** Per column: (mean of rows[·][j] − truth[j]) / √(mean predicted variance) — a bias in units of the predicted σ. */
export function biasInSigma(
  rows: readonly (readonly number[])[],
  predicted: readonly (readonly number[])[],
  truth: readonly number[],
): number[] {
  return truth.map(
    (t, j) => (meanStd(rows.map((r) => r[j])).mean - t) / Math.sqrt(meanStd(predicted.map((p) => p[j])).mean),
  );
}

/** Median, mean, range of a set of variance ratios and how many are within ±15% of 1 (the spec's acceptance). */
export interface RatioSummary {
  n: number;
  median: number;
  mean: number;
  min: number;
  max: number;
  within15: number;
}

export function ratioSummary(ratios: readonly number[]): RatioSummary {
  if (ratios.length === 0) throw new NsbiInputError("ratioSummary: no ratios");
  const sorted = [...ratios].sort((a, b) => a - b);
  return {
    n: ratios.length,
    median: quantileSorted(sorted, 0.5),
    mean: meanStd(ratios).mean,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    within15: ratios.filter((r) => Math.abs(r - 1) <= 0.15).length,
  };
}

/** The sampling error of one variance ratio over S sets (Gaussian values): √(2/(S − 1)). */
export function varianceRatioError(sets: number): number {
  return Math.sqrt(2 / (sets - 1));
}
