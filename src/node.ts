/**
 * The Node.js entry: everything in the browser-safe index plus file helpers, model folders and
 * the shipped sbibm reference data. Also enables V8's relaxed-SIMD WebAssembly (standard since
 * V8 11.4, behind a flag in Node 20) before any kernel is compiled, so the fastest GEMM is used.
 */
import { setFlagsFromString } from "node:v8";

try {
  setFlagsFromString("--experimental-wasm-relaxed-simd");
} catch {
  // a runtime without the flag: the kernel selector falls back to plain SIMD
}

export * from "./index.js";
export { writeFileAtomic, readMatrixFile, writeMatrixFile, readNpzFile, writeNpzFile, type MatrixFile } from "./node/files.js";
export { saveModel, loadModel } from "./node/model-io.js";
export { renderPng, type PngOptions } from "./node/render-png.js";
export { loadObservation, loadTrueParameters, loadReferenceSamples, referenceTasks } from "./workflows/tasks/sbibm-reference.js";
export { twoThreadTraining, enableThreads } from "./node/parallel/threads.js";
export { NpeThread } from "./node/parallel/npe-thread.js";
