import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import type { Prior } from "../../flows/priors/prior.js";
import { warn } from "../../logging.js";
import { type StuckChain, findStuckChains } from "./chain-health.js";
import { bulkEss, rankNormalizedSplitRhat } from "./convergence.js";
import { runHmc } from "./hmc.js";
import { type McmcInitialization, initializeChains } from "./initialization.js";
import { CountedPotential, type Potential } from "./potential.js";
import { runSliceSampler } from "./slice-sampler.js";
import { type SamplerPotential, UnconstrainedPotential } from "./unconstrained-potential.js";

export type McmcMethod = "slice" | "hmc" | "nuts";

/** Options of runMcmc; defaults and their reasons are in docs/mcmc.md. */
export interface McmcOptions {
  potential: Potential;
  /** Supplies the initial candidates and the support bounds used in the stuck-chain report. */
  prior: Prior;
  /** Samples returned (over all chains). */
  numSamples: number;
  rng: Rng;
  /** "slice" (default; needs only log densities), "hmc" or "nuts" (both need potential.gradient). */
  method?: McmcMethod;
  /** Chains run side by side, one potential row each per call (default 20, as sbi). */
  chains?: number;
  /** Iterations (slice: sweeps over all coordinates; HMC/NUTS: trajectories) discarded per chain (default 100). */
  warmup?: number;
  /** Keep every thin-th iteration (default 1: the ESS reports the autocorrelation instead). */
  thin?: number;
  /** How chains start (default "sir"). */
  initialization?: McmcInitialization;
  /** Prior draws per chain for "sir"/"resample", tries per chain for "prior" (default 1000). */
  initCandidatesPerChain?: number;
  /**
   * Sample in unconstrained coordinates (logit / log of the prior's box bounds, with the Jacobian;
   * sbi's default `enable_transform=True`). Default true; samples are returned in θ.
   */
  transform?: boolean;
  /** Slice: Neal's m, the cap on stepping-out steps per update (default 32). */
  maxStepsOut?: number;
  /** HMC/NUTS: dual-averaging acceptance target (default 0.9, as sbi's hmc_pymc; 0.8 diverges on curved targets). */
  targetAcceptance?: number;
  /** HMC: mean trajectory length in metric-scaled units (default 1.5 ≈ π/2, a quarter period of a unit Gaussian). */
  integrationTime?: number;
  /** HMC: cap on leapfrog steps per trajectory (default 256). */
  maxLeapfrogSteps?: number;
  /** NUTS: maximum tree depth, at most 2^depth leapfrog steps per transition (default 10, as Stan). */
  maxTreeDepth?: number;
  /** Warn when R̂ exceeds this (default 1.01, Vehtari et al. 2021). */
  rhatThreshold?: number;
  /** Warn when bulk ESS < this fraction of the chains' kept draws (default 0.1). */
  essWarningFraction?: number;
  /**
   * Called as the run proceeds with the chain iterations done (warm-up and sampling, all chains)
   * and their total, chains × (warmup + ⌈numSamples / chains⌉ × thin): (0, total) when the chains
   * have started, then each time the count crosses another 1 % of the total (about 100 calls,
   * counted exactly by the samplers' per-iteration hooks: HMC/NUTS after each lockstep iteration of
   * all chains, slice after each chain's sweep), and (total, total) once the draws are ready.
   * Never decreasing; the draws are the same with or without it.
   */
  onProgress?: (done: number, total: number) => void;
}

