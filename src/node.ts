/**
 * The Node.js entry: everything in the browser-safe index plus file helpers, model folders,
 * PNG output, the shipped sbibm reference data and two-thread training/sampling. Enables V8's
 * relaxed-SIMD WebAssembly first (src/node/relaxed-simd.ts). The engine is in `nsbi/engine`.
 */
import "./node/relaxed-simd.js";

export * from "./index.js";
export {
  writeFileAtomic,
  readMatrixFile,
  writeMatrixFile,
  readNpzFile,
  writeNpzFile,
  type MatrixFile,
} from "./node/files.js";
export {
  saveModel,
  loadModel,
  modelMethod,
  type PosteriorModel,
  type ModelMethod,
  type LoadModelOptions,
} from "./node/model-io.js";
export { writeCheckpoint, readCheckpoint, removeCheckpoint, CHECKPOINT_FILE } from "./node/checkpoint-files.js";
export { renderPng, type PngOptions } from "./node/render-png.js";
export {
  loadObservation,
  loadTrueParameters,
  loadReferenceSamples,
  referenceTasks,
} from "./workflows/tasks/sbibm-reference.js";
export { twoThreadTraining, enableThreads } from "./node/parallel/threads.js";
export { DiskCampaignStore, DiskArtifactStore } from "./node/campaigns/disk-store.js";
export { LocalPoolExecutor, type LocalPoolOptions } from "./node/campaigns/local-executor.js";
export { loadJobKinds } from "./node/campaigns/kinds-module.js";
export { runMixtureStudy, type RunMixtureStudyOptions } from "./node/mixture-study.js";
export { saveMixtureModel, loadMixtureModel } from "./node/mixture-study-models.js";
