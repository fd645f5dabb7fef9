import type { CoverageDeviation } from "./expected-coverage.js";
import type { PullFit } from "./pulls.js";
import type { DataAveragedPosteriorCheck, SbcResult } from "./sbc.js";
import type { TarpResult } from "./tarp.js";

/** What a calibration diagnostic says about a posterior estimate. */
export type CalibrationVerdict = "calibrated" | "over-confident" | "under-confident" | "biased";

/** One classified diagnostic, with the number that decided it and the rule applied. */
export interface Verdict {
  /** E.g. "expected-coverage", "central-coverage", "tarp", "pulls", "sbc", "data-averaged-posterior". */
  diagnostic: string;
  /** Parameter name for per-parameter diagnostics, null for joint ones. */
  parameter: string | null;
  verdict: CalibrationVerdict;
  /** Name and value of the deciding statistic. */
  statistic: string;
  /** null when the statistic is not finite (e.g. no finite pull). */
  value: number | null;
  /** The rule, with the thresholds as numbers. */
  rule: string;
}

/** p-value below which a uniformity (KS) test counts as failed. */
export const P_VALUE_THRESHOLD = 0.01;

/**
 * Coverage curve (HPD expected coverage or central-interval coverage) → verdict. Tolerance
 * tol = max(0.05, 1.63/√N), 1.63/√N being the 99% Kolmogorov band of an N-point ECDF. If
 * |maxDeviation| ≤ tol: calibrated; otherwise meanDeviation < 0 (coverage below the diagonal:
 * intervals too narrow) is over-confident and > 0 under-confident.
 *
 * @param dev the curve's deviation summary.
 * @param numTests N, the number of test pairs behind the curve.
 * @param diagnostic label; parameter name or null.
 * @see Hermans et al. 2022, "A trust crisis in simulation-based inference?", arXiv:2110.06581.
 */
export function coverageVerdict(
  dev: CoverageDeviation,
  numTests: number,
  diagnostic = "expected-coverage",
  parameter: string | null = null,
): Verdict {
  const tol = Math.max(0.05, 1.63 / Math.sqrt(numTests));
  const v: CalibrationVerdict =
    Math.abs(dev.maxDeviation) <= tol ? "calibrated" : dev.meanDeviation < 0 ? "over-confident" : "under-confident";
  return {
    diagnostic,
    parameter,
    verdict: v,
    statistic: "max |coverage - level|",
    value: Math.abs(dev.maxDeviation),
    rule: `calibrated if <= ${round(tol)} (max(0.05, 1.63/sqrt(N))); else mean deviation ${round(dev.meanDeviation)} < 0 over-confident, > 0 under-confident`,
  };
}

/**
 * Pulls fit → verdict. Width tolerance w = max(0.1, 3/√(2N)) (three standard errors of a sample
 * standard deviation; 0.1 for N ≥ 450): width > 1 + w over-confident, < 1 − w under-confident;
 * otherwise |mean| > m = max(0.2, 3/√N) biased; else calibrated.
 *
 * @param fit the Gaussian fit of one parameter's pulls.
 * @param numTests N.
 * @param parameter parameter name.
 * @see Demortier & Lyons 2002, "Everything you always wanted to know about pulls", CDF/ANAL/PUBLIC/5776.
 */
export function pullsVerdict(fit: PullFit, numTests: number, parameter: string | null = null): Verdict {
  const w = Math.max(0.1, 3 / Math.sqrt(2 * numTests)),
    m = Math.max(0.2, 3 / Math.sqrt(numTests));
  // no finite pull at all means every posterior collapsed to a point: infinitely over-confident
  const width = fit.width ?? Infinity,
    mean = fit.mean ?? 0;
  let v: CalibrationVerdict = "calibrated",
    statistic = "pull width",
    value = width;
  if (!(width <= 1 + w)) v = "over-confident";
  else if (width < 1 - w) v = "under-confident";
  else if (Math.abs(mean) > m) {
    v = "biased";
    statistic = "|pull mean|";
    value = Math.abs(mean);
  }
  return {
    diagnostic: "pulls",
    parameter,
    verdict: v,
    statistic,
    value: Number.isFinite(value) ? value : null,
    rule: `width > ${round(1 + w)} over-confident, < ${round(1 - w)} under-confident; else |mean| > ${round(m)} biased (width ${round(width)}, mean ${round(mean)})`,
  };
}

/**
 * TARP → verdict. KS p-value of the f_i against U(0, 1) ≥ 0.01: calibrated. Otherwise the area to
 * curve decides: ATC < −0.01 over-confident (ECP below the diagonal), > 0.01 under-confident,
 * in between biased (the curve crosses the diagonal).
 *
 * @param r the TARP result.
 * @see Lemos et al. 2023, arXiv:2302.03026, Fig. 2; sbi's `check_tarp`.
 */
