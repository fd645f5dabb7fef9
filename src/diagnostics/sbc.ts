import { NsbiInputError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import { meanStd } from "../numerics/moments.js";
import { checkCalibrationSamples, type CalibrationSamples } from "./calibration-samples.js";
import { ksOneSample, ksTwoSample, type KsResult } from "./ks.js";

/** Result of simulation-based calibration (one entry per parameter in every array). */
export interface SbcResult {
  numTests: number;
  /** L: posterior draws per test; ranks take the L + 1 values 0..L. */
  numSamples: number;
  /** ranks[p][i] = #{l : draw_{i,l,p} < θ*_{i,p}}. */
  ranks: number[][];
  /** Jittered fractional ranks u = (rank + U)/(L + 1), U ~ U(0,1) seeded: exactly U(0,1) under calibration. */
  fractionalRanks: number[][];
  /** KS test of the fractional ranks against U(0, 1), per parameter. */
  ks: KsResult[];
  /** Mean of the fractional ranks (0.5 when calibrated; < 0.5: posterior biased high). */
  rankMean: number[];
  /** Variance of the fractional ranks (1/12 when calibrated; larger: over-confident, smaller: under-confident). */
  rankVariance: number[];
}

/** Data-averaged posterior vs prior, per parameter (Talts et al. 2018, eq. 1). */
export interface DataAveragedPosteriorCheck {
  /** Mean and std (n − 1) of the prior draws (θ* unless other prior draws were given). */
  priorMean: number[];
  priorStd: number[];
  /** Mean and std of all N·L pooled posterior draws. */
  posteriorMean: number[];
  posteriorStd: number[];
  /** Two-sample KS between the prior draws and the first posterior draw of each test. */
  ks: KsResult[];
}

export interface SbcOptions {
  /** Seed of the rank jitter U. Default 0. */
  seed?: number;
}

/**
 * Ranks of θ* among the posterior draws, per marginal: rank_{i,p} = #{l : draw_{i,l,p} < θ*_{i,p}}
 * (sbi's `run_sbc` with reduce_fns="marginals"). Under calibration each rank is uniform on {0..L}.
 *
 * @param s true parameters and posterior draws (see CalibrationSamples).
 * @see Talts et al. 2018, "Validating Bayesian inference algorithms with simulation-based
 *   calibration", arXiv:1804.06788, Algorithm 1.
 */
export function sbcRanks(s: CalibrationSamples): number[][] {
  const [N, L, P] = checkCalibrationSamples(s, "sbcRanks");
  const ranks = Array.from({ length: P }, () => new Array<number>(N).fill(0));
  const { thetaTrue: t, draws: d } = s;
  for (let i = 0; i < N; i++)
    for (let p = 0; p < P; p++) {
      const th = t[i * P + p];
      let r = 0;
      for (let l = 0, q = i * L * P + p; l < L; l++, q += P) if (d[q] < th) r++;
      ranks[p][i] = r;
    }
  return ranks;
}

/**
 * Simulation-based calibration: ranks per marginal and a Kolmogorov–Smirnov test of their
 * uniformity. The discrete ranks are made continuous as u = (rank + U)/(L + 1) with U ~ U(0, 1)
 * from a seeded Rng: under calibration rank is uniform on {0..L}, so u is exactly U(0, 1) and the
 * KS p-value is valid (sbi instead tests rank/L without jitter, which is slightly conservative).
 *
 * @param s true parameters and posterior draws (see CalibrationSamples).
 * @param opts seed of the jitter.
 * @see Talts et al. 2018, arXiv:1804.06788; sbi's `check_sbc` (sbi/diagnostics/sbc.py).
 */
export function sbc(s: CalibrationSamples, opts: SbcOptions = {}): SbcResult {
  const ranks = sbcRanks(s);
  const L = s.numSamples,
    N = s.numTests,
    rng = new Rng(opts.seed ?? 0);
  const fractionalRanks = ranks.map((r) => r.map((v) => (v + rng.uniform()) / (L + 1)));
  const rankMean = fractionalRanks.map((u) => u.reduce((a, b) => a + b, 0) / N);
  const rankVariance = fractionalRanks.map(
    (u, p) => u.reduce((a, b) => a + (b - rankMean[p]) ** 2, 0) / Math.max(N - 1, 1),
  );
  return {
    numTests: N,
    numSamples: L,
    ranks,
    fractionalRanks,
    ks: fractionalRanks.map((u) => ksOneSample(u)),
    rankMean,
    rankVariance,
  };
}

/**
 * Data-averaged posterior check: if q(θ | x) is calibrated, draws pooled over x ~ p(x | θ*),
 * θ* ~ p(θ) follow the prior. Per parameter we report the means and standard deviations of the
 * prior draws and of all pooled posterior draws, and a two-sample KS test between the prior draws
 * and ONE draw per test (the first: independent draws from the data-averaged posterior, as sbi's
 * `dap_samples`; pooling all L draws of a test would make them dependent and the KS p-value
 * wrong). sbi compares the two with C2ST instead; KS keeps this check cheap and per-parameter.
 *
 * @param s true parameters and posterior draws (see CalibrationSamples).
 * @param priorSamples prior draws [M, numParams]; default θ* itself (which are prior draws).
 * @see Talts et al. 2018, arXiv:1804.06788, eq. (1).
 */
export function dataAveragedPosteriorCheck(
  s: CalibrationSamples,
  priorSamples: ArrayLike<number> = s.thetaTrue,
): DataAveragedPosteriorCheck {
  const [N, L, P] = checkCalibrationSamples(s, "dataAveragedPosteriorCheck");
  if (priorSamples.length === 0 || priorSamples.length % P !== 0) {
    throw new NsbiInputError(
      `dataAveragedPosteriorCheck: priorSamples has ${priorSamples.length} values, expected rows of numParams = ${P}`,
    );
  }
  const M = priorSamples.length / P,
    d = s.draws;
  const out: DataAveragedPosteriorCheck = { priorMean: [], priorStd: [], posteriorMean: [], posteriorStd: [], ks: [] };
  for (let p = 0; p < P; p++) {
    const prior = Float64Array.from({ length: M }, (_, i) => priorSamples[i * P + p]);
    const pr = meanStd(prior),
      post = meanStd(Float64Array.from({ length: N * L }, (_, i) => d[i * P + p]));
    const first = Float64Array.from({ length: N }, (_, i) => d[i * L * P + p]);
    // a single value has no spread: 0 rather than NaN, so the verdict sees a degenerate check
    out.priorMean.push(pr.mean);
    out.priorStd.push(M > 1 ? pr.std : 0);
    out.posteriorMean.push(post.mean);
    out.posteriorStd.push(N * L > 1 ? post.std : 0);
    out.ks.push(ksTwoSample(prior, first));
  }
  return out;
}