export interface McmcDiagnostics {
  /** Rank-normalised split R̂ per dimension (NaN with fewer than 4 draws per chain). */
  rhat: Float64Array;
  /** Bulk ESS per dimension, over all chains' kept draws. */
  ess: Float64Array;
  maxRhat: number;
  minEss: number;
  /** HMC/NUTS: mean acceptance probability per chain over the sampling phase; null for slice (always moves). */
  acceptance: Float64Array | null;
  meanAcceptance: number;
  /** Batched potential calls / rows evaluated, initialisation and warm-up included. */
  potentialCalls: number;
  potentialEvaluations: number;
  /** Rows evaluated per returned sample (all phases). */
  evaluationsPerSample: number;
  /** Rows evaluated per chain iteration, warm-up and sampling (slice: per sweep over the dim coordinates). */
  evaluationsPerIteration: number;
  /** Rows where the potential returned NaN (treated as −Infinity). */
  nanEvaluations: number;
  stuckChains: StuckChain[];
  /**
   * HMC/NUTS: adapted step size, inverse mass diagonal, sampling-phase trajectories that diverged
   * (energy error > 1000) or left the support (both rejected), and trajectories cut at
   * maxLeapfrogSteps (NUTS: trees that reached maxTreeDepth).
   */
  stepSize?: number;
  inverseMass?: Float64Array;
  divergences?: number;
  outOfSupport?: number;
  cappedTrajectories?: number;
  /** Slice: adapted bracket width per dimension (mean over chains), updates that hit the shrinkage cap. */
  sliceWidth?: Float64Array;
  shrinkStalls?: number;
}

export interface McmcResult {
  /** numSamples × dim, draw-major over chains (draw 0 of every chain, then draw 1, ...). */
  samples: Float32Array;
  numSamples: number;
  dim: number;
  /** All kept draws, numChains × drawsPerChain × dim. */
  chains: Float32Array;
  numChains: number;
  drawsPerChain: number;
  method: McmcMethod;
  diagnostics: McmcDiagnostics;
  /** Every warning of the run (each was also sent to logging's warn()). */
  warnings: string[];
}

/**
 * Sample a potential (an unnormalised log posterior) by MCMC over many chains, started by
 * sampling-importance-resampling from the prior, and report convergence (R̂, ESS) and stuck chains.
 *
 * @example
 * ```ts
 * const result = runMcmc({ potential, prior, numSamples: 10_000, rng: new Rng(1) });
 * result.samples; // Float32Array [10000, dim]
 * result.diagnostics.rhat; // per dimension
 * ```
 */
