// Runs against the build (dist/), because the worker processes load compiled JavaScript.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type * as ModelIoModule from "../model-io.js";
import type * as T2kTuneModule from "../t2k-tune.js";
import type * as StudyModule from "./t2k-throws-study.js";
import type * as StudyConfigModule from "./t2k-throws-study-config.js";
import type * as NpyModule from "../../io/npy.js";
import type * as LoggingModule from "../../logging.js";
import type * as NpeModule from "../../inference/npe.js";
import type * as BoxModule from "../../flows/priors/box-uniform.js";
import type * as RngModule from "../../engine/rng.js";
import type * as ThrowBatchesModule from "../../workflows/t2k-campaign/throw-batches.js";
import type * as InferenceBatchesModule from "../../workflows/t2k-campaign/throws-inference-batches.js";

const dist = (p: string) => new URL(`../../../dist/${p}`, import.meta.url).href;
const { runT2kThrowsStudy } = (await import(dist("node/campaigns/t2k-throws-study.js"))) as typeof StudyModule;
const { parseT2kThrowsStudyConfig } = (await import(
  dist("node/campaigns/t2k-throws-study-config.js")
)) as typeof StudyConfigModule;
const { loadModel, saveModel } = (await import(dist("node/model-io.js"))) as typeof ModelIoModule;
const { loadT2kMeasurement } = (await import(dist("node/t2k-tune.js"))) as typeof T2kTuneModule;
const { decodeNpy } = (await import(dist("io/npy.js"))) as typeof NpyModule;
const { setWarningHandler } = (await import(dist("logging.js"))) as typeof LoggingModule;
const { NPE } = (await import(dist("inference/npe.js"))) as typeof NpeModule;
const { BoxUniform } = (await import(dist("flows/priors/box-uniform.js"))) as typeof BoxModule;
const { Rng } = (await import(dist("engine/rng.js"))) as typeof RngModule;
const { covarianceThrowBatches } = (await import(
  dist("workflows/t2k-campaign/throw-batches.js")
)) as typeof ThrowBatchesModule;
const { inferThrowsInBatches } = (await import(
  dist("workflows/t2k-campaign/throws-inference-batches.js")
)) as typeof InferenceBatchesModule;

const root = mkdtempSync(join(tmpdir(), "nsbi-t2k-throws-study-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
/** The shipped T2K posterior (an NPE over the 58 bins). */
const shipped = new URL("../../../web/public/models/t2k", import.meta.url).pathname;
const where = { workers: 2 };
// (a copy into a plain Uint8Array: decodeNpy misreads a pooled Node Buffer, whose slice is a view)
const npy = (path: string) => decodeNpy(new Uint8Array(readFileSync(path)), path);

describe('{"study": "t2k-throws"} with a model', () => {
  test("two local workers give the throws and the inference of inferThrowsInBatches in this thread, exactly", async () => {
    const settings = { throws: 12, batch: 5, seed: 3, numSamples: 40 };
    const config = parseT2kThrowsStudyConfig(
      { study: "t2k-throws", ...settings, model: shipped, kernels: "ts" },
      "test config",
    );
    const out = join(root, "inference");
    const run = await runT2kThrowsStudy({ config, out, where });
    expect(run.summary).toMatchObject({ done: 4, failed: 0 });
    const data = loadT2kMeasurement();
    const previous = setWarningHandler(() => {});
    const reference = (() => {
      try {
        return inferThrowsInBatches(loadModel(shipped, { kernels: "ts" }), data.values, data.covariance, settings);
      } finally {
        setWarningHandler(previous);
      }
    })();
    const throws = npy(join(out, "throws.npy"));
    expect(throws.shape).toEqual([12, 58]);
    expect(throws.data).toEqual(reference.throws);
    // the throws of a campaign without a model
    expect(throws.data).toEqual(covarianceThrowBatches(data.values, data.covariance, settings));
    const means = npy(join(out, "throw-means.npy"));
    expect(means.shape).toEqual([12, 4]);
    expect(means.data).toEqual(reference.inference.throwMeans);
    const summary = JSON.parse(readFileSync(run.inferenceFile!, "utf8"));
    const r = reference.inference;
    expect(summary).toEqual({
      model: shipped,
      throws: 12,
      numSamples: 40,
      maxDrawsPerSample: 100,
      seed: 3,
      parameterNames: ["MaCCQE", "NormCCMEC", "XSecShape_CCMEC", "RPA_CCQE"],
      centralMean: r.centralMean,
      centralSd: r.centralSd,
      p16: r.p16,
      p84: r.p84,
      errDown: r.errDown,
      errUp: r.errUp,
      failed: r.failed,
      throwMeans: "throw-means.npy",
    });
    // a rerun keeps every job
    const again = await runT2kThrowsStudy({ config, out, where: { workers: 1 } });
    expect(again.summary).toMatchObject({ done: 4, failed: 0, resumed: 4 });
    expect(JSON.parse(readFileSync(again.inferenceFile!, "utf8"))).toEqual(summary);
  }, 60_000);

  test("a missing model folder or a model whose x is not the 58 bins: one error naming the model, nothing written", async () => {
    const config = (model: string) =>
      parseT2kThrowsStudyConfig({ study: "t2k-throws", throws: 4, model }, "test config", root);
    const out = join(root, "bad");
    await expect(runT2kThrowsStudy({ config: config("no-such-model"), out, where })).rejects.toThrow(
      `model '${join(root, "no-such-model")}': not a folder (expected one holding config.json and model.safetensors)`,
    );
    const prior = new BoxUniform([0, 0], [1, 1]);
    const theta = prior.sample(200, new Rng(1));
    const npe = new NPE({ prior, estimator: "maf", transforms: 1, hiddenFeatures: 4 });
    npe.appendSimulations(theta, theta).train({ seed: 2, maxEpochs: 1 });
    saveModel(npe.buildPosterior(), join(root, "two-bins"));
    await expect(runT2kThrowsStudy({ config: config("two-bins"), out, where })).rejects.toThrow(
      `model '${join(root, "two-bins")}': the model's x has 2 values, expected the 58 values of a throw (a posterior for this measurement)`,
    );
    expect(existsSync(out)).toBe(false);
  }, 30_000);

  test("the config: a relative model resolved against the config's folder; sampling fields only with a model", () => {
    expect(parseT2kThrowsStudyConfig({ study: "t2k-throws" }, "c")).toEqual({
      study: "t2k-throws",
      throws: 1000,
      batch: 100,
      seed: 0,
    });
    expect(parseT2kThrowsStudyConfig({ study: "t2k-throws", model: "m" }, "c", "/base")).toEqual({
      study: "t2k-throws",
      throws: 1000,
      batch: 100,
      seed: 0,
      model: "/base/m",
      numSamples: 1000,
      maxDrawsPerSample: 100,
    });
    expect(() => parseT2kThrowsStudyConfig({ study: "t2k-throws", numSamples: 50 }, "c")).toThrow(
      'c: numSamples: only with a "model" (the NPE posterior to infer the throws with)',
    );
    expect(() => parseT2kThrowsStudyConfig({ study: "t2k-throws", model: 3 }, "c")).toThrow(
      "c: model: expected the path of an NPE model folder (config.json + model.safetensors), got 3",
    );
    expect(() => parseT2kThrowsStudyConfig({ study: "t2k-throws", model: "m", numSamples: 1 }, "c")).toThrow(
      "c: numSamples: expected an integer ≥ 2, got 1",
    );
  });
});
