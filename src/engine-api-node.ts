/**
 * `nsbi/engine` under Node.js: the browser-safe engine plus the worker-thread executor
 * (NpeThread) behind data-parallel training and threaded sampling.
 */
import "./node/relaxed-simd.js";

export * from "./engine-api.js";
export { NpeThread } from "./node/parallel/npe-thread.js";
