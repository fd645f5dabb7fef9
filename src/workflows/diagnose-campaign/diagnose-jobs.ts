import type { ArtifactRef, ArtifactStore } from "../../campaigns/artifact.js";
import { getArray, putArray } from "../../campaigns/array-artifacts.js";
import type { Campaign } from "../../campaigns/campaign.js";
import { type Job, makeJob } from "../../campaigns/job.js";
import type { JobContext, JobKind } from "../../campaigns/job-kind.js";
import { jobSeed } from "../../campaigns/job-seed.js";
import type { DiagnosticsReport } from "../../diagnostics/run-diagnostics.js";
import { Rng } from "../../engine/rng.js";
import { NsbiFormatError, NsbiInputError } from "../../errors.js";
import { deserializePosterior, type ModelFiles } from "../../inference/model-file.js";
import type { Posterior } from "../../inference/posterior.js";
import type { KernelChoice } from "../../kernels/select.js";
import { type ChunkDraws, concatChunks, drawChunk } from "./chunk-draws.js";
import { diagnoseFromDraws } from "./diagnose-from-draws.js";

/**
 * `nsbi diagnose` over many test observations as a campaign: the posterior draws of each chunk of
 * consecutive observations are one job (the expensive part: L draws per observation), the
 * diagnostics are computed from all the draws at the end (diagnoseFromDraws). Chunk c draws from
 * `new Rng(jobSeed(seed, "diagnose-chunk", c))`, so the numbers depend on the seed and the chunk
 * size, not on where or in which order the jobs run; `diagnoseInChunks` is the same computation in
 * this thread. (A single `nsbi diagnose` run draws all observations from one stream instead: its
 * numbers differ, with the same distribution.) NPE posteriors only.
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
}

/** Config of a draws job: observations start … start + count − 1. */
export interface DiagnoseDrawsConfig {
  inputs: DiagnoseInputs;
  start: number;
  count: number;
  numSamples: number;
  /** The kernel path of the network (part of the key: another path may round differently). */
  kernels: KernelChoice;
}

/** Result of a draws job: the ChunkDraws arrays as .npy artifacts. */
export interface DiagnoseDrawsResult {
  count: number;
  draws: ArtifactRef;
  lpDraws: ArtifactRef;
  lpTrue: ArtifactRef;
  acceptance: ArtifactRef;
}

// a worker runs many chunks of one model: keep the last few loaded
const loaded = new Map<string, Posterior>();

async function loadPosterior(inputs: DiagnoseInputs, kernels: KernelChoice, ctx: JobContext): Promise<Posterior> {
  const id = `${inputs.model.weights.$artifact}/${inputs.model.config.$artifact}/${kernels}`;
  const hit = loaded.get(id);
  if (hit) return hit;
  const files: ModelFiles = {
    config: new TextDecoder().decode(await ctx.artifacts.get(inputs.model.config)),
    weights: await ctx.artifacts.get(inputs.model.weights),
  };
  const posterior = deserializePosterior(files, { kernels, source: `model artifact ${id.slice(0, 12)}` });
  if (loaded.size >= 2) loaded.delete(loaded.keys().next().value as string);
  loaded.set(id, posterior);
  return posterior;
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

/** One chunk's posterior draws (version 1). */
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
    ctx.progress(0, `drawing ${numSamples} samples for ${count} observations`);
    const d = drawChunk(posterior, rows.theta, rows.x, { numSamples, rng: new Rng(seed) });
    const L = numSamples,
      P = inputs.thetaDim;
    return {
      count,
      draws: await putArray(ctx.artifacts, d.draws, [count, L, P]),
      lpDraws: await putArray(ctx.artifacts, d.lpDraws, [count, L]),
      lpTrue: await putArray(ctx.artifacts, d.lpTrue, [count]),
      acceptance: await putArray(ctx.artifacts, d.acceptance, [count]),
    };
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

/** Put a model's files and the test pairs into the artifact store (before building the campaign). */
export async function putDiagnoseInputs(
  artifacts: ArtifactStore,
  files: ModelFiles,
  tests: { theta: Float32Array; x: Float32Array; n: number; thetaDim: number; xDim: number },
): Promise<DiagnoseInputs> {
  const { n, thetaDim, xDim } = tests;
  if (n < 1 || tests.theta.length !== n * thetaDim || tests.x.length !== n * xDim)
    throw new NsbiInputError(`diagnose campaign: test pairs θ [${n}, ${thetaDim}] and x [${n}, ${xDim}] do not match`);
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
  const jobs: Job[] = chunkRanges(inputs.n, settings.chunk ?? 100).map(([start, count], c) =>
    makeJob(diagnoseDrawsKind, {
      config: { inputs, start, count, numSamples: settings.numSamples, kernels: settings.kernels ?? "auto" },
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
  const { inputs, numSamples: L } = first;
  const P = inputs.thetaDim;
  const chunks: ChunkDraws[] = [];
  for (const job of campaign.jobs) {
    const r = results.get(job.key) as DiagnoseDrawsResult | undefined;
    if (!r) throw new NsbiInputError(`diagnose campaign: job ${job.label ?? job.key} has no result (not finished)`);
    const m = r.count;
    chunks.push({
      count: m,
      draws: await getArray(artifacts, r.draws, "float32", [m, L, P], `draws of ${job.label}`),
      lpDraws: await getArray(artifacts, r.lpDraws, "float64", [m, L], `log q of ${job.label}`),
      lpTrue: await getArray(artifacts, r.lpTrue, "float64", [m], `log q(θ*) of ${job.label}`),
      acceptance: await getArray(artifacts, r.acceptance, "float64", [m], `acceptance of ${job.label}`),
    });
  }
  const theta = await getArray(artifacts, inputs.theta, "float32", [inputs.n, P], "diagnose test θ*");
  const x = await getArray(artifacts, inputs.x, "float32", [inputs.n, inputs.xDim], "diagnose test x");
  return diagnoseFromDraws(
    { thetaDim: P, xDim: inputs.xDim, parameterNames: o.parameterNames },
    theta,
    x,
    concatChunks(chunks),
    { numSamples: L, seed: o.seed, samplingSeconds: o.samplingSeconds },
  );
}

/** The same computation as a diagnose campaign, in this thread: the library call. */
export function diagnoseInChunks(
  posterior: Posterior,
  thetaTrue: Float32Array,
  xs: Float32Array,
  settings: DiagnoseCampaignSettings,
): DiagnosticsReport {
  const P = posterior.thetaDim,
    D = posterior.xDim,
    n = xs.length / D;
  const chunks = chunkRanges(n, settings.chunk ?? 100).map(([start, count], c) =>
    drawChunk(
      posterior,
      thetaTrue.subarray(start * P, (start + count) * P),
      xs.subarray(start * D, (start + count) * D),
      {
        numSamples: settings.numSamples,
        rng: new Rng(chunkSeed(settings.seed, c)),
      },
    ),
  );
  return diagnoseFromDraws(posterior, thetaTrue, xs, concatChunks(chunks), {
    numSamples: settings.numSamples,
    seed: settings.seed,
  });
}
