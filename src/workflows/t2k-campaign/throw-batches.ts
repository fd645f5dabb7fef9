import type { ArtifactRef, ArtifactStore } from "../../campaigns/artifact.js";
import { getArray, putArray } from "../../campaigns/array-artifacts.js";
import type { Campaign } from "../../campaigns/campaign.js";
import { type Job, makeJob } from "../../campaigns/job.js";
import type { JobKind } from "../../campaigns/job-kind.js";
import { jobSeed } from "../../campaigns/job-seed.js";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { CovarianceThrows } from "../t2k/covariance-throws.js";

/**
 * Covariance throws of a measurement (x = μ + L z, covariance-throws.ts) as a campaign: one job per
 * batch of throws, batch b drawn from `new Rng(jobSeed(seed, "t2k-throws", b))`, so the throws
 * depend on the seed and the batch size only, not on the workers; `covarianceThrowBatches` is the
 * same computation in this thread. With an NPE model, throws-inference-batches.ts infers every
 * throw's posterior mean in the same jobs (the throws unchanged).
 */

/** Mean [n] and covariance [n, n] (float64 .npy artifacts) of the throws. */
export interface ThrowsInputs {
  mean: ArtifactRef;
  covariance: ArtifactRef;
  n: number;
  /** What the matrix is (for the Cholesky error message). */
  name: string;
}

export interface ThrowBatchConfig {
  inputs: ThrowsInputs;
  /** Throws in this batch. */
  count: number;
}

export interface ThrowBatchResult {
  count: number;
  /** [count, n] float64 .npy. */
  throws: ArtifactRef;
}

/** One batch of throws (version 1). */
export const throwBatchKind: JobKind<ThrowBatchConfig, ThrowBatchResult> = {
  kind: "t2k-covariance-throws",
  version: 1,
  async run(config, seed, _inputs, ctx) {
    const { inputs, count } = config;
    const throws = (await throwsSampler(inputs, ctx.artifacts)).sample(count, new Rng(seed));
    return { count, throws: await putArray(ctx.artifacts, throws, [count, inputs.n]) };
  },
};

/** The sampler of a job's throws, from the mean and covariance artifacts. */
export async function throwsSampler(inputs: ThrowsInputs, artifacts: ArtifactStore): Promise<CovarianceThrows> {
  const mean = await getArray(artifacts, inputs.mean, "float64", [inputs.n], "throws mean");
  const cov = await getArray(artifacts, inputs.covariance, "float64", [inputs.n, inputs.n], "throws covariance");
  return new CovarianceThrows(mean, cov, inputs.name);
}

/** How many throws, in batches of how many, from which seed. */
export interface ThrowsSettings {
  throws: number;
  /** Throws per job (default 100). */
  batch?: number;
  seed: number;
}

/** The batch sizes: `batch` each, the last one the rest. */
export function throwBatchSizes(total: number, batch: number): number[] {
  if (!Number.isSafeInteger(total) || total < 1)
    throw new NsbiInputError(`throws: expected a positive integer, got ${total}`);
  if (!Number.isSafeInteger(batch) || batch < 1)
    throw new NsbiInputError(`batch: expected a positive integer of throws per job, got ${batch}`);
  const out: number[] = [];
  for (let s = 0; s < total; s += batch) out.push(Math.min(batch, total - s));
  return out;
}

/** The seed of batch b. */
export function throwBatchSeed(seed: number, b: number): number {
  return jobSeed(seed, "t2k-throws", b);
}

/** Put the mean and covariance into the artifact store (before building the campaign). */
export async function putThrowsInputs(
  artifacts: ArtifactStore,
  mean: Float64Array,
  covariance: Float64Array,
  name: string,
): Promise<ThrowsInputs> {
  const n = mean.length;
  if (covariance.length !== n * n)
    throw new NsbiInputError(`${name}: ${covariance.length} values, expected ${n} × ${n} for a mean of ${n}`);
  new CovarianceThrows(mean, covariance, name); // a matrix that is not positive definite fails here, before any job
  return {
    mean: await putArray(artifacts, mean, [n]),
    covariance: await putArray(artifacts, covariance, [n, n]),
    n,
    name,
  };
}

/** The campaign: one job per batch, in order. */
export function throwsCampaign(
  inputs: ThrowsInputs,
  settings: ThrowsSettings,
  o: { name: string; kindsModule: string },
): Campaign {
  let start = 0;
  const jobs = throwBatchSizes(settings.throws, settings.batch ?? 100).map((count, b) => {
    const job = makeJob(throwBatchKind, {
      config: { inputs, count },
      seed: throwBatchSeed(settings.seed, b),
      label: `throws ${start + 1}-${start + count}`,
    });
    start += count;
    return job;
  });
  return { name: o.name, kindsModule: o.kindsModule, jobs };
}

/**
 * The jobs of a throws campaign that draw a batch of throws (their config has a `count`), in
 * batch order; an inference campaign's job for the central values draws none.
 */
export function throwBatchJobs(campaign: Campaign): Job[] {
  return campaign.jobs.filter((j) => typeof (j.config as Partial<ThrowBatchConfig>).count === "number");
}

/**
 * Every throw of a finished campaign (with or without inference), [throws, n] in batch order.
 * @throws NsbiInputError if a batch has no result
 */
export async function collectThrows(
  campaign: Campaign,
  results: ReadonlyMap<string, unknown>,
  artifacts: ArtifactStore,
): Promise<Float64Array> {
  const jobs = throwBatchJobs(campaign);
  const n = (jobs[0].config as ThrowBatchConfig).inputs.n;
  const parts: Float64Array[] = [];
  for (const job of jobs) {
    const r = results.get(job.key) as ThrowBatchResult | undefined;
    if (!r) throw new NsbiInputError(`throws campaign: job ${job.label ?? job.key} has no result (not finished)`);
    parts.push(await getArray(artifacts, r.throws, "float64", [r.count, n], `throws of ${job.label}`));
  }
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The same throws as a campaign's, in this thread: [throws, n]. */
export function covarianceThrowBatches(
  mean: Float64Array,
  covariance: Float64Array,
  settings: ThrowsSettings & { name?: string },
): Float64Array {
  const thrower = new CovarianceThrows(mean, covariance, settings.name);
  const sizes = throwBatchSizes(settings.throws, settings.batch ?? 100);
  const out = new Float64Array(settings.throws * mean.length);
  let at = 0;
  sizes.forEach((count, b) => {
    const t = thrower.sample(count, new Rng(throwBatchSeed(settings.seed, b)));
    out.set(t, at);
    at += t.length;
  });
  return out;
}