export function runMcmc(options: McmcOptions): McmcResult {
  const o = checkOptions(options);
  const { prior, rng, chains: C, warmup, thin, method } = o;
  const potential = new CountedPotential(o.potential);
  const D = potential.dim;
  const drawsPerChain = Math.ceil(o.numSamples / C);

  const start = initializeChains({
    potential,
    prior,
    chains: C,
    initialization: o.initialization,
    candidatesPerChain: o.initCandidatesPerChain,
    rng,
  });
  const initRows = potential.rows;
  // the samplers' coordinates: θ itself, or u = T⁻¹(θ) inside the prior's box
  let target: SamplerPotential = potential;
  let transform: UnconstrainedPotential | null = null;
  if (o.transform) {
    transform = new UnconstrainedPotential(potential, prior);
    if (transform.transformsAnything) {
      target = transform;
      const u = new Float64Array(C * D);
      transform.toUnconstrained(start.theta, C, u);
      start.theta = u;
      transform.logDensity(u, C, start.logDensity);
      for (let c = 0; c < C; c++)
        if (!(start.logDensity[c] > -Infinity))
          throw new NsbiInputError(
            `initialization: chain ${c} starts on the prior's boundary where the potential is -Infinity; use transform: false or other start points`,
          );
    } else transform = null;
  }
  const scale = startScale(start.theta, C, prior, transform);
  const onProgress = options.onProgress;
  const totalIterations = C * (warmup + drawsPerChain * thin);
  onProgress?.(0, totalIterations);
  const onIteration = onProgress ? throttledProgress(totalIterations, onProgress) : undefined;

  let draws: Float64Array;
  const diag: Partial<McmcDiagnostics> = {};
  let accepted: Int32Array | null = null;
  if (method === "slice") {
    const r = runSliceSampler({
      potential: target,
      theta: start.theta,
      logDensity: start.logDensity,
      chains: C,
      warmup,
      drawsPerChain,
      thin,
      initialWidth: scale,
      maxStepsOut: o.maxStepsOut,
      rng,
      onIteration,
    });
    draws = r.draws;
    const w = new Float64Array(D);
    for (let c = 0; c < C; c++) for (let j = 0; j < D; j++) w[j] += r.width[c * D + j] / C;
    diag.sliceWidth = w;
    diag.shrinkStalls = r.shrinkStalls;
    diag.acceptance = null;
    diag.meanAcceptance = Number.NaN;
  } else {
    const invM = new Float64Array(D);
    for (let j = 0; j < D; j++) invM[j] = scale[j] * scale[j];
    const r = runHmc({
      potential: target,
      theta: start.theta,
      chains: C,
      warmup,
      drawsPerChain,
      thin,
      targetAcceptance: o.targetAcceptance,
      integrationTime: o.integrationTime,
      maxLeapfrogSteps: o.maxLeapfrogSteps,
      nutsMaxTreeDepth: method === "nuts" ? o.maxTreeDepth : 0,
      initialInverseMass: invM,
      rng,
      onIteration,
    });
    draws = r.draws;
    accepted = r.accepted;
    diag.acceptance = r.acceptance;
    diag.meanAcceptance = r.acceptance.reduce((a, b) => a + b, 0) / C;
    diag.stepSize = r.stepSize;
    diag.inverseMass = r.inverseMass;
    diag.divergences = r.divergences;
    diag.outOfSupport = r.outOfSupport;
    diag.cappedTrajectories = r.cappedTrajectories;
  }

  if (transform !== null) transform.toTheta(draws, C * drawsPerChain, draws);
  // convergence per dimension on chain-major series (bulk R̂ and ESS are invariant under the monotone transform)
  const S = drawsPerChain;
  const rhat = new Float64Array(D),
    ess = new Float64Array(D),
    series = new Float64Array(C * S);
  for (let j = 0; j < D; j++) {
    for (let c = 0; c < C; c++) for (let t = 0; t < S; t++) series[c * S + t] = draws[(c * S + t) * D + j];
    rhat[j] = rankNormalizedSplitRhat(series, C, S);
    ess[j] = bulkEss(series, C, S);
  }
  const stuckChains = findStuckChains(draws, C, S, prior, accepted);

  const samples = new Float32Array(o.numSamples * D);
  for (let i = 0; i < o.numSamples; i++) {
    const t = Math.floor(i / C),
      c = i % C;
    for (let j = 0; j < D; j++) samples[i * D + j] = draws[(c * S + t) * D + j];
  }
  const diagnostics: McmcDiagnostics = {
    ...diag,
    rhat,
    ess,
    maxRhat: Math.max(...rhat),
    minEss: Math.min(...ess),
    acceptance: diag.acceptance ?? null,
    meanAcceptance: diag.meanAcceptance ?? Number.NaN,
    potentialCalls: potential.calls,
    potentialEvaluations: potential.rows,
    evaluationsPerSample: potential.rows / o.numSamples,
    evaluationsPerIteration: (potential.rows - initRows) / (C * (warmup + S * thin)),
    nanEvaluations: potential.nanRows,
    stuckChains,
  };
  const warnings = collectWarnings(diagnostics, o, C * S);
  for (const w of warnings) warn(w);
  onProgress?.(totalIterations, totalIterations);
  return {
    samples,
    numSamples: o.numSamples,
    dim: D,
    chains: Float32Array.from(draws),
    numChains: C,
    drawsPerChain: S,
    method,
    diagnostics,
    warnings,
  };
}

/**
 * The samplers' onIteration hook (chain iterations done, called once per iteration) turned into
 * onProgress calls: one each time the count reaches another 1 % of the total (at most 100 during the
 * run, at least one iteration apart), so that a hook called once per chain iteration costs a
 * comparison per call and the consumer (e.g. a web worker posting messages) is never flooded. The
 * count reaching the total is left to runMcmc's final call, made once the draws are ready.
 */
