import type { Rng } from "../engine/rng.js";
import { NsbiInputError } from "../errors.js";
import { setWarningHandler, warn } from "../logging.js";
import type { McmcMethod, McmcResult } from "../inference/mcmc/run-mcmc.js";
import type { McmcPosterior, McmcSampleOptions } from "../inference/mcmc-posterior.js";
import { quantileSorted } from "../numerics/quantile.js";

/*
 * The MCMC runs of a calibration study of an NLE/NRE posterior: one run per test observation
 * (runMcmcObservation), whose convergence is kept as a small JSON record, and the summary of all
 * the records (assembleMcmcRuns). runDiagnostics does both in one loop; a diagnose campaign runs
 * the observations in jobs and assembles their records at the end.
 */

/** runMcmc's settings as runDiagnostics passes them to McmcPosterior.sampleWithInfo for every test. */
export type McmcDiagnosticsOptions = Omit<McmcSampleOptions, "trials" | "seed" | "rng">;

/** The R̂ above which, and the ESS fraction of the kept draws below which, an MCMC run is counted (runMcmc's warning rules). */
export const RHAT_THRESHOLD = 1.01,
  ESS_FRACTION = 0.1;

/**
 * A number as JSON holds it: finite as itself, NaN and ±Infinity by name (an R̂ of chains stuck
 * at different values is +Infinity, an ESS of fewer than 4 draws per chain NaN).
 */
export type JsonNumber = number | "NaN" | "Infinity" | "-Infinity";

export function toJsonNumber(v: number): JsonNumber {
  return Number.isFinite(v) ? v : Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
}

export function fromJsonNumber(v: JsonNumber): number {
  return typeof v === "number" ? v : Number(v);
}

/** One test observation's MCMC run as the summary needs it: plain JSON (a campaign job's result holds it). */
export interface McmcRunRecord {
  /** The largest rank-normalised split R̂ over the parameters ("NaN": undefined for some parameter). */
  maxRhat: JsonNumber;
  /** The smallest bulk ESS over the parameters. */
  minEss: JsonNumber;
  chains: number;
  drawsPerChain: number;
  method: McmcMethod;
  /** The run's warnings other than R̂ and bulk ESS (stuck chains, divergences, NaN potentials, …). */
  otherWarnings: string[];
}

/** One test observation's run: its draws, the potential at θ* and at each draw, its record. */
export interface McmcObservationRun {
  /** L draws [L, P] (draw-major over the chains, as McmcPosterior.sampleWithInfo). */
  draws: Float32Array;
  /** The potential (log q up to a constant of the observation) of θ* and then of each draw: [L + 1]. */
  logProb: Float64Array;
  record: McmcRunRecord;
  /** Wall time of the run and of the potential evaluation. */
  seconds: { sampling: number; logProb: number };
}

/**
 * The settings of every run, the warning thresholds filled in (a run and the summary count with
 * the same ones).
 */
export function mcmcRunSettings(
  settings: McmcDiagnosticsOptions,
): McmcDiagnosticsOptions & { rhatThreshold: number; essWarningFraction: number } {
  return {
    ...settings,
    rhatThreshold: settings.rhatThreshold ?? RHAT_THRESHOLD,
    essWarningFraction: settings.essWarningFraction ?? ESS_FRACTION,
  };
}

/**
 * One MCMC run of L draws for test observation `index` (θ*, x), every random choice from `rng`,
 * and the potential of [θ*; draws] in one call. The run's own "mcmc:" warnings are not sent
 * (they are in the record, counted over the observations by assembleMcmcRuns); other warnings
 * pass through.
 * @throws NsbiInputError naming the test observation (e.g. a potential that is −Infinity at every start)
 */
