import { NsbiInputError } from "../errors.js";
import { quantileSorted } from "../numerics/quantile.js";
import { checkCalibrationSamples, sortedMarginals, unitGrid, type CalibrationSamples } from "./calibration-samples.js";

/** Summary of a coverage curve against the diagonal. */
export interface CoverageDeviation {
  /** Mean over the levels of (coverage − level): < 0 over-confident, > 0 under-confident. */
  meanDeviation: number;
  /** The signed (coverage − level) of largest magnitude. */
  maxDeviation: number;
}

/** HPD expected coverage (sbi's `run_sbc(..., reduce_fns=posterior.log_prob)` + `check_sbc`). */
export interface ExpectedCoverageResult extends CoverageDeviation {
  /** Credibility levels 1 − α, a uniform grid on [0, 1]. */
  levels: number[];
  /** EC(1 − α) = fraction of tests with r* ≤ 1 − α. */
  coverage: number[];
  /** r*_i = fraction of the draws of test i with log q greater than log q(θ*_i). */
  hpdLevels: number[];
}

/** Per-parameter coverage of central (equal-tailed) credible intervals. */
export interface CentralCoverageResult {
  /** Nominal levels, default 0.05, 0.10, …, 0.95. */
  levels: number[];
  /** coverage[p][k] = fraction of tests whose θ*_p lies in the central level_k interval of the draws. */
  coverage: number[][];
  /** Per parameter. */
  deviation: CoverageDeviation[];
}

/**
 * Expected coverage of highest-posterior-density regions, estimated from samples as sbi does:
 * for each test, r* = #{l : log q(θ_l | x) > log q(θ* | x)}/L is the credibility of the smallest
 * HPD region containing θ*; the region of credibility 1 − α covers θ* iff r* ≤ 1 − α, so
 * EC(1 − α) = mean_i [r*_i ≤ 1 − α], which equals 1 − α when q is calibrated. Normalising
 * constants (e.g. leakage corrections) cancel within one test, so unnormalised log q is fine.
 *
 * @param logProbDraws log q of every draw, [numTests, numSamples] row-major.
 * @param logProbTrue log q(θ*_i | x_i), [numTests] (−Infinity allowed: θ* outside the support).
 * @param numSamples L, draws per test.
 * @param opts points of the level grid on [0, 1] (default 101).
 * @see Deistler, Goncalves & Macke 2022, "Truncated proposals for scalable and hassle-free
 *   simulation-based inference", arXiv:2210.04815, §4 and App. (sample-based expected coverage);
 *   Hermans et al. 2022, "A trust crisis in simulation-based inference?", arXiv:2110.06581.
 */
export function expectedCoverage(
  logProbDraws: ArrayLike<number>,
  logProbTrue: ArrayLike<number>,
  numSamples: number,
  opts: { points?: number } = {},
): ExpectedCoverageResult {
  const N = logProbTrue.length,
    L = numSamples;
  if (!Number.isInteger(L) || L < 1)
    throw new NsbiInputError(`expectedCoverage: numSamples must be a positive integer, got ${L}`);
  if (N < 1) throw new NsbiInputError("expectedCoverage: logProbTrue must hold at least one value");
  if (logProbDraws.length !== N * L)
    throw new NsbiInputError(
      `expectedCoverage: logProbDraws has ${logProbDraws.length} values, expected numTests x numSamples = ${N} x ${L}`,
    );
  const levels = unitGrid(opts.points ?? 101, "expectedCoverage");
  const hpdLevels: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = logProbTrue[i];
    if (Number.isNaN(t) || t === Infinity)
      throw new NsbiInputError(`expectedCoverage: logProbTrue value ${i} is ${t}, expected a number or -Infinity`);
    let above = 0;
    for (let l = 0; l < L; l++) {
      const v = logProbDraws[i * L + l];
      if (Number.isNaN(v)) throw new NsbiInputError(`expectedCoverage: logProbDraws value ${i * L + l} is NaN`);
      if (v > t) above++;
    }
    hpdLevels.push(above / L);
  }
  const sorted = Float64Array.from(hpdLevels).sort();
  // fraction ≤ c by a sweep over the sorted r* (tiny tolerance: c comes from k/(K−1) rounding)
  const coverage: number[] = [];
  let j = 0;
  for (const c of levels) {
    while (j < N && sorted[j] <= c + 1e-12) j++;
    coverage.push(j / N);
  }
  return { levels, coverage, hpdLevels, ...deviation(levels, coverage) };
}

/**
 * Coverage of central credible intervals per parameter: for each level c the interval between
 * the (1 − c)/2 and (1 + c)/2 quantiles (linear interpolation, NumPy's default) of the marginal
 * draws; coverage is the fraction of tests with θ*_p inside (bounds included). Calibrated
 * marginals give coverage ≈ c; lower is over-confident, higher under-confident.
 *
 * @param s true parameters and posterior draws (see CalibrationSamples).
 * @param opts levels (default 0.05, 0.10, …, 0.95); sorted: sortedMarginals(s) if already computed.
 * @see Hermans et al. 2022, "A trust crisis in simulation-based inference?", arXiv:2110.06581;
 *   Talts et al. 2018, arXiv:1804.06788.
 */
export function centralIntervalCoverage(
  s: CalibrationSamples,
  opts: { levels?: number[]; sorted?: Float64Array } = {},
): CentralCoverageResult {
  const [N, L, P] = checkCalibrationSamples(s, "centralIntervalCoverage");
  const levels = opts.levels ?? Array.from({ length: 19 }, (_, k) => Math.round(5 * (k + 1)) / 100);
  for (const c of levels)
    if (!(c > 0 && c < 1)) throw new NsbiInputError(`centralIntervalCoverage: levels must lie in (0, 1), got ${c}`);
  const sorted = opts.sorted ?? sortedMarginals(s);
  if (sorted.length !== N * P * L)
    throw new NsbiInputError(`centralIntervalCoverage: sorted has ${sorted.length} values, expected ${N * P * L}`);
  const coverage = Array.from({ length: P }, () => new Array<number>(levels.length).fill(0));
  for (let i = 0; i < N; i++)
    for (let p = 0; p < P; p++) {
      const start = (i * P + p) * L,
        th = s.thetaTrue[i * P + p];
      levels.forEach((c, k) => {
        const lo = quantileSorted(sorted, (1 - c) / 2, start, L),
          hi = quantileSorted(sorted, (1 + c) / 2, start, L);
        if (th >= lo && th <= hi) coverage[p][k]++;
      });
    }
  for (const row of coverage) for (let k = 0; k < row.length; k++) row[k] /= N;
  return { levels, coverage, deviation: coverage.map((c) => deviation(levels, c)) };
}

function deviation(levels: number[], coverage: number[]): CoverageDeviation {
  let mean = 0,
    max = 0;
  levels.forEach((c, k) => {
    const d = coverage[k] - c;
    mean += d;
    if (Math.abs(d) > Math.abs(max)) max = d;
  });
  return { meanDeviation: mean / levels.length, maxDeviation: max };
}
