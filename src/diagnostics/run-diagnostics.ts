import { NsbiInputError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import { McmcPosterior } from "../inference/mcmc-posterior.js";
import { Posterior } from "../inference/posterior.js";
import { sortedMarginals, type CalibrationSamples } from "./calibration-samples.js";
import {
  centralIntervalCoverage,
  expectedCoverage,
  type CentralCoverageResult,
  type ExpectedCoverageResult,
} from "./expected-coverage.js";
import {
  assembleMcmcRuns,
  MCMC_DEFINITIONS,
  type McmcDiagnosticsOptions,
  type McmcRunsSummary,
  runMcmcObservations,
} from "./mcmc-runs.js";
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
  /**
   * MCMC posteriors (NLE/NRE): the sampler settings of every test observation's run (method,
   * chains, warmup, thin, …; runMcmc's defaults otherwise). Ignored for other posteriors.
   */
  mcmc?: McmcDiagnosticsOptions;
}

export { mcmcProblems, type McmcDiagnosticsOptions, type McmcRunsSummary } from "./mcmc-runs.js";

/**
 * What runDiagnostics needs of a posterior: draws for one observation at a time, and the log
 * density of parameter rows given one observation up to a constant that may depend on the
 * observation (the HPD ranks of the expected coverage compare densities within one observation
 * only; no diagnostic needs the normalisation). NPE's `Posterior` and the MCMC posterior of NLE /
 * NRE (`McmcPosterior`) both satisfy it, and for those two runDiagnostics uses their richer calls:
 * NPE's batched draws with log q from the same pass and the leakage acceptance; MCMC's R̂ and ESS.
 */
