import { ModelArtifactCache } from "../../campaigns/model-artifact-cache.js";
import type { ArtifactRef, ArtifactStore } from "../../campaigns/artifact.js";
import { getArray, putArray } from "../../campaigns/array-artifacts.js";
import type { Campaign } from "../../campaigns/campaign.js";
import { type Job, makeJob } from "../../campaigns/job.js";
import type { JobContext, JobKind } from "../../campaigns/job-kind.js";
import { jobSeed } from "../../campaigns/job-seed.js";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { deserializePosterior, type ModelFiles } from "../../inference/model-file.js";
import type { Posterior } from "../../inference/posterior.js";
import type { KernelChoice } from "../../kernels/select.js";
import { CovarianceThrows } from "../t2k/covariance-throws.js";
import {
  centralPosterior,
  inferThrowMeans,
  summarizeThrows,
  THROW_MAX_DRAWS_PER_SAMPLE,
  type ThrowMeans,
  type ThrowsInference,
} from "../t2k/throws-inference.js";
import {
  type ThrowBatchConfig,
  type ThrowsInputs,
  type ThrowsSettings,
  throwBatchJobs,
  throwBatchSeed,
  throwBatchSizes,
  throwsSampler,
} from "./throw-batches.js";

/**
 * The inference on covariance throws (inferThrows, workflows/t2k/throws-inference.ts) as a campaign:
 * each batch job draws its throws exactly as a throws-only campaign does (`new Rng(seed_b)`,
 * seed_b = jobSeed(seed, "t2k-throws", b)) and then their NPE posterior means from a separate
 * stream (`new Rng(jobSeed(seed_b, "posterior"))`), so adding a model leaves the throws unchanged;
 * one more job draws the central values' posterior (`new Rng(jobSeed(seed, "t2k-throws-central"))`).
 * collectThrowsInference assembles the percentiles (summarizeThrows) from the batches;
 * inferThrowsInBatches is the same computation in this thread. (`inferThrows` in one thread draws
 * everything from one stream instead: its numbers differ, with the same distribution.)
 */

/** The NPE posterior of an inference campaign (its two files as artifacts) and how to sample it. */
export interface ThrowsPosteriorConfig {
  model: { config: ArtifactRef; weights: ArtifactRef };
  thetaDim: number;
  /** L: posterior draws per throw and for the central values. */
  numSamples: number;
  /** Flow draws allowed per requested sample of a throw (a throw below 1/maxDraws acceptance is dropped). */
  maxDrawsPerSample: number;
  /** The network's kernel path in every job (part of the key: paths may round differently). */
  kernels: KernelChoice;
}

/** What the inference adds to the throws: the model's files and the sampling settings. */
export interface ThrowsPosteriorSettings {
  /** L (default 1000, as inferThrows). */
  numSamples?: number;
  /** Default 100, as inferThrows. */
  maxDrawsPerSample?: number;
  kernels?: KernelChoice;
}

export interface ThrowInferenceBatchConfig extends ThrowBatchConfig {
  posterior: ThrowsPosteriorConfig;
}

export interface ThrowInferenceBatchResult {
  count: number;
  /** [count, n] float64 .npy (as a throws-only batch's). */
  throws: ArtifactRef;
  /** [count, thetaDim] float64 .npy, NaN for a dropped throw. */
  throwMeans: ArtifactRef;
  failed: number;
  lowAcceptance: number;
}

export interface ThrowsCentralConfig {
  inputs: ThrowsInputs;
  posterior: ThrowsPosteriorConfig;
}

/** The central values' posterior mean and σ per parameter. */
export interface ThrowsCentralResult {
  mean: number[];
  sd: number[];
}

/** The seed of batch b's posterior draws, from the batch's seed (its throws use the batch seed itself). */
export function throwPosteriorSeed(batchSeed: number): number {
  return jobSeed(batchSeed, "posterior");
}

/** The seed of the central values' posterior draws. */
export function centralPosteriorSeed(seed: number): number {
  return jobSeed(seed, "t2k-throws-central");
}

// a worker runs many batches of one model
const models = new ModelArtifactCache<Posterior>();

function loadPosterior(p: ThrowsPosteriorConfig, ctx: JobContext): Promise<Posterior> {
  return models.get(p.model, p.kernels, ctx, (files, source) =>
    deserializePosterior(files, { kernels: p.kernels, source }),
  );
}

/**
 * One batch of throws and their posterior means: the throws from `new Rng(seed)`, the posterior
 * draws from `new Rng(throwPosteriorSeed(seed))` (inferThrowMeans).
 */