export function tarpVerdict(r: TarpResult): Verdict {
  const v: CalibrationVerdict =
    r.ks.pValue >= P_VALUE_THRESHOLD
      ? "calibrated"
      : r.atc < -0.01
        ? "over-confident"
        : r.atc > 0.01
          ? "under-confident"
          : "biased";
  return {
    diagnostic: "tarp",
    parameter: null,
    verdict: v,
    statistic: "KS p-value of f",
    value: r.ks.pValue,
    rule: `calibrated if p >= ${P_VALUE_THRESHOLD}; else ATC ${round(r.atc)} < -0.01 over-confident, > 0.01 under-confident, otherwise biased`,
  };
}

/**
 * SBC ranks of one parameter → verdict. KS p-value of the fractional ranks ≥ 0.01: calibrated.
 * Otherwise compare z-scores of the rank mean, z_m = (mean − 1/2)/√(1/(12N)), and of the rank
 * variance, z_v = (var − 1/12)/√(1/(180N)) (1/180 = Var((u − 1/2)²) for u ~ U(0, 1)):
 * |z_m| > |z_v| biased; else z_v > 0 (U-shaped histogram) over-confident, z_v < 0 (∩-shaped)
 * under-confident.
 *
 * @param r the SBC result.
 * @param p parameter index.
 * @param parameter parameter name.
 * @see Talts et al. 2018, arXiv:1804.06788, Figs. 3–5 (rank histogram shapes).
 */
export function sbcVerdict(r: SbcResult, p: number, parameter: string | null = null): Verdict {
  const N = r.numTests,
    zm = (r.rankMean[p] - 0.5) / Math.sqrt(1 / (12 * N)),
    zv = (r.rankVariance[p] - 1 / 12) / Math.sqrt(1 / (180 * N));
  const v: CalibrationVerdict =
    r.ks[p].pValue >= P_VALUE_THRESHOLD
      ? "calibrated"
      : Math.abs(zm) > Math.abs(zv)
        ? "biased"
        : zv > 0
          ? "over-confident"
          : "under-confident";
  return {
    diagnostic: "sbc",
    parameter,
    verdict: v,
    statistic: "KS p-value of ranks",
    value: r.ks[p].pValue,
    rule: `calibrated if p >= ${P_VALUE_THRESHOLD}; else |z_mean| = ${round(Math.abs(zm))} > |z_var| = ${round(Math.abs(zv))} biased, z_var > 0 over-confident, < 0 under-confident`,
  };
}

/**
 * Data-averaged posterior vs prior, one parameter → verdict. Two-sample KS p ≥ 0.01: calibrated.
 * Otherwise with the std ratio ρ = posteriorStd/priorStd and the mean shift
 * δ = |posteriorMean − priorMean|/priorStd: δ > |ρ − 1| biased, else ρ > 1 under-confident
 * (pooled draws wider than the prior), ρ < 1 over-confident.
 *
 * @param c the check.
 * @param p parameter index.
 * @param parameter parameter name.
 * @see Talts et al. 2018, arXiv:1804.06788, eq. (1).
 */
export function dataAveragedPosteriorVerdict(
  c: DataAveragedPosteriorCheck,
  p: number,
  parameter: string | null = null,
): Verdict {
  const rho = c.posteriorStd[p] / c.priorStd[p],
    delta = Math.abs(c.posteriorMean[p] - c.priorMean[p]) / c.priorStd[p];
  const v: CalibrationVerdict =
    c.ks[p].pValue >= P_VALUE_THRESHOLD
      ? "calibrated"
      : delta > Math.abs(rho - 1)
        ? "biased"
        : rho > 1
          ? "under-confident"
          : "over-confident";
  return {
    diagnostic: "data-averaged-posterior",
    parameter,
    verdict: v,
    statistic: "two-sample KS p-value",
    value: c.ks[p].pValue,
    rule: `calibrated if p >= ${P_VALUE_THRESHOLD}; else mean shift ${round(delta)} > |std ratio - 1| = ${round(Math.abs(rho - 1))} biased, std ratio > 1 under-confident, < 1 over-confident`,
  };
}

/**
 * Combine verdicts: "calibrated" when all are; otherwise the most frequent non-calibrated verdict,
 * ties going to over-confident, then biased, then under-confident (the more dangerous first).
 *
 * @param verdicts the individual verdicts.
 * @see Hermans et al. 2022, arXiv:2110.06581 (over-confidence is the failure that misleads).
 */
export function overallVerdict(verdicts: Verdict[]): CalibrationVerdict {
  const order: CalibrationVerdict[] = ["over-confident", "biased", "under-confident"];
  const counts = order.map((o) => verdicts.filter((v) => v.verdict === o).length);
  const best = Math.max(...counts);
  return best === 0 ? "calibrated" : order[counts.indexOf(best)];
}

function round(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 1e4) / 1e4) : String(v);
}