export interface DiagnosablePosterior {
  readonly thetaDim: number;
  readonly xDim: number;
  readonly parameterNames: readonly string[];
  /** n draws [n, thetaDim] for one observation x [xDim], every random choice from rng. */
  sample(n: number, x: Float32Array, opts: { rng: Rng }): Float32Array;
  /** Log density of rows of theta [n, thetaDim] given one observation x [xDim], up to a constant in x. */
  logProb(theta: Float32Array, x: Float32Array): Float64Array;
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
  /**
   * How the draws were made: "direct" (NPE: flow draws, leakage outside the prior rejected), "mcmc"
   * (NLE/NRE: one MCMC run per test observation, see `mcmc`), "custom" (another DiagnosablePosterior).
   */
  sampler: "direct" | "mcmc" | "custom";
  /** NPE: leakage acceptance rate per test (mean and minimum; 1 without a bounded prior); null for other samplers. */
  acceptance: { mean: number; min: number } | null;
  /** MCMC posteriors: the runs' settings and convergence over the test observations; null otherwise. */
  mcmc: McmcRunsSummary | null;
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

/** Draws [N, L, P] with their log densities [N, L] and those of θ* [N], however they were made. */
interface TestDraws {
  draws: Float32Array;
  lpDraws: Float64Array;
  lpTrue: Float64Array;
  acceptance: { mean: number; min: number } | null;
  mcmc: McmcRunsSummary | null;
  seconds: { sampling: number; logProb: number };
}

/** Observations and draws shared by the three samplers. */
interface DrawRequest {
  theta: Float32Array;
  x: Float32Array;
  N: number;
  L: number;
  rng: Rng;
  chunk: number;
  progress: (p: DiagnosticsProgress) => void;
}

/**
 * Calibration diagnostics of a posterior on N test pairs (θ*_i, x_i) simulated from the prior:
 * draws L samples for every x_i, evaluates log q(θ*_i | x_i) and log q of the draws up to a
 * constant per observation, then runs SBC, HPD and central-interval coverage, TARP and pulls and
 * classifies each. How the draws are made depends on the posterior:
 * - NPE (`Posterior`): Posterior.sampleBatched with the flow's log q of each draw from the same
 *   pass; log q(θ*_i | x_i) in one batched call (normalizeLeakage: false: the leakage constant
 *   cancels within one observation); the leakage acceptance is reported.
 * - NLE / NRE (`McmcPosterior`): one MCMC run per observation (opts.mcmc), log q = the potential;
 *   the runs' R̂ and ESS are counted over the observations (report.mcmc) and summarised in one
 *   warning instead of one per observation.
 * - any other DiagnosablePosterior: sample and logProb per observation.
 *
 * @param posterior the posterior q(θ | x) to check.
 * @param thetaTrue true parameters [N, P] (drawn from the prior).
 * @param xs observations [N, D] simulated from thetaTrue.
 * @param opts numSamples L, seed, onProgress, MCMC settings and per-diagnostic settings.
 * @see Talts et al. 2018, arXiv:1804.06788; Hermans et al. 2022, arXiv:2110.06581;
 *   Lemos et al. 2023, arXiv:2302.03026.
 */
export function runDiagnostics(
  posterior: DiagnosablePosterior,
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

  const request: DrawRequest = { theta: theta32, x: x32, N, L, rng: sampleRng, chunk, progress };
  const sampler = posterior instanceof Posterior ? "direct" : posterior instanceof McmcPosterior ? "mcmc" : "custom";
  const t =
    posterior instanceof Posterior
      ? drawDirect(posterior, request)
      : posterior instanceof McmcPosterior
        ? drawMcmc(posterior, request, opts.mcmc ?? {})
        : drawCustom(posterior, request);
  const { draws, lpDraws, lpTrue } = t;
  progress({ stage: "log-prob", done: N, total: N });

  const t0 = performance.now();
  const samples: CalibrationSamples = { thetaTrue: theta32, draws, numTests: N, numSamples: L, numParams: P };
  const names =
    posterior.parameterNames.length === P
      ? [...posterior.parameterNames]
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
  return {
    schema: "nsbi-diagnostics/1",
    numTests: N,
    numSamples: L,
    parameterNames: [...names],
    seed,
    definitions: { ...DIAGNOSTIC_DEFINITIONS, ...(sampler === "mcmc" ? MCMC_DEFINITIONS : {}) },
    sampler,
    acceptance: t.acceptance,
    mcmc: t.mcmc,
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
    seconds: { ...t.seconds, diagnostics: tDiag },
  };
}

/** NPE: batched flow draws with log q from the same pass, leakage rejected and its rate reported. */
function drawDirect(posterior: Posterior, q: DrawRequest): TestDraws {
  const { N, L, chunk } = q,
    P = posterior.thetaDim,
    D = posterior.xDim;
  let t0 = performance.now();
  const draws = new Float32Array(N * L * P),
    lpDraws = new Float64Array(N * L),
    rates = new Float64Array(N);
  for (let s = 0; s < N; s += chunk) {
    const m = Math.min(chunk, N - s);
    const r = posterior.sampleBatched(L, q.x.subarray(s * D, (s + m) * D), m, { rng: q.rng, withLogProb: true });
    draws.set(r.samples, s * L * P);
    lpDraws.set(r.logProbs!, s * L);
    rates.set(r.acceptanceRates, s);
    q.progress({ stage: "sampling", done: s + m, total: N });
  }
  const sampling = (performance.now() - t0) / 1e3;
  t0 = performance.now();
  const lpTrue = posterior.logProb(q.theta, q.x, { normalizeLeakage: false });
  const logProb = (performance.now() - t0) / 1e3;
  let rateSum = 0,
    rateMin = Infinity;
  for (const r of rates) {
    rateSum += r;
    rateMin = Math.min(rateMin, r);
  }
  return {
    draws,
    lpDraws,
    lpTrue,
    acceptance: { mean: rateSum / N, min: rateMin },
    mcmc: null,
    seconds: { sampling, logProb },
  };
}

/**
 * NLE/NRE: one MCMC run per observation (runMcmcObservations), all from the one generator in
 * observation order (so the draws do not depend on the progress granularity); log q of θ* and of
 * the draws = the potential, in one call per observation. The runs' records are assembled into
 * the summary, which warns once for all of them.
 */
function drawMcmc(posterior: McmcPosterior, q: DrawRequest, settings: McmcDiagnosticsOptions): TestDraws {
  const { N, L } = q;
  const runs = runMcmcObservations(posterior, q.theta, q.x, {
    numSamples: L,
    rng: q.rng,
    settings,
    onObservation: (done) => q.progress({ stage: "sampling", done, total: N }),
  });
  const summary = assembleMcmcRuns(runs.records, { estimator: posterior.method, numSamples: L, settings });
  const { draws, lpDraws, lpTrue, seconds } = runs;
  return { draws, lpDraws, lpTrue, acceptance: null, mcmc: summary, seconds };
}

/** Any other posterior: its own sample and logProb, one observation at a time. */
function drawCustom(posterior: DiagnosablePosterior, q: DrawRequest): TestDraws {
  const { N, L } = q,
    P = posterior.thetaDim,
    D = posterior.xDim;
  const draws = new Float32Array(N * L * P),
    lpDraws = new Float64Array(N * L),
    lpTrue = new Float64Array(N);
  let sampling = 0,
    logProb = 0;
  const rows = new Float32Array((L + 1) * P);
  for (let i = 0; i < N; i++) {
    const x = q.x.subarray(i * D, (i + 1) * D);
    let t0 = performance.now();
    const s = posterior.sample(L, x, { rng: q.rng });
    if (s.length !== L * P)
      throw new NsbiInputError(`runDiagnostics: posterior.sample returned ${s.length} values, expected ${L} × ${P}`);
    sampling += (performance.now() - t0) / 1e3;
    draws.set(s, i * L * P);
    t0 = performance.now();
    rows.set(q.theta.subarray(i * P, (i + 1) * P), 0);
    rows.set(s, P);
    const lp = posterior.logProb(rows, x);
    logProb += (performance.now() - t0) / 1e3;
    lpTrue[i] = lp[0];
    lpDraws.set(lp.subarray(1), i * L);
    q.progress({ stage: "sampling", done: i + 1, total: N });
  }
  return { draws, lpDraws, lpTrue, acceptance: null, mcmc: null, seconds: { sampling, logProb } };
}
