import { NsbiInputError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import type { Posterior } from "../inference/posterior.js";
import { sortedMarginals, type CalibrationSamples } from "./calibration-samples.js";
import {
  centralIntervalCoverage,
  expectedCoverage,
  type CentralCoverageResult,
  type ExpectedCoverageResult,
} from "./expected-coverage.js";
import { pulls, type PullsResult } from "./pulls.js";
import { dataAveragedPosteriorCheck, sbc, type DataAveragedPosteriorCheck, type SbcResult } from "./sbc.js";
import { sbcEcdfBands, sbcRankHistogram, type EcdfBands, type RankHistogram } from "./sbc-bands.js";
import { tarp, type TarpNormalization, type TarpResult } from "./tarp.js";
import {
  coverageVerdict,
  dataAveragedPosteriorVerdict,
  overallVerdict,
  pullsVerdict,
  sbcVerdict,
  tarpVerdict,
  type CalibrationVerdict,
  type Verdict,
} from "./verdict.js";

/** Progress of runDiagnostics: observations sampled so far, then one call per later stage. */
export interface DiagnosticsProgress {
  stage: "sampling" | "log-prob" | "diagnostics";
  done: number;
  total: number;
}

export interface DiagnosticsOptions {
  /** L: posterior draws per test observation. */
  numSamples: number;
  /** Seed of every random choice (posterior draws, rank jitter, TARP references, band simulations). Default 0. */
  seed?: number;
  onProgress?: (p: DiagnosticsProgress) => void;
  /** Observations per sampling call (progress granularity; the draws do not depend on it). Default 100. */
  chunkObservations?: number;
  /** Rank-histogram bins (default min(20, L + 1)). */
  rankBins?: number;
  /** TARP normalisation (default "minmax", as sbi) and α grid points (default 101). */
  tarpNormalization?: TarpNormalization;
  tarpPoints?: number;
}

/** Everything runDiagnostics computes; plain numbers, arrays, strings and nulls (JSON-safe). */
export interface DiagnosticsReport {
  schema: "nsbi-diagnostics/1";
  numTests: number;
  numSamples: number;
  parameterNames: string[];
  seed: number;
  /** Name of every definition used, so a report can be read without the code. */
  definitions: Record<string, string>;
  /** Leakage acceptance rate per test (mean and minimum); 1 without a bounded prior. */
  acceptance: { mean: number; min: number };
  sbc: SbcResult;
  rankHistogram: RankHistogram;
  ecdf: EcdfBands;
  dataAveragedPosterior: DataAveragedPosteriorCheck;
  expectedCoverage: ExpectedCoverageResult;
  centralCoverage: CentralCoverageResult;
  tarp: TarpResult;
  pulls: PullsResult;
  verdicts: Verdict[];
  overall: CalibrationVerdict;
  seconds: { sampling: number; logProb: number; diagnostics: number };
}

export const DIAGNOSTIC_DEFINITIONS: Record<string, string> = {
  sbc: "Talts et al. 2018 (arXiv:1804.06788): rank = #draws < θ* per marginal; KS of (rank + U)/(L + 1) against U(0,1), U seeded jitter",
  rankHistogram: "per-bin Binomial(N, share of ranks) quantiles; pointwise and Bonferroni-simultaneous bands",
  ecdf: "Säilynoja et al. 2022 (arXiv:2103.10522): F̂(z) − z of the fractional ranks, simultaneous band by simulation",
  dataAveragedPosterior:
    "pooled draws vs θ* (prior draws): means, stds; two-sample KS of θ* vs the first draw of each test",
  expectedCoverage:
    "HPD expected coverage as sbi: r* = #draws with log q > log q(θ*) over L; EC(1−α) = mean[r* ≤ 1−α]; log q without leakage normalisation",
  centralCoverage:
    "fraction of tests with θ*_p in the central level interval of the marginal draws (linear-interpolation quantiles)",
  tarp: "Lemos et al. 2023 (arXiv:2302.03026) as sbi's tarp.py: uniform references in θ*'s box, min-max scaling by θ*, L2, f = #draws closer than θ* over L, ECP(α) = mean[f < α] on a uniform α grid; ATC = Σ_{upper half}(ECP − α)Δα; KS of the jittered (L·f + U)/(L + 1) against U(0,1)",
  pulls: "(posterior mean − θ*)/posterior std per test; Gaussian fit = sample mean and std of the pulls",
  residuals: "relative (θ̂ − θ*)/θ* (θ* = 0 excluded and counted) and absolute θ̂ − θ*",
  verdicts:
    "see verdict.ts: coverage tol max(0.05, 1.63/√N); pulls width 1 ± max(0.1, 3/√(2N)), |mean| > max(0.2, 3/√N); KS p < 0.01",
};

/**
 * Calibration diagnostics of an amortized posterior on N test pairs (θ*_i, x_i) simulated from the
 * prior: draws L samples for every x_i (Posterior.sampleBatched, with the flow's log q of each
 * draw from the same pass), evaluates log q(θ*_i | x_i) in one batched call (normalizeLeakage:
 * false: the leakage constant cancels within one observation), then runs SBC, HPD and
 * central-interval coverage, TARP and pulls and classifies each.
 *
 * @param posterior the posterior q(θ | x) to check.
 * @param thetaTrue true parameters [N, P] (drawn from the prior).
 * @param xs observations [N, D] simulated from thetaTrue.
 * @param opts numSamples L, seed, onProgress and per-diagnostic settings.
 * @see Talts et al. 2018, arXiv:1804.06788; Hermans et al. 2022, arXiv:2110.06581;
 *   Lemos et al. 2023, arXiv:2302.03026.
 */
export function runDiagnostics(
  posterior: Posterior,
  thetaTrue: ArrayLike<number>,
  xs: ArrayLike<number>,
  opts: DiagnosticsOptions,
): DiagnosticsReport {
  const P = posterior.thetaDim,
    D = posterior.xDim,
    L = opts.numSamples,
    seed = opts.seed ?? 0;
  if (!Number.isInteger(L) || L < 2)
    throw new NsbiInputError(`runDiagnostics: numSamples must be an integer >= 2, got ${L}`);
  if (thetaTrue.length === 0 || thetaTrue.length % P !== 0)
    throw new NsbiInputError(
      `runDiagnostics: thetaTrue has ${thetaTrue.length} values, expected N rows of ${P} parameters`,
    );
  const N = thetaTrue.length / P;
  if (xs.length !== N * D)
    throw new NsbiInputError(
      `runDiagnostics: xs has ${xs.length} values, expected ${N} observations x ${D} = ${N * D} (one per row of thetaTrue)`,
    );
  const chunk = opts.chunkObservations ?? 100;
  if (!Number.isInteger(chunk) || chunk < 1)
    throw new NsbiInputError(`runDiagnostics: chunkObservations must be a positive integer, got ${chunk}`);
  const theta32 = Float32Array.from(thetaTrue),
    x32 = Float32Array.from(xs);
  const master = new Rng(seed),
    sampleRng = master.fork();
  const jitterSeed = master.forkSeed(),
    tarpSeed = master.forkSeed(),
    bandSeed = master.forkSeed();
  const progress = opts.onProgress ?? (() => undefined);

  let t0 = performance.now();
  const draws = new Float32Array(N * L * P),
    lpDraws = new Float64Array(N * L),
    rates = new Float64Array(N);
  for (let s = 0; s < N; s += chunk) {
    const m = Math.min(chunk, N - s);
    const r = posterior.sampleBatched(L, x32.subarray(s * D, (s + m) * D), m, { rng: sampleRng, withLogProb: true });
    draws.set(r.samples, s * L * P);
    lpDraws.set(r.logProbs!, s * L);
    rates.set(r.acceptanceRates, s);
    progress({ stage: "sampling", done: s + m, total: N });
  }
  const tSampling = (performance.now() - t0) / 1e3;
  t0 = performance.now();
  const lpTrue = posterior.logProb(theta32, x32, { normalizeLeakage: false });
  const tLogProb = (performance.now() - t0) / 1e3;
  progress({ stage: "log-prob", done: N, total: N });

  t0 = performance.now();
  const samples: CalibrationSamples = { thetaTrue: theta32, draws, numTests: N, numSamples: L, numParams: P };
  const names =
    posterior.parameterNames.length === P
      ? posterior.parameterNames
      : Array.from({ length: P }, (_, i) => `parameter_${i + 1}`);
  const sorted = sortedMarginals(samples);
  const sbcResult = sbc(samples, { seed: jitterSeed });
  const histogram = sbcRankHistogram(sbcResult.ranks, L, opts.rankBins === undefined ? {} : { bins: opts.rankBins });
  const ecdf = sbcEcdfBands(sbcResult.fractionalRanks, { seed: bandSeed });
  const dap = dataAveragedPosteriorCheck(samples);
  const ec = expectedCoverage(lpDraws, lpTrue, L);
  const central = centralIntervalCoverage(samples, { sorted });
  const tarpResult = tarp(samples, {
    seed: tarpSeed,
    normalization: opts.tarpNormalization ?? "minmax",
    points: opts.tarpPoints ?? 101,
  });
  const pullResult = pulls(samples, { sorted });
  const verdicts: Verdict[] = [coverageVerdict(ec, N, "expected-coverage"), tarpVerdict(tarpResult)];
  for (let p = 0; p < P; p++) {
    verdicts.push(
      coverageVerdict(central.deviation[p], N, "central-coverage", names[p]),
      pullsVerdict(pullResult.fit[p], N, names[p]),
      sbcVerdict(sbcResult, p, names[p]),
      dataAveragedPosteriorVerdict(dap, p, names[p]),
    );
  }
  const tDiag = (performance.now() - t0) / 1e3;
  progress({ stage: "diagnostics", done: N, total: N });
  let rateSum = 0,
    rateMin = Infinity;
  for (const r of rates) {
    rateSum += r;
    rateMin = Math.min(rateMin, r);
  }
  return {
    schema: "nsbi-diagnostics/1",
    numTests: N,
    numSamples: L,
    parameterNames: [...names],
    seed,
    definitions: { ...DIAGNOSTIC_DEFINITIONS },
    acceptance: { mean: rateSum / N, min: rateMin },
    sbc: sbcResult,
    rankHistogram: histogram,
    ecdf,
    dataAveragedPosterior: dap,
    expectedCoverage: ec,
    centralCoverage: central,
    tarp: tarpResult,
    pulls: pullResult,
    verdicts,
    overall: overallVerdict(verdicts),
    seconds: { sampling: tSampling, logProb: tLogProb, diagnostics: tDiag },
  };
}
