import type { ArtifactRef, ArtifactStore } from "../../campaigns/artifact.js";
import { getArray, putArray } from "../../campaigns/array-artifacts.js";
import type { Campaign } from "../../campaigns/campaign.js";
import { ModelArtifactCache } from "../../campaigns/model-artifact-cache.js";
import { type Job, makeJob } from "../../campaigns/job.js";
import type { JobContext, JobKind } from "../../campaigns/job-kind.js";
import { jobSeed } from "../../campaigns/job-seed.js";
import type { McmcRunRecord } from "../../diagnostics/mcmc-runs.js";
import type { DiagnosticsReport } from "../../diagnostics/run-diagnostics.js";
import { Rng } from "../../engine/rng.js";
import { NsbiFormatError, NsbiInputError } from "../../errors.js";
import { McmcPosterior } from "../../inference/mcmc-posterior.js";
import { deserializePosterior, type ModelFiles } from "../../inference/model-file.js";
import { deserializeNle, NLE_MODEL_FORMAT } from "../../inference/nle-model-file.js";
import { deserializeRatio, NRE_MODEL_FORMAT } from "../../inference/nre-model-file.js";
import { Posterior } from "../../inference/posterior.js";
import type { KernelChoice } from "../../kernels/select.js";
import { type ChunkDraws, concatChunks, drawChunk, drawMcmcChunk } from "./chunk-draws.js";
import { diagnoseFromDraws } from "./diagnose-from-draws.js";
import { type DiagnoseMcmcSettings, givenMcmcFields, resolveDiagnoseMcmc } from "./diagnose-mcmc-settings.js";

/**
 * `nsbi diagnose` over many test observations as a campaign: the posterior draws of each chunk of
 * consecutive observations are one job (the expensive part: L draws per observation), the
 * diagnostics are computed from all the draws at the end (diagnoseFromDraws). Chunk c draws from
 * `new Rng(jobSeed(seed, "diagnose-chunk", c))`, so the numbers depend on the seed and the chunk
 * size, not on where or in which order the jobs run; `diagnoseInChunks` is the same computation in
 * this thread. (A single `nsbi diagnose` run draws all observations from one stream instead: its
 * numbers differ, with the same distribution.)
 *
 * NPE models: a chunk is one batched flow draw. NLE/NRE models: one MCMC run per observation, one
 * after the other from the chunk's generator (as `nsbi diagnose` runs them from its one stream),
 * with the MCMC settings in every job's config; each run's convergence record goes into the job's
 * result, and the report counts them over all observations (report.mcmc, sampler "mcmc").
 */

/** The model and test pairs of a diagnose campaign, as artifacts. */
export interface DiagnoseInputs {
  model: { config: ArtifactRef; weights: ArtifactRef };
  /** θ* [n, thetaDim] float32 and x [n, xDim] float32 (.npy artifacts). */
  theta: ArtifactRef;
  x: ArtifactRef;
  n: number;
  thetaDim: number;
  xDim: number;
  /**
   * The model's method when it is sampled by MCMC ("nle" | "nre"); absent for an NPE model (so
   * that NPE campaigns keep the job keys they had before NLE/NRE models were supported).
   */
  estimator?: "nle" | "nre";
}

/** Config of a draws job: observations start … start + count − 1. */
export interface DiagnoseDrawsConfig {
  inputs: DiagnoseInputs;
  start: number;
  count: number;
  numSamples: number;
  /** The kernel path of the network (part of the key: another path may round differently). */
  kernels: KernelChoice;
  /** NLE/NRE models (inputs.estimator): the MCMC settings of every run; absent for NPE. */
  mcmc?: DiagnoseMcmcSettings;
}

/**
 * Result of a draws job: the ChunkDraws arrays as .npy artifacts; for NPE the leakage acceptance
 * of each observation, for NLE/NRE each observation's MCMC run record.
 */
export interface DiagnoseDrawsResult {
  count: number;
  draws: ArtifactRef;
  lpDraws: ArtifactRef;
  lpTrue: ArtifactRef;
  acceptance?: ArtifactRef;
  mcmc?: McmcRunRecord[];
}

/** A model of a diagnose campaign: NPE's direct posterior, or the MCMC posterior of an NLE/NRE model. */
export type DiagnosedModel = Posterior | McmcPosterior;

