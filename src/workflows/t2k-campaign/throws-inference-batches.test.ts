import { describe, expect, test } from "vitest";
import { InProcessExecutor } from "../../campaigns/in-process-executor.js";
import { JobKindRegistry } from "../../campaigns/job-kind.js";
import { MemoryCampaignStore } from "../../campaigns/memory-store.js";
import { Rng } from "../../engine/rng.js";
import { BoxUniform } from "../../flows/priors/box-uniform.js";
import { deserializePosterior, serializePosterior } from "../../inference/model-file.js";
import { NPE } from "../../inference/npe.js";
import { sha256Hex } from "../../io/sha256.js";
import { setWarningHandler } from "../../logging.js";
import { inferThrowMeans, summarizeThrows } from "../t2k/throws-inference.js";
import { jobKinds } from "./t2k-kinds.js";
import { collectThrows, covarianceThrowBatches, putThrowsInputs, throwsCampaign } from "./throw-batches.js";
import {
  centralPosteriorSeed,
  collectThrowsInference,
  inferThrowsInBatches,
  putThrowsPosterior,
  throwPosteriorSeed,
  throwsInferenceCampaign,
} from "./throws-inference-batches.js";

// throws of mean (10, −3) with V = [[4, 2], [2, 5]]; a small NPE trained on x = θ + 0.5 ε over a
// prior box around the mean: throws far out leak out of the prior, and some are dropped
const mean = Float64Array.of(10, -3),
  cov = Float64Array.of(4, 2, 2, 5);
const prior = new BoxUniform([8, -5], [12, -1]);
const rng = new Rng(1);
const simulate = (t: Float32Array) => t.map((v) => v + 0.5 * rng.normal());
const theta = prior.sample(1000, rng);
const npe = new NPE({ prior, estimator: "maf", transforms: 1, hiddenFeatures: 8 });
npe
  .appendSimulations(theta, simulate(theta))
  .train({ seed: 2, batchSize: 100, learningRate: 1e-2, maxEpochs: 20, stopAfterEpochs: 10 });
const files = serializePosterior(npe.buildPosterior());
/** The posterior on the kernel path the jobs use. */
const posterior = deserializePosterior(files, { kernels: "ts" });
const settings = { throws: 23, batch: 10, seed: 5, numSamples: 20, maxDrawsPerSample: 2 };

/** f() with the warnings silenced. */
function quietly<T>(f: () => T): T {
  const previous = setWarningHandler(() => {});
  try {
    return f();
  } finally {
    setWarningHandler(previous);
  }
}

async function runInference() {
  const store = new MemoryCampaignStore();
  const inputs = await putThrowsInputs(store.artifacts, mean, cov, "V");
  const p = await putThrowsPosterior(store.artifacts, files, { ...settings, kernels: "ts", n: 2, where: "model" });
  const campaign = throwsInferenceCampaign(inputs, p, settings, { name: "throws", kindsModule: "unused" });
  const summary = await new InProcessExecutor(new JobKindRegistry(jobKinds)).run(campaign, store);
  return { store, campaign, summary };
}

