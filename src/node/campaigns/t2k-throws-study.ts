import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CampaignEvent, CampaignProgress, CampaignSummary } from "../../campaigns/executor.js";
import type { ModelFiles } from "../../inference/model-file.js";
import { MODEL_CONFIG_FILE, MODEL_WEIGHTS_FILE } from "../../inference/model-file.js";
import { encodeNpy } from "../../io/npy.js";
import type { KernelChoice } from "../../kernels/select.js";
import { T2K_BINS } from "../../workflows/t2k/t2k-data.js";
import { T2K_KINDS_MODULE } from "../../workflows/t2k-campaign/t2k-kinds.js";
import { collectThrows, putThrowsInputs, throwsCampaign } from "../../workflows/t2k-campaign/throw-batches.js";
import {
  checkThrowsModel,
  collectThrowsInference,
  putThrowsPosterior,
  throwsInferenceCampaign,
} from "../../workflows/t2k-campaign/throws-inference-batches.js";
import { checkOutputFolder, writeFileAtomic } from "../files.js";
import { loadModel } from "../model-io.js";
import { loadT2kMeasurement } from "../t2k-tune.js";
import { studyStoreDir, writeCampaignStudy } from "./campaign-study-file.js";
import { DiskCampaignStore } from "./disk-store.js";
import { chooseExecutor, type ExecutorChoice } from "./executor-choice.js";
import type { T2kThrowsStudyConfig } from "./t2k-throws-study-config.js";

/** The file of the throws in the study folder. */
export const T2K_THROWS_FILE = "throws.npy";
/** The inference's summary (with a model). */
export const T2K_THROWS_INFERENCE_FILE = "throws-inference.json";
/** The throws' posterior means [throws, P] float64, NaN for a dropped throw (with a model). */
export const T2K_THROW_MEANS_FILE = "throw-means.npy";

export interface T2kThrowsStudyRun {
  summary: CampaignSummary;
  /** out/throws.npy, null if jobs failed. */
  file: string | null;
  /** out/throws-inference.json when the config has a model and every job finished, else null. */
  inferenceFile: string | null;
}

/**
 * Run the throws in `out`: the store in out/campaign/, all throws in out/throws.npy (float64
 * [throws, 58], batch order) once every batch is done; with a model also the inference on every
 * throw, summarised in out/throws-inference.json with the means in out/throw-means.npy. A bad
 * model (no folder, not NPE, x not the 58 bins) fails before anything is written.
 */
export async function runT2kThrowsStudy(o: {
  config: T2kThrowsStudyConfig;
  out: string;
  /** The kernel path if the config names none (the CLI's --kernels). */
  kernels?: KernelChoice;
  where: ExecutorChoice;
  onProgress?: (p: CampaignProgress, e: CampaignEvent) => void;
}): Promise<T2kThrowsStudyRun> {
  checkOutputFolder(o.out, "--out");
  const c: T2kThrowsStudyConfig = o.config.model
    ? { ...o.config, kernels: o.config.kernels ?? o.kernels ?? "auto" }
    : o.config;
  let files: ModelFiles | null = null,
    parameterNames: string[] = [];
  if (c.model) {
    // the folder, its files, the method and x checked before anything is written, messages naming the model
    const posterior = loadModel(c.model, { method: "npe", kernels: "ts" });
    checkThrowsModel(posterior, T2K_BINS, `model '${c.model}'`);
    parameterNames = posterior.parameterNames;
    files = {
      config: readFileSync(join(c.model, MODEL_CONFIG_FILE), "utf8"),
      weights: new Uint8Array(readFileSync(join(c.model, MODEL_WEIGHTS_FILE))),
    };
  }
  const data = loadT2kMeasurement();
  mkdirSync(o.out, { recursive: true });
  writeCampaignStudy(o.out, { ...c });
  const store = DiskCampaignStore.open(studyStoreDir(o.out), "--out");
  const inputs = await putThrowsInputs(
    store.artifacts,
    data.values,
    data.covariance,
    `T2K total covariance (${T2K_BINS} bins)`,
  );
  const naming = { name: "t2k throws", kindsModule: T2K_KINDS_MODULE };
  const campaign = files
    ? throwsInferenceCampaign(
        inputs,
        await putThrowsPosterior(store.artifacts, files, { ...c, n: T2K_BINS, where: `model '${c.model}'` }),
        c,
        naming,
      )
    : throwsCampaign(inputs, c, naming);
  const summary = await (await chooseExecutor(o.where)).run(campaign, store, { onProgress: o.onProgress });
  if (summary.failures.length > 0 || summary.stopped) return { summary, file: null, inferenceFile: null };
  const throws = await collectThrows(campaign, summary.results, store.artifacts);
  const file = join(o.out, T2K_THROWS_FILE);
  writeFileAtomic(file, encodeNpy({ dtype: "float64", shape: [c.throws, T2K_BINS], data: throws }));
  if (!files) return { summary, file, inferenceFile: null };
  const r = await collectThrowsInference(campaign, summary.results, store.artifacts);
  const P = parameterNames.length;
  writeFileAtomic(
    join(o.out, T2K_THROW_MEANS_FILE),
    encodeNpy({ dtype: "float64", shape: [c.throws, P], data: r.throwMeans }),
  );
  const inferenceFile = join(o.out, T2K_THROWS_INFERENCE_FILE);
  const summaryJson = {
    model: c.model,
    throws: c.throws,
    numSamples: c.numSamples,
    maxDrawsPerSample: c.maxDrawsPerSample,
    seed: c.seed,
    parameterNames,
    centralMean: r.centralMean,
    centralSd: r.centralSd,
    p16: r.p16,
    p84: r.p84,
    errDown: r.errDown,
    errUp: r.errUp,
    failed: r.failed,
    throwMeans: T2K_THROW_MEANS_FILE,
  };
  writeFileAtomic(inferenceFile, `${JSON.stringify(summaryJson, null, 2)}\n`);
  return { summary, file, inferenceFile };
}
