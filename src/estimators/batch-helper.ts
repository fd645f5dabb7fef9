import type { NpeNetwork } from "./npe-network.js";

/**
 * A second thread that takes a share of every batch during training (data parallelism). The
 * trainer hands it the current weights and a slice of the epoch's row order; it runs forward (and
 * backward) on its own copy of the network and returns its loss sum and gradient. The interface is
 * browser-safe; the Node implementation (worker_threads + SharedArrayBuffer) is in src/node/parallel/.
 */
export interface BatchHelper {
  /** Shared row orders: "train" is rewritten every epoch, "validation" once. */
  setOrder(which: "train" | "validation", order: Int32Array): void;
  /** Current weights (the trainer copies them here before `start`). */
  readonly params: Float32Array;
  /**
   * Begin rows order[offset .. offset+n) of `which` with the weights in `params`. With `grad`, the
   * helper leaves `gradScale` × d(mean loss over its rows)/d(weights) in `grads`.
   */
  start(which: "train" | "validation", offset: number, n: number, grad: boolean, gradScale: number): void;
  /** Wait for the helper; returns the sum of its per-row losses. */
  finish(): number;
  readonly grads: Float32Array;
  /** Stop the thread. */
  close(): void;
}

/**
 * Creates the helper for one NPE training run (z-scored theta and x columns), or returns null when
 * a second thread would not pay for this run (it then trains on one thread).
 */
export type BatchHelperFactory = (
  network: NpeNetwork,
  theta: Float32Array,
  x: Float32Array,
  trainRows: number,
  validationRows: number,
  batchRows: number,
) => BatchHelper | null;