export function throwBatchWithMeans(
  thrower: CovarianceThrows,
  posterior: Posterior,
  count: number,
  seed: number,
  o: { numSamples: number; maxDrawsPerSample: number; onProgress?: (done: number, total: number) => void },
): ThrowMeans & { throws: Float64Array } {
  const throws = thrower.sample(count, new Rng(seed));
  const means = inferThrowMeans(posterior, Float32Array.from(throws), count, {
    numSamples: o.numSamples,
    maxDrawsPerSample: o.maxDrawsPerSample,
    rng: new Rng(throwPosteriorSeed(seed)),
    onProgress: o.onProgress,
  });
  return { throws, ...means };
}

/** One batch of throws with their posterior means (version 1). */
export const throwInferenceBatchKind: JobKind<ThrowInferenceBatchConfig, ThrowInferenceBatchResult> = {
  kind: "t2k-throws-inference",
  version: 1,
  async run(config, seed, _inputs, ctx) {
    const { inputs, count, posterior: p } = config;
    const posterior = await loadPosterior(p, ctx);
    ctx.progress(0, `${count} throws × ${p.numSamples} posterior draws`);
    const r = throwBatchWithMeans(await throwsSampler(inputs, ctx.artifacts), posterior, count, seed, {
      numSamples: p.numSamples,
      maxDrawsPerSample: p.maxDrawsPerSample,
      onProgress: (done, total) => ctx.progress(done / total),
    });
    return {
      count,
      throws: await putArray(ctx.artifacts, r.throws, [count, inputs.n]),
      throwMeans: await putArray(ctx.artifacts, r.throwMeans, [count, p.thetaDim]),
      failed: r.failed,
      lowAcceptance: r.lowAcceptance,
    };
  },
};

/** The central values' posterior (version 1). */
export const throwsCentralKind: JobKind<ThrowsCentralConfig, ThrowsCentralResult> = {
  kind: "t2k-throws-central",
  version: 1,
  async run(config, seed, _inputs, ctx) {
    const { inputs, posterior: p } = config;
    const posterior = await loadPosterior(p, ctx);
    const central = await getArray(ctx.artifacts, inputs.mean, "float64", [inputs.n], "throws mean");
    return centralPosterior(posterior, Float32Array.from(central), { numSamples: p.numSamples, rng: new Rng(seed) });
  },
};

/** numSamples and maxDrawsPerSample with their defaults, checked. */
function samplingSettings(o: ThrowsPosteriorSettings): { numSamples: number; maxDrawsPerSample: number } {
  const numSamples = o.numSamples ?? 1000,
    maxDrawsPerSample = o.maxDrawsPerSample ?? THROW_MAX_DRAWS_PER_SAMPLE;
  if (!Number.isSafeInteger(numSamples) || numSamples < 2)
    throw new NsbiInputError(`numSamples: expected an integer ≥ 2 posterior draws, got ${numSamples}`);
  if (!Number.isSafeInteger(maxDrawsPerSample) || maxDrawsPerSample < 1)
    throw new NsbiInputError(`maxDrawsPerSample: expected a positive integer, got ${maxDrawsPerSample}`);
  return { numSamples, maxDrawsPerSample };
}

/**
 * Check that a model fits the throws: its x has the n values of a throw.
 * @param where names the model in the message (e.g. "model '<folder>'")
 */
export function checkThrowsModel(posterior: Posterior, n: number, where: string): void {
  if (posterior.xDim !== n)
    throw new NsbiInputError(
      `${where}: the model's x has ${posterior.xDim} values, expected the ${n} values of a throw (a posterior for this measurement)`,
    );
}

/**
 * Put an NPE model's files into the artifact store (before building the campaign), checked: it
 * loads and its x has the n values of a throw.
 * @param o where: names the model in messages (e.g. "model '<folder>'")
 * @throws NsbiInputError / NsbiFormatError naming `where`
 */
export async function putThrowsPosterior(
  artifacts: ArtifactStore,
  files: ModelFiles,
  o: ThrowsPosteriorSettings & { n: number; where: string },
): Promise<ThrowsPosteriorConfig> {
  const { numSamples, maxDrawsPerSample } = samplingSettings(o);
  // the plain kernels: only the shapes are needed here
  const posterior = deserializePosterior(files, { kernels: "ts", source: o.where });
  checkThrowsModel(posterior, o.n, o.where);
  return {
    model: {
      config: await artifacts.put(new TextEncoder().encode(files.config)),
      weights: await artifacts.put(files.weights),
    },
    thetaDim: posterior.thetaDim,
    numSamples,
    maxDrawsPerSample,
    kernels: o.kernels ?? "auto",
  };
}

/**
 * The inference campaign: the central values' job, then one job per batch (throws and their
 * posterior means), in order.
 */
