import type { Op, Tape } from "./tape.js";
import type { Tensor } from "./tensor.js";

/**
 * Runs a complete inner tape as one op of an outer tape, on `factor` times the outer row count:
 * the part of a graph after a row expansion (e.g. PairRowsOp, n observations → n·atoms pairs),
 * since a tape runs all its ops on one row count. The inner tape's inputs are tensors written by
 * earlier outer ops; gradients flow through the inner tape's own ops into them, so this op
 * declares no inputs of its own (no accumulation to arbitrate at this level).
 */
export class RowScaledTapeOp implements Op {
  readonly inputs: readonly Tensor[] = [];
  accumulate: boolean[] = [];

  constructor(
    readonly inner: Tape,
    readonly factor: number,
  ) {
    inner.finalize();
  }

  forward(n: number): void {
    this.inner.forward(n * this.factor);
  }

  backward(n: number): void {
    this.inner.backward(n * this.factor);
  }
}