// a worker runs many chunks of one model
const models = new ModelArtifactCache<DiagnosedModel>();

function loadPosterior(inputs: DiagnoseInputs, kernels: KernelChoice, ctx: JobContext): Promise<DiagnosedModel> {
  return models.get(inputs.model, kernels, ctx, (files, source) => {
    const o = { kernels, source };
    // McmcPosterior refuses a model without a prior (MCMC samples prior × likelihood)
    return inputs.estimator === "nle"
      ? McmcPosterior.fromNle(deserializeNle(files, o))
      : inputs.estimator === "nre"
        ? McmcPosterior.fromNre(deserializeRatio(files, o))
        : deserializePosterior(files, o);
  });
}

/** Observation rows start … start + count − 1 of the test pairs. */
async function testRows(inputs: DiagnoseInputs, artifacts: ArtifactStore, start: number, count: number) {
  const { n, thetaDim: P, xDim: D } = inputs;
  const theta = await getArray(artifacts, inputs.theta, "float32", [n, P], "diagnose test θ*");
  const x = await getArray(artifacts, inputs.x, "float32", [n, D], "diagnose test x");
  return {
    theta: theta.subarray(start * P, (start + count) * P),
    x: x.subarray(start * D, (start + count) * D),
  };
}

/**
 * One chunk's posterior draws. Version 1 throughout: NPE jobs are as they were, and NLE/NRE jobs
 * (whose configs hold `mcmc`, whose results hold the run records instead of the acceptance) have
 * keys no earlier version ever made.
 */
export const diagnoseDrawsKind: JobKind<DiagnoseDrawsConfig, DiagnoseDrawsResult> = {
  kind: "diagnose-draws",
  version: 1,
  async run(config, seed, _inputs, ctx) {
    const { inputs, start, count, numSamples } = config;
    const posterior = await loadPosterior(inputs, config.kernels, ctx);
    if (posterior.thetaDim !== inputs.thetaDim || posterior.xDim !== inputs.xDim)
      throw new NsbiFormatError(
        `diagnose job: the model has θ ${posterior.thetaDim} and x ${posterior.xDim}, the test pairs ${inputs.thetaDim} and ${inputs.xDim}`,
      );
    const rows = await testRows(inputs, ctx.artifacts, start, count);
    const L = numSamples,
      P = inputs.thetaDim,
      rng = new Rng(seed);
    const store = async (d: ChunkDraws) => ({
      count,
      draws: await putArray(ctx.artifacts, d.draws, [count, L, P]),
      lpDraws: await putArray(ctx.artifacts, d.lpDraws, [count, L]),
      lpTrue: await putArray(ctx.artifacts, d.lpTrue, [count]),
    });
    if (posterior instanceof McmcPosterior) {
      if (!config.mcmc) throw new NsbiFormatError("diagnose job: an NLE/NRE model, but no MCMC settings in the config");
      const what = `${config.mcmc.method} MCMC runs of ${L} draws`;
      ctx.progress(0, `${what}: 0 of ${count} observations`);
      const d = drawMcmcChunk(posterior, rows.theta, rows.x, {
        numSamples: L,
        rng,
        settings: config.mcmc,
        firstIndex: start,
        onObservation: (done) => ctx.progress(done / count, `${what}: ${done} of ${count} observations`),
      });
      return { ...(await store(d)), mcmc: d.mcmc as McmcRunRecord[] };
    }
    ctx.progress(0, `drawing ${numSamples} samples for ${count} observations`);
    const d = drawChunk(posterior, rows.theta, rows.x, { numSamples, rng });
    return { ...(await store(d)), acceptance: await putArray(ctx.artifacts, d.acceptance as Float64Array, [count]) };
  },
};

/** What a diagnose campaign computes. */
export interface DiagnoseCampaignSettings {
  /** L: posterior draws per test observation (≥ 2). */
  numSamples: number;
  /** Seed of the draws (per chunk, jobSeed) and of the diagnostics' own random choices. */
  seed: number;
  /** Observations per job (default 100). */
  chunk?: number;
  kernels?: KernelChoice;
  /**
   * NLE/NRE models: MCMC method, chains, warmup and thin of every observation's run (defaults:
   * `nsbi diagnose`'s, DIAGNOSE_MCMC_DEFAULTS). An error for an NPE model (sampled directly).
   */
  mcmc?: Partial<DiagnoseMcmcSettings>;
}

