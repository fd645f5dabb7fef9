import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import { InProcessExecutor } from "../../campaigns/in-process-executor.js";
import { JobKindRegistry } from "../../campaigns/job-kind.js";
import { MemoryCampaignStore } from "../../campaigns/memory-store.js";
import { MCMC_FLAG_DEFAULTS } from "../../cli/mcmc-options.js";
import { runMcmcObservations } from "../../diagnostics/mcmc-runs.js";
import { runDiagnostics, type DiagnosticsReport } from "../../diagnostics/run-diagnostics.js";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { BoxUniform } from "../../flows/priors/box-uniform.js";
import { McmcPosterior } from "../../inference/mcmc-posterior.js";
import { deserializePosterior, type ModelFiles, serializePosterior } from "../../inference/model-file.js";
import { deserializeNle } from "../../inference/nle-model-file.js";
import { deserializeRatio } from "../../inference/nre-model-file.js";
import { NPE } from "../../inference/npe.js";
import type { Posterior } from "../../inference/posterior.js";
import { sha256Hex } from "../../io/sha256.js";
import { setWarningHandler } from "../../logging.js";
import { drawChunk, drawMcmcChunk } from "./chunk-draws.js";
import { diagnoseFromDraws } from "./diagnose-from-draws.js";
import {
  chunkSeed,
  type DiagnoseCampaignSettings,
  type DiagnoseDrawsConfig,
  diagnoseCampaign,
  diagnoseCampaignReport,
  diagnoseDrawsKind,
  diagnoseInChunks,
  putDiagnoseInputs,
} from "./diagnose-jobs.js";
import { DIAGNOSE_MCMC_DEFAULTS, resolveDiagnoseMcmc } from "./diagnose-mcmc-settings.js";

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

/** The tiny two_moons NLE and NRE models of the browser test (web/e2e-fixtures/PROVENANCE.md), as files. */
function fixtureFiles(name: "nle-two-moons" | "nre-two-moons"): ModelFiles {
  const dir = new URL(`../../../web/e2e-fixtures/${name}/`, import.meta.url);
  return {
    config: readFileSync(new URL("config.json", dir), "utf8"),
    weights: new Uint8Array(readFileSync(new URL("model.safetensors", dir))),
  };
}

/** Runs with warnings captured instead of printed. */
async function captured<T>(run: () => T | Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const previous = setWarningHandler((m) => warnings.push(m));
  try {
    return { result: await run(), warnings };
  } finally {
    setWarningHandler(previous);
  }
}

/** A campaign run in this process on a fresh store, and its report. */
async function campaignReport(
  files: ModelFiles,
  theta: Float32Array,
  x: Float32Array,
  settings: DiagnoseCampaignSettings,
) {
  const store = new MemoryCampaignStore();
  const n = x.length / 2;
  const inputs = await putDiagnoseInputs(store.artifacts, files, { theta, x, n, thetaDim: 2, xDim: 2 });
  const campaign = diagnoseCampaign(inputs, settings, { name: "diag", kindsModule: "unused" });
  const summary = await new InProcessExecutor(new JobKindRegistry([diagnoseDrawsKind])).run(campaign, store);
  expect(summary).toMatchObject({ failed: 0 });
  const report = await diagnoseCampaignReport(campaign, summary.results, store.artifacts, {
    parameterNames: ["parameter_1", "parameter_2"],
    seed: settings.seed,
  });
  return { campaign, summary, report, store };
}

