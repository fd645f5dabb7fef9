import type { BatchHelperFactory } from "../../estimators/batch-helper.js";
import type { Posterior } from "../../inference/posterior.js";
import { NpeThread } from "./npe-thread.js";

/**
 * Work (rows × weights) below which a second training thread does not pay, measured on a 2-core
 * VM (BENCHMARKS.md): per batch, the hand-off (~0.1 ms, more under load) must be small against
 * half a batch's forward + backward; per epoch, the worker's start-up (~0.1 s) must be small
 * against the training. two_moons MAF (16k weights, batch 200) and NSF with batch 50 ran slower
 * on two threads; NSF (30k weights) from ~3,000 rows with batch 200 and the T2K tune network
 * (20k weights, batch 512) faster.
 */
export const MIN_BATCH_WORK = 5e6;
export const MIN_EPOCH_WORK = 1e8;

/** Does a second thread pay for training this network with these sizes? (Sizes only: reproducible.) */
export function twoThreadsPay(weights: number, trainRows: number, batchRows: number): boolean {
  return batchRows * weights >= MIN_BATCH_WORK && trainRows * weights >= MIN_EPOCH_WORK;
}

/**
 * Train on two threads: `npe.train({ ...options, helper: twoThreadTraining })`. Each batch is split
 * in halves; the second half's gradient is added to the first's before the Adam step. The worker
 * thread starts in the background and takes the second halves once it runs; until then they are
 * computed on this thread with the same code, so the result does not depend on when (or whether)
 * the worker ran (see NpeThread). A training too small to pay for a second thread
 * (twoThreadsPay) gets no helper (null): it runs on one thread, with one thread's results.
 */
export const twoThreadTraining: BatchHelperFactory = (network, theta, x, trainRows, validationRows, batchRows) => {
  if (!twoThreadsPay(network.store.total, trainRows, batchRows)) return null;
  const thread = new NpeThread(network);
  const helper = thread.trainingHelper(theta, x, trainRows, validationRows, batchRows);
  return {
    ...helper,
    close() {
      helper.close();
      thread.close();
    },
    params: helper.params,
    grads: helper.grads,
  };
};

/**
 * Let a posterior split large sample / log-prob calls (from 4,096 rows) over two threads. No worker
 * is started until such a call comes, and none is waited for (see NpeThread), so small jobs cost
 * nothing extra. Returns a function that stops the worker (it is also unref'd, so it never keeps
 * the process alive).
 */
export function enableThreads(posterior: Posterior): () => void {
  const thread = new NpeThread(posterior.network);
  posterior.executor = thread;
  return () => {
    posterior.executor = posterior.network;
    thread.close();
  };
}