/**
 * The MCMC settings a campaign of this model runs with (defaults filled in), or null for an NPE
 * model. @throws NsbiInputError naming a bad field, or a field given for an NPE model
 */
export function campaignMcmcSettings(
  estimator: "nle" | "nre" | undefined,
  given: Partial<DiagnoseMcmcSettings> | undefined,
): DiagnoseMcmcSettings | null {
  if (estimator === undefined) {
    const fields = givenMcmcFields(given);
    if (fields.length > 0)
      throw new NsbiInputError(
        `${fields.map((f) => `mcmc.${f}`).join(", ")}: MCMC settings apply to NLE/NRE models, but the model is an NPE model (sampled directly)`,
      );
    return null;
  }
  return resolveDiagnoseMcmc(given, (f) => `mcmc.${f}`);
}

/** The observation ranges of the chunks: [start, count] each. */
export function chunkRanges(n: number, chunk: number): [number, number][] {
  if (!Number.isSafeInteger(chunk) || chunk < 1)
    throw new NsbiInputError(`chunk: expected a positive integer of observations per job, got ${chunk}`);
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += chunk) out.push([s, Math.min(chunk, n - s)]);
  return out;
}

/** The seed of chunk c's draws. */
export function chunkSeed(seed: number, c: number): number {
  return jobSeed(seed, "diagnose-chunk", c);
}

/** The MCMC method of a model's files ("nle" | "nre"), by their config's format; undefined for NPE (or unreadable: its job reports it). */
function mcmcEstimatorOf(files: ModelFiles): "nle" | "nre" | undefined {
  let format: unknown;
  try {
    format = (JSON.parse(files.config) as { format?: unknown } | null)?.format;
  } catch {
    return undefined;
  }
  return format === NLE_MODEL_FORMAT ? "nle" : format === NRE_MODEL_FORMAT ? "nre" : undefined;
}

/**
 * Put a model's files (NPE, NLE or NRE, as `nsbi train` writes them) and the test pairs into the
 * artifact store (before building the campaign).
 */
export async function putDiagnoseInputs(
  artifacts: ArtifactStore,
  files: ModelFiles,
  tests: { theta: Float32Array; x: Float32Array; n: number; thetaDim: number; xDim: number },
): Promise<DiagnoseInputs> {
  const { n, thetaDim, xDim } = tests;
  if (n < 1 || tests.theta.length !== n * thetaDim || tests.x.length !== n * xDim)
    throw new NsbiInputError(`diagnose campaign: test pairs θ [${n}, ${thetaDim}] and x [${n}, ${xDim}] do not match`);
  const estimator = mcmcEstimatorOf(files);
  return {
    model: {
      config: await artifacts.put(new TextEncoder().encode(files.config)),
      weights: await artifacts.put(files.weights),
    },
    theta: await putArray(artifacts, tests.theta, [n, thetaDim]),
    x: await putArray(artifacts, tests.x, [n, xDim]),
    n,
    thetaDim,
    xDim,
    ...(estimator === undefined ? {} : { estimator }),
  };
}

/** The campaign: one draws job per chunk, in observation order. */
export function diagnoseCampaign(
  inputs: DiagnoseInputs,
  settings: DiagnoseCampaignSettings,
  o: { name: string; kindsModule: string },
): Campaign {
  if (!Number.isInteger(settings.numSamples) || settings.numSamples < 2)
    throw new NsbiInputError(`numSamples: expected at least 2 draws per test, got ${settings.numSamples}`);
  const mcmc = campaignMcmcSettings(inputs.estimator, settings.mcmc);
  const jobs: Job[] = chunkRanges(inputs.n, settings.chunk ?? 100).map(([start, count], c) =>
    makeJob(diagnoseDrawsKind, {
      config: {
        inputs,
        start,
        count,
        numSamples: settings.numSamples,
        kernels: settings.kernels ?? "auto",
        ...(mcmc === null ? {} : { mcmc }),
      },
      seed: chunkSeed(settings.seed, c),
      label: `draws ${start + 1}-${start + count}`,
    }),
  );
  return { name: o.name, kindsModule: o.kindsModule, jobs };
}