export function runMcmcObservation(
  posterior: McmcPosterior,
  o: {
    thetaTrue: Float32Array;
    x: Float32Array;
    numSamples: number;
    rng: Rng;
    settings?: McmcDiagnosticsOptions;
    /** The observation's number among all test observations, for messages. */
    index: number;
  },
): McmcObservationRun {
  const P = posterior.thetaDim,
    L = o.numSamples;
  const settings = mcmcRunSettings(o.settings ?? {});
  const rows = new Float32Array((L + 1) * P);
  let r: McmcResult, logProb: Float64Array, sampling: number, logProbSeconds: number;
  let t0 = performance.now();
  const previous = setWarningHandler((m) => {
    if (!m.startsWith("mcmc:")) previous(m);
  });
  try {
    try {
      r = posterior.sampleWithInfo(L, o.x, { ...settings, rng: o.rng });
    } catch (e) {
      // e.g. a potential that is −Infinity at every start candidate: say which test it was
      if (e instanceof NsbiInputError) throw new NsbiInputError(`test observation ${o.index}: ${e.message}`);
      throw e;
    }
    sampling = (performance.now() - t0) / 1e3;
    t0 = performance.now();
    rows.set(o.thetaTrue, 0);
    rows.set(r.samples, P);
    logProb = posterior.logProb(rows, o.x);
    logProbSeconds = (performance.now() - t0) / 1e3;
  } finally {
    setWarningHandler(previous);
  }
  const d = r.diagnostics;
  return {
    draws: r.samples,
    logProb,
    record: {
      // Math.max is NaN as soon as one parameter's R̂ is
      maxRhat: toJsonNumber(d.maxRhat),
      minEss: toJsonNumber(d.minEss),
      chains: r.numChains,
      drawsPerChain: r.drawsPerChain,
      method: r.method,
      otherWarnings: r.warnings.filter((w) => !/^mcmc: (R-hat|bulk ESS) /.test(w)),
    },
    seconds: { sampling, logProb: logProbSeconds },
  };
}

/** The runs of consecutive test observations, their arrays laid out as runDiagnostics uses them. */
export interface McmcObservationRuns {
  /** [m, L, P]. */
  draws: Float32Array;
  /** The potential at every draw [m, L] and at θ* [m]. */
  lpDraws: Float64Array;
  lpTrue: Float64Array;
  /** One per observation, in order. */
  records: McmcRunRecord[];
  seconds: { sampling: number; logProb: number };
}

/**
 * runMcmcObservation for m consecutive test observations, one after the other from the one `rng`.
 * @param thetaTrue θ* [m, P]; @param xs observations [m, D]
 * @param o.firstIndex the first observation's number among all tests (for messages, default 0)
 * @param o.onObservation called after each run with the number of observations done
 */
export function runMcmcObservations(
  posterior: McmcPosterior,
  thetaTrue: Float32Array,
  xs: Float32Array,
  o: {
    numSamples: number;
    rng: Rng;
    settings?: McmcDiagnosticsOptions;
    firstIndex?: number;
    onObservation?: (done: number) => void;
  },
): McmcObservationRuns {
  const P = posterior.thetaDim,
    D = posterior.xDim,
    L = o.numSamples,
    m = xs.length / D;
  const draws = new Float32Array(m * L * P),
    lpDraws = new Float64Array(m * L),
    lpTrue = new Float64Array(m),
    records: McmcRunRecord[] = [],
    seconds = { sampling: 0, logProb: 0 };
  for (let i = 0; i < m; i++) {
    const run = runMcmcObservation(posterior, {
      thetaTrue: thetaTrue.subarray(i * P, (i + 1) * P),
      x: xs.subarray(i * D, (i + 1) * D),
      numSamples: L,
      rng: o.rng,
      settings: o.settings,
      index: (o.firstIndex ?? 0) + i,
    });
    draws.set(run.draws, i * L * P);
    lpTrue[i] = run.logProb[0];
    lpDraws.set(run.logProb.subarray(1), i * L);
    records.push(run.record);
    seconds.sampling += run.seconds.sampling;
    seconds.logProb += run.seconds.logProb;
    o.onObservation?.(i + 1);
  }
  return { draws, lpDraws, lpTrue, records, seconds };
}

/**
 * The MCMC runs of a diagnostics report (NLE/NRE posteriors): one run per test observation,
 * their convergence counted over the observations rather than warned about one by one.
 */
export interface McmcRunsSummary {
  /** Which estimator's potential was sampled. */
  estimator: "nle" | "nre";
  sampler: McmcMethod;
  chains: number;
  drawsPerChain: number;
  /** As passed (null: runMcmc's default, docs/mcmc.md). */
  warmup: number | null;
  thin: number | null;
  /** An observation is counted in highRhat when its largest R̂ exceeds this. */
  rhatThreshold: number;
  /** … and in lowEss when its smallest bulk ESS is below essFraction × chains × drawsPerChain. */
  essFraction: number;
  /** Per test observation: the largest rank-normalised split R̂ over the parameters (null: undefined). */
  maxRhat: (number | null)[];
  /** Per test observation: the smallest bulk ESS over the parameters. */
  minEss: number[];
  /** Observations with R̂ above rhatThreshold, with R̂ undefined (fewer than 4 draws per chain), with low ESS. */
  highRhat: number;
  undefinedRhat: number;
  lowEss: number;
  /** Median over the observations of (smallest bulk ESS) / L: near 1, the draws are nearly independent. */
  medianEssPerDraw: number;
  /** Observations with any other MCMC warning (stuck chains, divergences, NaN potentials, …), and the first such warning. */
  otherWarnings: number;
  firstOtherWarning: string | null;
}

