import { NsbiInternalError } from "../errors.js";
import { checkLossLabels } from "./bce-loss.js";
import type { Op, Tape } from "./tape.js";
import type { Tensor } from "./tensor.js";

/**
 * Softmax cross-entropy with logits over C classes, mean over rows, as the last op of a tape:
 *
 *   loss = (1/n) Σ_i −log softmax(z_i)[y_i] = (1/n) Σ_i [ logsumexp(z_i) − z_{i, y_i} ],
 *
 * with logsumexp(z) = max(z) + log Σ_j exp(z_j − max(z)), so no exp overflows for any logits (PyTorch's
 * nn.CrossEntropyLoss with integer targets). `forward(n)` leaves the mean loss (in float64) in `value`;
 * `backward(n)` seeds the logits' gradient with d loss/d z_ij = (softmax(z_i)_j − [j = y_i])/n, so that
 * one `tape.backward(n)` after `store.zeroGrad()` yields the gradient of the mean loss in every parameter.
 *
 * `logits` has C ≥ 2 columns; its padding columns receive a zero gradient. `labels` is a one-column tensor
 * without gradient holding each row's class index 0 … C − 1 as a float (exact in float32 up to 2^24),
 * filled by the caller before each forward, e.g. gathered from a Float32Array column by the trainer.
 * A label outside 0 … C − 1 (or not an integer) is a bug of the caller: NsbiInternalError.
 *
 * @example
 * const z = outputLayer.apply(tape, h);              // [batch, C] logits
 * const y = allocVector(kernels, batch, false);      // class indices
 * const ce = softmaxCrossEntropy(tape, z, y);
 * tape.forward(n); store.zeroGrad(); tape.backward(n); // ce.value, parameter gradients
 */
export class SoftmaxCrossEntropyOp implements Op {
  readonly inputs: readonly Tensor[];
  accumulate: boolean[] = [];
  /** Mean loss over the rows of the last forward. */
  value = 0;

  constructor(
    readonly logits: Tensor,
    readonly labels: Tensor,
  ) {
    if (logits.cols < 2)
      throw new NsbiInternalError(`SoftmaxCrossEntropyOp: logits must have ≥ 2 columns, got ${logits.cols}`);
    checkLossLabels("SoftmaxCrossEntropyOp", logits, labels);
    this.inputs = [logits];
  }

  /** Row i's class index, checked. */
  private label(f: Float32Array, i: number): number {
    const y = f[this.labels.ptr + i * this.labels.ld];
    if (!(Number.isInteger(y) && y >= 0 && y < this.logits.cols))
      throw new NsbiInternalError(
        `SoftmaxCrossEntropyOp: label ${y} in row ${i} is not a class 0 … ${this.logits.cols - 1}`,
      );
    return y;
  }

  forward(n: number): void {
    const t = this.logits,
      f = t.heap.f32,
      c = t.cols;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const r = t.ptr + i * t.ld;
      let max = f[r];
      for (let j = 1; j < c; j++) if (f[r + j] > max) max = f[r + j];
      let sum = 0;
      for (let j = 0; j < c; j++) sum += Math.exp(f[r + j] - max);
      s += max + Math.log(sum) - f[r + this.label(f, i)];
    }
    this.value = n > 0 ? s / n : 0;
  }

  backward(n: number): void {
    const t = this.logits;
    if (!t.requiresGrad) return;
    const f = t.heap.f32,
      c = t.cols,
      ld = t.ld,
      acc = this.accumulate[0],
      inv = 1 / n;
    for (let i = 0; i < n; i++) {
      const r = t.ptr + i * ld,
        g = t.grad + i * ld,
        y = this.label(f, i);
      let max = f[r];
      for (let j = 1; j < c; j++) if (f[r + j] > max) max = f[r + j];
      let sum = 0;
      for (let j = 0; j < c; j++) sum += Math.exp(f[r + j] - max);
      const scale = inv / sum;
      for (let j = 0; j < c; j++) {
        const d = Math.exp(f[r + j] - max) * scale - (j === y ? inv : 0);
        if (acc) f[g + j] += d;
        else f[g + j] = d;
      }
      if (!acc) for (let j = c; j < ld; j++) f[g + j] = 0;
    }
  }
}

/** Record softmax cross-entropy with logits on `tape` (normally its last op) and return the op. */
export function softmaxCrossEntropy(tape: Tape, logits: Tensor, labels: Tensor): SoftmaxCrossEntropyOp {
  return tape.record(new SoftmaxCrossEntropyOp(logits, labels));
}