/**
 * The diagnostics report from a finished campaign's results (its jobs in order).
 * @throws NsbiInputError if a chunk has no result (the campaign did not finish)
 */
export async function diagnoseCampaignReport(
  campaign: Campaign,
  results: ReadonlyMap<string, unknown>,
  artifacts: ArtifactStore,
  o: { parameterNames: readonly string[]; seed: number; samplingSeconds?: number },
): Promise<DiagnosticsReport> {
  const first = campaign.jobs[0].config as DiagnoseDrawsConfig;
  const { inputs, numSamples: L, mcmc } = first;
  const P = inputs.thetaDim;
  const chunks: ChunkDraws[] = [];
  for (const job of campaign.jobs) {
    const r = results.get(job.key) as DiagnoseDrawsResult | undefined;
    if (!r) throw new NsbiInputError(`diagnose campaign: job ${job.label ?? job.key} has no result (not finished)`);
    const m = r.count;
    if (mcmc ? !Array.isArray(r.mcmc) || r.mcmc.length !== m : r.acceptance === undefined)
      throw new NsbiFormatError(
        `diagnose campaign: the result of job ${job.label ?? job.key} has no ${mcmc ? `MCMC record for each of its ${m} observations` : "acceptance"}`,
      );
    chunks.push({
      count: m,
      draws: await getArray(artifacts, r.draws, "float32", [m, L, P], `draws of ${job.label}`),
      lpDraws: await getArray(artifacts, r.lpDraws, "float64", [m, L], `log q of ${job.label}`),
      lpTrue: await getArray(artifacts, r.lpTrue, "float64", [m], `log q(θ*) of ${job.label}`),
      acceptance: mcmc
        ? null
        : await getArray(artifacts, r.acceptance as ArtifactRef, "float64", [m], `acceptance of ${job.label}`),
      mcmc: mcmc ? (r.mcmc as McmcRunRecord[]) : null,
    });
  }
  const theta = await getArray(artifacts, inputs.theta, "float32", [inputs.n, P], "diagnose test θ*");
  const x = await getArray(artifacts, inputs.x, "float32", [inputs.n, inputs.xDim], "diagnose test x");
  return diagnoseFromDraws(
    { thetaDim: P, xDim: inputs.xDim, parameterNames: o.parameterNames },
    theta,
    x,
    concatChunks(chunks),
    {
      numSamples: L,
      seed: o.seed,
      samplingSeconds: o.samplingSeconds,
      ...(mcmc && inputs.estimator ? { mcmc: { estimator: inputs.estimator, settings: mcmc } } : {}),
    },
  );
}

/**
 * The same computation as a diagnose campaign, in this thread: the library call. NPE: batched
 * draws per chunk; NLE/NRE (McmcPosterior): one MCMC run per observation with `settings.mcmc`.
 */
export function diagnoseInChunks(
  posterior: DiagnosedModel,
  thetaTrue: Float32Array,
  xs: Float32Array,
  settings: DiagnoseCampaignSettings,
): DiagnosticsReport {
  if (!Number.isInteger(settings.numSamples) || settings.numSamples < 2)
    throw new NsbiInputError(`numSamples: expected at least 2 draws per test, got ${settings.numSamples}`);
  const P = posterior.thetaDim,
    D = posterior.xDim,
    L = settings.numSamples,
    n = xs.length / D;
  const estimator = posterior instanceof McmcPosterior ? posterior.method : undefined;
  const mcmc = campaignMcmcSettings(estimator, settings.mcmc);
  const chunks = chunkRanges(n, settings.chunk ?? 100).map(([start, count], c) => {
    const theta = thetaTrue.subarray(start * P, (start + count) * P),
      x = xs.subarray(start * D, (start + count) * D),
      rng = new Rng(chunkSeed(settings.seed, c));
    if (posterior instanceof Posterior) return drawChunk(posterior, theta, x, { numSamples: L, rng });
    return drawMcmcChunk(posterior, theta, x, { numSamples: L, rng, settings: mcmc ?? {}, firstIndex: start });
  });
  return diagnoseFromDraws(posterior, thetaTrue, xs, concatChunks(chunks), {
    numSamples: L,
    seed: settings.seed,
    ...(mcmc && estimator ? { mcmc: { estimator, settings: mcmc } } : {}),
  });
}