describe("diagnose campaigns of NLE/NRE models (MCMC)", () => {
  const P = 2;
  let nle: McmcPosterior, nre: McmcPosterior;
  let theta: Float32Array, x: Float32Array;
  beforeAll(() => {
    nle = McmcPosterior.fromNle(deserializeNle(fixtureFiles("nle-two-moons")));
    nre = McmcPosterior.fromNre(deserializeRatio(fixtureFiles("nre-two-moons")));
    const rng = new Rng(5);
    theta = nle.prior.sample(7, rng);
    x = Float32Array.from(theta, (t) => t + 0.1 * rng.normal());
  });

  test("MCMC draws made elsewhere give runDiagnostics' report when they come from its own stream", async () => {
    const mcmc = { method: "slice" as const, chains: 4, warmup: 10, thin: 1 };
    const direct = await captured(() => runDiagnostics(nle, theta, x, { numSamples: 20, seed: 8, mcmc }));
    const replayed = await captured(() => {
      const draws = drawMcmcChunk(nle, theta, x, {
        numSamples: 20,
        rng: new Rng(8).fork(),
        settings: mcmc,
        firstIndex: 0,
      });
      return diagnoseFromDraws(nle, theta, x, draws, {
        numSamples: 20,
        seed: 8,
        mcmc: { estimator: "nle", settings: mcmc },
      });
    });
    expect(direct.result.sampler).toBe("mcmc");
    expect(direct.result.mcmc).not.toBeNull();
    expect(timeless(replayed.result)).toEqual(timeless(direct.result));
    // the one summarising warning, and nothing per observation
    expect(replayed.warnings).toEqual(direct.warnings);
  });

  test("a campaign of MCMC chunk jobs gives the numbers and MCMC summary of the in-process library call", async () => {
    const settings: DiagnoseCampaignSettings = { numSamples: 16, seed: 3, chunk: 3, mcmc: { chains: 4, warmup: 8 } };
    const { campaign, summary, report, store } = (
      await captured(() => campaignReport(fixtureFiles("nle-two-moons"), theta, x, settings))
    ).result;
    expect(campaign.jobs.map((j) => j.label)).toEqual(["draws 1-3", "draws 4-6", "draws 7-7"]);
    // the MCMC settings are in every job's config, the defaults filled in (nsbi diagnose's: slice, thin 1)
    for (const j of campaign.jobs) {
      expect((j.config as DiagnoseDrawsConfig).mcmc).toEqual({ method: "slice", chains: 4, warmup: 8, thin: 1 });
      expect((j.config as DiagnoseDrawsConfig).inputs.estimator).toBe("nle");
    }
    const inProcess = (await captured(() => diagnoseInChunks(nle, theta, x, settings))).result;
    expect(timeless(report)).toEqual(timeless(inProcess));
    expect(report.sampler).toBe("mcmc");
    expect(report.acceptance).toBeNull();
    expect(report.mcmc).toMatchObject({
      estimator: "nle",
      sampler: "slice",
      chains: 4,
      drawsPerChain: 4,
      warmup: 8,
      thin: 1,
    });
    expect(report.mcmc!.maxRhat).toHaveLength(7);
    // observation 4 (chunk 1, its row 1): the chunk's stream runs observation 3, then 4; its record
    // and its draws' pulls (mean − θ*)/sd computed here
    const stream = new Rng(chunkSeed(3, 1));
    const own = (
      await captured(() =>
        runMcmcObservations(nle, theta.subarray(3 * P, 5 * P), x.subarray(3 * P, 5 * P), {
          numSamples: 16,
          rng: stream,
          settings: { method: "slice", chains: 4, warmup: 8, thin: 1 },
        }),
      )
    ).result;
    const rec = own.records[1];
    expect(report.mcmc!.maxRhat[4]).toBe(typeof rec.maxRhat === "number" ? rec.maxRhat : null);
    expect(report.mcmc!.minEss[4]).toBe(Number(rec.minEss));
    for (let p = 0; p < P; p++) {
      const d = Array.from({ length: 16 }, (_, l) => own.draws[(16 + l) * P + p]);
      const m = d.reduce((a, b) => a + b, 0) / 16,
        sd = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / 15);
      expect(report.pulls.pulls[p][4]).toBeCloseTo((m - theta[4 * P + p]) / sd, 10);
    }
    // a rerun on the same store takes every chunk from it
    const again = await new InProcessExecutor(new JobKindRegistry([diagnoseDrawsKind])).run(campaign, store);
    expect(again).toMatchObject({ done: 3, resumed: 3 });
    expect(summary).toMatchObject({ done: 3, resumed: 0 });
  });

  test("the chunk size does not change the draws of a chunk's observations: chunk 0 of 3 = the first 3 of chunk 0 of 7", async () => {
    const base = { numSamples: 12, seed: 9 };
    const mcmc = { method: "hmc" as const, chains: 3, warmup: 6 };
    const small = (await captured(() => diagnoseInChunks(nre, theta, x, { ...base, chunk: 3, mcmc }))).result;
    const whole = (await captured(() => diagnoseInChunks(nre, theta, x, { ...base, chunk: 7, mcmc }))).result;
    expect(small.mcmc!.sampler).toBe("hmc");
    expect(small.mcmc!.estimator).toBe("nre");
    for (let p = 0; p < P; p++) {
      expect(small.sbc.ranks[p].slice(0, 3)).toEqual(whole.sbc.ranks[p].slice(0, 3));
      expect(small.pulls.pulls[p].slice(0, 3)).toEqual(whole.pulls.pulls[p].slice(0, 3));
      // chunk 1 of 3 draws from its own seed: observation 3 differs
      expect(small.pulls.pulls[p][3]).not.toBe(whole.pulls.pulls[p][3]);
    }
    expect(small.mcmc!.maxRhat.slice(0, 3)).toEqual(whole.mcmc!.maxRhat.slice(0, 3));
    expect(small.mcmc!.minEss.slice(0, 3)).toEqual(whole.mcmc!.minEss.slice(0, 3));
    expect(small.expectedCoverage.hpdLevels.slice(0, 3)).toEqual(whole.expectedCoverage.hpdLevels.slice(0, 3));
  });

  test("runs too short for R-hat: their NaN R-hat and ESS pass through the store by name", async () => {
    // 6 draws over 3 chains: 2 per chain, fewer than R-hat and bulk ESS need
    const settings: DiagnoseCampaignSettings = { numSamples: 6, seed: 1, chunk: 4, mcmc: { chains: 3, warmup: 4 } };
    const files = fixtureFiles("nle-two-moons");
    const viaCampaign = await captured(() => campaignReport(files, theta, x, settings));
    const inProcess = await captured(() => diagnoseInChunks(nle, theta, x, settings));
    const m = viaCampaign.result.report.mcmc!;
    expect(m.maxRhat).toEqual(Array(7).fill(null));
    expect(m.minEss.every((v) => Number.isNaN(v))).toBe(true);
    expect(m.undefinedRhat).toBe(7);
    expect(timeless(viaCampaign.result.report)).toEqual(timeless(inProcess.result));
    expect(viaCampaign.warnings).toEqual(inProcess.warnings);
    expect(viaCampaign.warnings.filter((w) => w.includes("R-hat undefined in 7 of 7"))).toHaveLength(1);
  });

  test("bad MCMC settings: one clear error naming the field", async () => {
    const store = new MemoryCampaignStore();
    const tests = { theta, x, n: 7, thetaDim: P, xDim: P };
    const inputs = await putDiagnoseInputs(store.artifacts, fixtureFiles("nre-two-moons"), tests);
    expect(inputs.estimator).toBe("nre");
    const o = { name: "d", kindsModule: "m" };
    const bad = (mcmc: object) => () =>
      diagnoseCampaign(inputs, { numSamples: 5, seed: 0, mcmc: mcmc as DiagnoseCampaignSettings["mcmc"] }, o);
    expect(bad({ chains: 0 })).toThrow(new NsbiInputError("mcmc.chains: expected an integer from 1 to 1000, got 0"));
    expect(bad({ warmup: 2.5 })).toThrow(
      new NsbiInputError("mcmc.warmup: expected an integer from 0 to 100000, got 2.5"),
    );
    expect(bad({ thin: 1001 })).toThrow(new NsbiInputError("mcmc.thin: expected an integer from 1 to 1000, got 1001"));
    expect(bad({ method: "gibbs" })).toThrow(
      new NsbiInputError('mcmc.method: expected one of "slice", "hmc", "nuts", got "gibbs"'),
    );
    expect(() => diagnoseInChunks(nre, theta, x, { numSamples: 5, seed: 0, mcmc: { chains: -1 } })).toThrow(
      new NsbiInputError("mcmc.chains: expected an integer from 1 to 1000, got -1"),
    );
    // an NPE model takes no MCMC settings
    const npeInputs = { ...inputs };
    delete npeInputs.estimator;
    expect(() => diagnoseCampaign(npeInputs, { numSamples: 5, seed: 0, mcmc: { thin: 2, chains: 3 } }, o)).toThrow(
      new NsbiInputError(
        "mcmc.chains, mcmc.thin: MCMC settings apply to NLE/NRE models, but the model is an NPE model (sampled directly)",
      ),
    );
  });

  test("the defaults are nsbi diagnose's", () => {
    expect(DIAGNOSE_MCMC_DEFAULTS).toEqual(MCMC_FLAG_DEFAULTS);
    expect(resolveDiagnoseMcmc({}, (k) => k)).toEqual(MCMC_FLAG_DEFAULTS);
  });
});