function throttledProgress(total: number, report: (done: number, total: number) => void): (done: number) => void {
  const step = Math.max(1, Math.ceil(total / 100));
  let next = step;
  return (done) => {
    if (done < next || done >= total) return;
    next = (Math.floor(done / step) + 1) * step;
    report(done, total);
  };
}

function collectWarnings(d: McmcDiagnostics, o: Required<McmcOptions>, kept: number): string[] {
  const out: string[] = [];
  const dims = (pred: (j: number) => boolean) => [...d.rhat.keys()].filter(pred);
  const badR = dims((j) => d.rhat[j] > o.rhatThreshold);
  if (badR.length > 0)
    out.push(
      `mcmc: R-hat ${badR.map((j) => `θ${j} ${d.rhat[j].toFixed(3)}`).join(", ")} exceeds ${o.rhatThreshold}: ` +
        "the chains disagree; increase warmup or numSamples, or check for multiple modes",
    );
  if (dims((j) => Number.isNaN(d.rhat[j])).length > 0)
    out.push("mcmc: R-hat undefined (fewer than 4 draws per chain, or draws constant): convergence not checked");
  const lowE = dims((j) => d.ess[j] < o.essWarningFraction * kept);
  if (lowE.length > 0)
    out.push(
      `mcmc: bulk ESS ${lowE.map((j) => `θ${j} ${Math.round(d.ess[j])}`).join(", ")} below ${o.essWarningFraction} × ${kept} ` +
        "kept draws: strongly autocorrelated chains; increase thin or numSamples",
    );
  for (const s of d.stuckChains) out.push(`mcmc: chain ${s.chain} ${s.reason}`);
  if (d.nanEvaluations > 0)
    out.push(`mcmc: the potential returned NaN at ${d.nanEvaluations} points (treated as outside the support)`);
  if ((d.shrinkStalls ?? 0) > 0)
    out.push(`mcmc: ${d.shrinkStalls} slice updates hit the shrinkage cap (is the potential deterministic?)`);
  if ((d.divergences ?? 0) > 0)
    out.push(`mcmc: ${d.divergences} ${o.method.toUpperCase()} trajectories diverged (energy error > 1000; rejected)`);
  const iterations = o.chains * Math.ceil(o.numSamples / o.chains) * o.thin;
  if ((d.cappedTrajectories ?? 0) > 0.1 * iterations)
    out.push(
      `mcmc: ${d.cappedTrajectories} of ${iterations} trajectories hit the length cap ` +
        (o.method === "nuts" ? `(maxTreeDepth ${o.maxTreeDepth})` : `(maxLeapfrogSteps ${o.maxLeapfrogSteps})`) +
        ": the chains explore slowly; raise the cap or check the posterior's scale",
    );
  if (d.acceptance !== null && d.meanAcceptance < 0.3 * o.targetAcceptance)
    out.push(
      `mcmc: ${o.method.toUpperCase()} mean acceptance ${d.meanAcceptance.toFixed(3)} far below the target ${o.targetAcceptance}`,
    );
  return out;
}

/**
 * Per-dimension scale in the samplers' coordinates: the spread of the chains' start points, else the
 * prior's std (untransformed dimensions), else 1 (a logit of a uniform has sd 1.8).
 */
function startScale(
  theta: Float64Array,
  C: number,
  prior: Prior,
  transform: UnconstrainedPotential | null,
): Float64Array {
  const D = prior.dim,
    out = new Float64Array(D),
    priorStd = prior.std();
  for (let j = 0; j < D; j++) {
    let s = 0,
      ss = 0;
    for (let c = 0; c < C; c++) s += theta[c * D + j];
    const mean = s / C;
    for (let c = 0; c < C; c++) ss += (theta[c * D + j] - mean) ** 2;
    const sd = C >= 4 ? Math.sqrt(ss / (C - 1)) : 0;
    const fallback =
      transform?.isTransformed(j) || !(Number.isFinite(priorStd[j]) && priorStd[j] > 0) ? 1 : priorStd[j];
    out[j] = sd > 0 && Number.isFinite(sd) ? sd : fallback;
  }
  return out;
}