/**
 * The summary of the runs of all test observations (records in observation order), and the one
 * warning that sums up their problems (none if there are none).
 * @param o.estimator the posterior's method; o.numSamples L; o.settings the runs' settings (as given)
 */
export function assembleMcmcRuns(
  records: readonly McmcRunRecord[],
  o: { estimator: "nle" | "nre"; numSamples: number; settings: McmcDiagnosticsOptions },
): McmcRunsSummary {
  const N = records.length,
    L = o.numSamples;
  const { rhatThreshold, essWarningFraction: essFraction } = mcmcRunSettings(o.settings);
  const maxRhat: (number | null)[] = [],
    minEss: number[] = [];
  let highRhat = 0,
    undefinedRhat = 0,
    lowEss = 0,
    otherWarnings = 0,
    firstOtherWarning: string | null = null;
  records.forEach((r, i) => {
    const rhat = fromJsonNumber(r.maxRhat),
      ess = fromJsonNumber(r.minEss);
    maxRhat.push(Number.isNaN(rhat) ? null : rhat);
    minEss.push(ess);
    if (Number.isNaN(rhat)) undefinedRhat++;
    else if (rhat > rhatThreshold) highRhat++;
    if (ess < essFraction * r.chains * r.drawsPerChain) lowEss++;
    if (r.otherWarnings.length > 0) {
      otherWarnings++;
      firstOtherWarning ??= `test ${i}: ${r.otherWarnings[0]}`;
    }
  });
  const last = records.at(-1);
  const essPerDraw = minEss.map((e) => e / L).sort((a, b) => a - b);
  const summary: McmcRunsSummary = {
    estimator: o.estimator,
    sampler: last?.method ?? o.settings.method ?? "slice",
    chains: last?.chains ?? 0,
    drawsPerChain: last?.drawsPerChain ?? 0,
    warmup: o.settings.warmup ?? null,
    thin: o.settings.thin ?? null,
    rhatThreshold,
    essFraction,
    maxRhat,
    minEss,
    highRhat,
    undefinedRhat,
    lowEss,
    medianEssPerDraw: quantileSorted(essPerDraw, 0.5),
    otherWarnings,
    firstOtherWarning,
  };
  const problems = mcmcProblems(summary, N);
  if (problems.length > 0) warn(`mcmc: over the ${N} test observations: ${problems.join("; ")}`);
  return summary;
}

/**
 * The convergence problems of a report's MCMC runs, one phrase each (empty: none), counted over
 * the test observations: what the diagnose command and the HTML report show.
 */
export function mcmcProblems(m: McmcRunsSummary, numTests: number): string[] {
  const out: string[] = [];
  const of = `of ${numTests}`;
  if (m.highRhat > 0) {
    const worst = Math.max(...m.maxRhat.map((v) => v ?? 0));
    out.push(
      `R-hat > ${m.rhatThreshold} in ${m.highRhat} ${of} (largest ${worst.toFixed(3)}): chains disagree (several modes, or too few draws per chain: raise --warmup or --num-samples)`,
    );
  }
  if (m.undefinedRhat > 0)
    out.push(`R-hat undefined in ${m.undefinedRhat} ${of} (fewer than 4 draws per chain: raise --num-samples)`);
  if (m.lowEss > 0)
    out.push(
      `bulk ESS < ${m.essFraction} × kept draws in ${m.lowEss} ${of} (smallest ${Math.round(Math.min(...m.minEss))}): autocorrelated draws distort SBC ranks; raise --thin`,
    );
  if (m.otherWarnings > 0) out.push(`other MCMC warnings in ${m.otherWarnings} ${of} (first: ${m.firstOtherWarning})`);
  return out;
}

/** The definitions that differ (expectedCoverage) or are added (mcmc) in a report of MCMC posteriors (NLE/NRE). */
export const MCMC_DEFINITIONS: Record<string, string> = {
  expectedCoverage:
    "HPD expected coverage as sbi: r* = #draws with log q > log q(θ*) over L; EC(1−α) = mean[r* ≤ 1−α]; log q = the MCMC potential (log posterior up to a constant per observation, which cancels in r*)",
  mcmc: "one MCMC run per test observation on the potential log p(θ) + log q(x | θ) (NLE) or log p(θ) + log r(x, θ) (NRE), SIR start, L draws over all chains; rank-normalised split R̂ and bulk ESS per parameter (Vehtari et al. 2021, arXiv:1903.08008). SBC ranks, coverage and TARP assume nearly independent draws: strongly autocorrelated draws (ESS/L ≪ 1) pile ranks at the ends (Talts et al. 2018), so thin the chains (--thin) when medianEssPerDraw is small",
};