export function throwsInferenceCampaign(
  inputs: ThrowsInputs,
  posterior: ThrowsPosteriorConfig,
  settings: ThrowsSettings,
  o: { name: string; kindsModule: string },
): Campaign {
  const jobs: Job[] = [
    makeJob(throwsCentralKind, {
      config: { inputs, posterior },
      seed: centralPosteriorSeed(settings.seed),
      label: "central values",
    }),
  ];
  let start = 0;
  throwBatchSizes(settings.throws, settings.batch ?? 100).forEach((count, b) => {
    jobs.push(
      makeJob(throwInferenceBatchKind, {
        config: { inputs, count, posterior },
        seed: throwBatchSeed(settings.seed, b),
        label: `throws ${start + 1}-${start + count} + posterior`,
      }),
    );
    start += count;
  });
  return { name: o.name, kindsModule: o.kindsModule, jobs };
}

const LABEL = "throws inference";

/**
 * The ThrowsInference of a finished inference campaign (summarizeThrows over its batches, in order).
 * @throws NsbiInputError if a job has no result, or no throw could be sampled
 */
export async function collectThrowsInference(
  campaign: Campaign,
  results: ReadonlyMap<string, unknown>,
  artifacts: ArtifactStore,
): Promise<ThrowsInference> {
  const result = <R>(job: Job) => {
    const r = results.get(job.key) as R | undefined;
    if (!r) throw new NsbiInputError(`throws campaign: job ${job.label ?? job.key} has no result (not finished)`);
    return r;
  };
  const centralJob = campaign.jobs.find((j) => j.kind === throwsCentralKind.kind);
  if (!centralJob) throw new NsbiInputError(`throws campaign '${campaign.name}': no job for the central values`);
  const central = result<ThrowsCentralResult>(centralJob);
  const jobs = throwBatchJobs(campaign);
  const { posterior: p } = jobs[0].config as ThrowInferenceBatchConfig;
  const P = p.thetaDim;
  const total = jobs.reduce((a, j) => a + (j.config as ThrowInferenceBatchConfig).count, 0);
  const throwMeans = new Float64Array(total * P);
  let at = 0,
    failed = 0,
    lowAcceptance = 0;
  for (const job of jobs) {
    const r = result<ThrowInferenceBatchResult>(job);
    throwMeans.set(
      await getArray(artifacts, r.throwMeans, "float64", [r.count, P], `posterior means of ${job.label}`),
      at,
    );
    at += r.count * P;
    failed += r.failed;
    lowAcceptance += r.lowAcceptance;
  }
  return summarizeThrows(
    central,
    { throwMeans, failed, lowAcceptance },
    { maxDrawsPerSample: p.maxDrawsPerSample, label: LABEL },
  );
}

/**
 * The same throws and inference as an inference campaign's, in this thread.
 * @param posterior the NPE posterior (on the kernel path the campaign's jobs use, for equal numbers)
 * @param mean the measured values [n] (the central values and the throws' mean)
 * @param covariance [n, n]
 * @returns throws [throws, n] and the inference
 */
export function inferThrowsInBatches(
  posterior: Posterior,
  mean: Float64Array,
  covariance: Float64Array,
  settings: ThrowsSettings & Omit<ThrowsPosteriorSettings, "kernels"> & { name?: string },
): { throws: Float64Array; inference: ThrowsInference } {
  checkThrowsModel(posterior, mean.length, "inferThrowsInBatches: posterior");
  const { numSamples, maxDrawsPerSample } = samplingSettings(settings),
    P = posterior.thetaDim;
  const thrower = new CovarianceThrows(mean, covariance, settings.name);
  const central = centralPosterior(posterior, Float32Array.from(mean), {
    numSamples,
    rng: new Rng(centralPosteriorSeed(settings.seed)),
  });
  const throws = new Float64Array(settings.throws * mean.length),
    throwMeans = new Float64Array(settings.throws * P);
  let start = 0,
    failed = 0,
    lowAcceptance = 0;
  throwBatchSizes(settings.throws, settings.batch ?? 100).forEach((count, b) => {
    const r = throwBatchWithMeans(thrower, posterior, count, throwBatchSeed(settings.seed, b), {
      numSamples,
      maxDrawsPerSample,
    });
    throws.set(r.throws, start * mean.length);
    throwMeans.set(r.throwMeans, start * P);
    failed += r.failed;
    lowAcceptance += r.lowAcceptance;
    start += count;
  });
  const inference = summarizeThrows(
    central,
    { throwMeans, failed, lowAcceptance },
    { maxDrawsPerSample, label: LABEL },
  );
  return { throws, inference };
}