const DEFAULTS = {
  method: "slice" as McmcMethod,
  chains: 20,
  warmup: 100,
  thin: 1,
  initialization: "sir" as McmcInitialization,
  initCandidatesPerChain: 1000,
  transform: true,
  maxStepsOut: 32,
  targetAcceptance: 0.9,
  integrationTime: 1.5,
  maxLeapfrogSteps: 256,
  maxTreeDepth: 10,
  rhatThreshold: 1.01,
  essWarningFraction: 0.1,
};

function checkOptions(options: McmcOptions): Required<McmcOptions> {
  if (options === null || typeof options !== "object") throw new NsbiInputError("runMcmc: expected an options object");
  const o = { ...DEFAULTS } as Required<McmcOptions>;
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  const { potential, prior } = o;
  if (!potential || typeof potential.logDensity !== "function" || !Number.isInteger(potential.dim) || potential.dim < 1)
    throw new NsbiInputError("runMcmc: potential must have an integer dim ≥ 1 and a logDensity(theta, n, out) method");
  if (!prior || typeof prior.sample !== "function" || prior.dim !== potential.dim)
    throw new NsbiInputError(
      `runMcmc: prior must be a Prior of the potential's dimension ${potential.dim}, got ${prior?.dim ?? String(prior)}`,
    );
  if (!(o.rng instanceof Rng)) throw new NsbiInputError("runMcmc: rng must be an Rng (seeded)");
  if (options.onProgress !== undefined && typeof options.onProgress !== "function")
    throw new NsbiInputError("runMcmc: onProgress must be a function (done, total)");
  if (o.method !== "slice" && o.method !== "hmc" && o.method !== "nuts")
    throw new NsbiInputError(`runMcmc: method must be "slice", "hmc" or "nuts", got ${JSON.stringify(o.method)}`);
  if (o.method !== "slice" && typeof potential.gradient !== "function")
    throw new NsbiInputError(
      `runMcmc: method "${o.method}" needs a potential with a gradient() method; use method "slice"`,
    );
  integer(o.numSamples, "numSamples", 1);
  integer(o.chains, "chains", 1);
  integer(o.warmup, "warmup", 0);
  integer(o.thin, "thin", 1);
  integer(o.initCandidatesPerChain, "initCandidatesPerChain", 1);
  integer(o.maxStepsOut, "maxStepsOut", 1);
  integer(o.maxLeapfrogSteps, "maxLeapfrogSteps", 1);
  integer(o.maxTreeDepth, "maxTreeDepth", 1);
  if (o.maxTreeDepth > 20) throw new NsbiInputError(`runMcmc: maxTreeDepth must be ≤ 20, got ${o.maxTreeDepth}`);
  if (!(o.targetAcceptance > 0 && o.targetAcceptance < 1))
    throw new NsbiInputError(`runMcmc: targetAcceptance must be in (0, 1), got ${o.targetAcceptance}`);
  if (!(o.integrationTime > 0 && Number.isFinite(o.integrationTime)))
    throw new NsbiInputError(`runMcmc: integrationTime must be a finite number > 0, got ${o.integrationTime}`);
  if (!(o.rhatThreshold >= 1)) throw new NsbiInputError(`runMcmc: rhatThreshold must be ≥ 1, got ${o.rhatThreshold}`);
  if (!(o.essWarningFraction >= 0 && o.essWarningFraction <= 1))
    throw new NsbiInputError(`runMcmc: essWarningFraction must be in [0, 1], got ${o.essWarningFraction}`);
  return o;
}

function integer(v: number, name: string, min: number): void {
  if (!Number.isInteger(v) || v < min)
    throw new NsbiInputError(`runMcmc: ${name} must be an integer ≥ ${min}, got ${String(v)}`);
}