describe("inference on T2K-style covariance throws as a campaign", () => {
  test("the campaign equals inferThrowsInBatches, and each batch is the per-throw step from its own seeds", async () => {
    const { store, campaign, summary } = await runInference();
    expect(campaign.jobs.map((j) => j.label)).toEqual([
      "central values",
      "throws 1-10 + posterior",
      "throws 11-20 + posterior",
      "throws 21-23 + posterior",
    ]);
    expect(summary).toMatchObject({ done: 4, failed: 0 });
    const viaCampaign = quietly(() => collectThrowsInference(campaign, summary.results, store.artifacts));
    const inThread = quietly(() => inferThrowsInBatches(posterior, mean, cov, settings));
    expect(await viaCampaign).toEqual(inThread.inference);
    expect(await collectThrows(campaign, summary.results, store.artifacts)).toEqual(inThread.throws);
    const r = inThread.inference;
    // the prior box and the 2-draw budget drop some throws, not all
    expect(r.failed).toBeGreaterThan(0);
    expect(r.failed).toBeLessThan(23);
    expect(r.throwMeans.filter(Number.isNaN).length).toBe(2 * r.failed);

    // by hand: central from new Rng(jobSeed(5, "t2k-throws-central")), batch b's throws from new
    // Rng(seed_b), its posterior draws from new Rng(jobSeed(seed_b, "posterior")), one stream per batch
    const seedOf = (...parts: (string | number)[]) =>
      Number.parseInt(
        sha256Hex(new TextEncoder().encode(parts.map((x) => JSON.stringify(x)).join("|"))).slice(0, 8),
        16,
      );
    expect(centralPosteriorSeed(5)).toBe(seedOf(5, "t2k-throws-central"));
    const central = posterior.sample(20, Float32Array.of(10, -3), { rng: new Rng(seedOf(5, "t2k-throws-central")) });
    let m0 = 0;
    for (let i = 0; i < 20; i++) m0 += central[2 * i] / 20;
    expect(r.centralMean[0]).toBeCloseTo(m0, 12);
    const means = new Float64Array(46);
    let failed = 0,
      lowAcceptance = 0;
    [10, 10, 3].forEach((count, b) => {
      const s = seedOf(5, "t2k-throws", b);
      expect(throwPosteriorSeed(s)).toBe(seedOf(s, "posterior"));
      const throws = new Float64Array(2 * count);
      const z = new Rng(s);
      for (let t = 0; t < count; t++) {
        const z1 = z.normal(),
          z2 = z.normal();
        throws[2 * t] = 10 + 2 * z1;
        throws[2 * t + 1] = -3 + z1 + 2 * z2;
      }
      const batch = quietly(() =>
        inferThrowMeans(posterior, Float32Array.from(throws), count, {
          numSamples: 20,
          maxDrawsPerSample: 2,
          rng: new Rng(seedOf(s, "posterior")),
        }),
      );
      means.set(batch.throwMeans, 20 * b);
      failed += batch.failed;
      lowAcceptance += batch.lowAcceptance;
    });
    expect(r.failed).toBe(failed);
    for (let i = 0; i < 46; i++)
      if (Number.isNaN(means[i])) expect(r.throwMeans[i]).toBeNaN();
      else expect(r.throwMeans[i]).toBeCloseTo(means[i], 12);
    const summarized = quietly(() =>
      summarizeThrows(
        { mean: r.centralMean, sd: r.centralSd },
        { throwMeans: means, failed, lowAcceptance },
        { maxDrawsPerSample: 2 },
      ),
    );
    for (let p = 0; p < 2; p++) {
      expect(r.p16[p]).toBeCloseTo(summarized.p16[p], 12);
      expect(r.p84[p]).toBeCloseTo(summarized.p84[p], 12);
    }
  });

  test("adding a model leaves the throws unchanged", async () => {
    const store = new MemoryCampaignStore();
    const inputs = await putThrowsInputs(store.artifacts, mean, cov, "V");
    const plain = throwsCampaign(inputs, settings, { name: "throws", kindsModule: "unused" });
    const s = await new InProcessExecutor(new JobKindRegistry(jobKinds)).run(plain, store);
    const withModel = await runInference();
    const throws = await collectThrows(plain, s.results, store.artifacts);
    expect(await collectThrows(withModel.campaign, withModel.summary.results, withModel.store.artifacts)).toEqual(
      throws,
    );
    expect(throws).toEqual(covarianceThrowBatches(mean, cov, settings));
    expect(quietly(() => inferThrowsInBatches(posterior, mean, cov, settings)).throws).toEqual(throws);
    // each batch job has the seed of the throws-only batch it extends
    expect(withModel.campaign.jobs.slice(1).map((j) => j.seed)).toEqual(plain.jobs.map((j) => j.seed));
  });

  test("a model whose x is not a throw's, or too few draws, fails before any job, naming it", async () => {
    const store = new MemoryCampaignStore();
    const three = { ...settings, n: 3, where: "model '/m'" };
    await expect(putThrowsPosterior(store.artifacts, files, three)).rejects.toThrow(
      "model '/m': the model's x has 2 values, expected the 3 values of a throw (a posterior for this measurement)",
    );
    await expect(putThrowsPosterior(store.artifacts, files, { n: 2, where: "m", numSamples: 1 })).rejects.toThrow(
      "numSamples: expected an integer ≥ 2 posterior draws, got 1",
    );
    expect(() =>
      inferThrowsInBatches(posterior, Float64Array.of(1, 2, 3), Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), settings),
    ).toThrow("inferThrowsInBatches: posterior: the model's x has 2 values, expected the 3 values of a throw");
  });
});
