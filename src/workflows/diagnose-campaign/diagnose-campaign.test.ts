import { beforeAll, describe, expect, test } from "vitest";
import { InProcessExecutor } from "../../campaigns/in-process-executor.js";
import { JobKindRegistry } from "../../campaigns/job-kind.js";
import { MemoryCampaignStore } from "../../campaigns/memory-store.js";
import { runDiagnostics, type DiagnosticsReport } from "../../diagnostics/run-diagnostics.js";
import { Rng } from "../../engine/rng.js";
import { BoxUniform } from "../../flows/priors/box-uniform.js";
import { deserializePosterior, serializePosterior } from "../../inference/model-file.js";
import { NPE } from "../../inference/npe.js";
import type { Posterior } from "../../inference/posterior.js";
import { sha256Hex } from "../../io/sha256.js";
import { drawChunk } from "./chunk-draws.js";
import { diagnoseFromDraws } from "./diagnose-from-draws.js";
import {
  chunkSeed,
  diagnoseCampaign,
  diagnoseCampaignReport,
  diagnoseDrawsKind,
  diagnoseInChunks,
  putDiagnoseInputs,
} from "./diagnose-jobs.js";

/** The report without its wall times (which differ between any two runs). */
const timeless = (r: DiagnosticsReport) => ({ ...r, seconds: null });

/** θ ~ U(−1, 1)², x | θ ~ N(θ, 0.3²): a tiny MAF trained for a few epochs (as run-diagnostics.test.ts). */
describe("diagnose campaigns", () => {
  const P = 2,
    prior = new BoxUniform([-1, -1], [1, 1]);
  let posterior: Posterior;
  let theta: Float32Array, x: Float32Array;
  const simulate = (t: Float32Array, rng: Rng) => t.map((v) => v + 0.3 * rng.normal());
  beforeAll(() => {
    const rng = new Rng(1);
    const t = prior.sample(600, rng);
    const npe = new NPE({ prior, estimator: "maf", transforms: 1, hiddenFeatures: 8 });
    npe.appendSimulations(t, simulate(t, rng)).train({ seed: 2, batchSize: 100, maxEpochs: 5, stopAfterEpochs: 10 });
    // the model as a worker gets it: through its files
    posterior = deserializePosterior(serializePosterior(npe.buildPosterior()));
    theta = prior.sample(45, rng);
    x = simulate(theta, rng);
  });

  test("diagnostics from draws made elsewhere equal runDiagnostics when the draws come from its own stream", () => {
    // runDiagnostics draws every observation from new Rng(seed).fork(); one chunk drawn from it
    // here, outside, gives its numbers exactly (every statistic, seed and verdict)
    const draws = drawChunk(posterior, theta, x, { numSamples: 50, rng: new Rng(7).fork() });
    const direct = runDiagnostics(posterior, theta, x, { numSamples: 50, seed: 7 });
    const replayed = diagnoseFromDraws(posterior, theta, x, draws, { numSamples: 50, seed: 7 });
    expect(direct.sampler).toBe("direct");
    expect(timeless(replayed)).toEqual(timeless(direct));
  });

  test("a campaign of chunk jobs gives the numbers of the in-process library call; chunk c draws from its own seed", async () => {
    const settings = { numSamples: 40, seed: 11, chunk: 20 };
    const store = new MemoryCampaignStore();
    const inputs = await putDiagnoseInputs(store.artifacts, serializePosterior(posterior), {
      theta,
      x,
      n: 45,
      thetaDim: P,
      xDim: P,
    });
    const campaign = diagnoseCampaign(inputs, settings, { name: "diag", kindsModule: "unused" });
    expect(campaign.jobs.map((j) => j.label)).toEqual(["draws 1-20", "draws 21-40", "draws 41-45"]);
    // the chunk seeds: the first 32 bits of SHA-256 of '11|"diagnose-chunk"|c'
    for (let c = 0; c < 3; c++) {
      const seed = Number.parseInt(sha256Hex(new TextEncoder().encode(`11|"diagnose-chunk"|${c}`)).slice(0, 8), 16);
      expect(campaign.jobs[c].seed).toBe(seed);
      expect(chunkSeed(11, c)).toBe(seed);
    }
    const summary = await new InProcessExecutor(new JobKindRegistry([diagnoseDrawsKind])).run(campaign, store);
    expect(summary).toMatchObject({ done: 3, failed: 0 });
    const viaCampaign = await diagnoseCampaignReport(campaign, summary.results, store.artifacts, {
      parameterNames: posterior.parameterNames,
      seed: 11,
    });
    const inProcess = diagnoseInChunks(posterior, theta, x, settings);
    expect(timeless(viaCampaign)).toEqual(timeless(inProcess));
    // the pulls of test 25 (chunk 1, its row 5) from draws made here with the chunk's seed:
    // (mean − θ*)/sd of its 40 draws
    const own = posterior.sampleBatched(40, x.subarray(20 * P, 40 * P), 20, { rng: new Rng(chunkSeed(11, 1)) });
    for (let p = 0; p < P; p++) {
      const d = Array.from({ length: 40 }, (_, l) => own.samples[(5 * 40 + l) * P + p]);
      const m = d.reduce((a, b) => a + b, 0) / 40,
        sd = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / 39);
      expect(viaCampaign.pulls.pulls[p][25]).toBeCloseTo((m - theta[25 * P + p]) / sd, 10);
    }
    // the chunked draws are not runDiagnostics's single stream: other ranks, same seed
    expect(viaCampaign.sbc.ranks).not.toEqual(
      runDiagnostics(posterior, theta, x, { numSamples: 40, seed: 11 }).sbc.ranks,
    );
    // a rerun on the same store takes every chunk from it
    const again = await new InProcessExecutor(new JobKindRegistry([diagnoseDrawsKind])).run(campaign, store);
    expect(again).toMatchObject({ done: 3, resumed: 3 });
  });

  test("bad settings: one clear error", async () => {
    const store = new MemoryCampaignStore();
    const inputs = await putDiagnoseInputs(store.artifacts, serializePosterior(posterior), {
      theta,
      x,
      n: 45,
      thetaDim: P,
      xDim: P,
    });
    expect(() => diagnoseCampaign(inputs, { numSamples: 1, seed: 0 }, { name: "d", kindsModule: "m" })).toThrow(
      "numSamples: expected at least 2 draws per test, got 1",
    );
    expect(() =>
      diagnoseCampaign(inputs, { numSamples: 5, seed: 0, chunk: 0 }, { name: "d", kindsModule: "m" }),
    ).toThrow("chunk: expected a positive integer of observations per job, got 0");
    await expect(
      putDiagnoseInputs(store.artifacts, serializePosterior(posterior), { theta, x, n: 44, thetaDim: P, xDim: P }),
    ).rejects.toThrow("diagnose campaign: test pairs θ [44, 2] and x [44, 2] do not match");
  });
});
