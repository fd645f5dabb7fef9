import type { BatchHelperFactory } from "../../estimators/batch-helper.js";
import type { Posterior } from "../../inference/posterior.js";
import { NpeThread } from "./npe-thread.js";

/**
 * Train on two threads: `npe.train({ ...options, helper: twoThreadTraining })`. Each batch is split
 * in halves; the worker's gradient is added to ours before the Adam step.
 */
export const twoThreadTraining: BatchHelperFactory = (network, theta, x, trainRows, validationRows, batchRows) => {
  const thread = new NpeThread(network);
  const helper = thread.trainingHelper(theta, x, trainRows, validationRows, batchRows);
  return { ...helper, close() { helper.close(); thread.close(); }, params: helper.params, grads: helper.grads };
};

/**
 * Let a posterior split large sample / log-prob calls over two threads. Returns a function that
 * stops the worker (it is also unref'd, so it never keeps the process alive).
 */
export function enableThreads(posterior: Posterior): () => void {
  const thread = new NpeThread(posterior.network);
  posterior.executor = thread;
  return () => { posterior.executor = posterior.network; thread.close(); };
}
