import { NsbiInternalError } from "../errors.js";
import type { Op, Tape } from "./tape.js";
import type { Tensor } from "./tensor.js";

/**
 * Binary cross-entropy with logits, mean over rows, as the last op of a tape:
 *
 *   loss = (1/n) Σ_i softplus(z_i) − y_i·z_i,   softplus(z) = max(z, 0) + log1p(exp(−|z|)),
 *
 * which equals −(1/n) Σ [y log σ(z) + (1 − y) log(1 − σ(z))] without overflow for any z.
 * `forward(n)` leaves the mean loss (in float64) in `value`; `backward(n)` seeds the logits'
 * gradient with d loss/d z_i = (σ(z_i) − y_i)/n, so that one `tape.backward(n)` after
 * `store.zeroGrad()` yields the gradient of the mean loss in every parameter.
 *
 * `logits` is a one-column tensor (column 0 of rows with stride ld); its padding columns receive
 * a zero gradient. `labels` is a one-column tensor without gradient holding 0/1 (or soft targets
 * in [0, 1]), filled by the caller before each forward, e.g. gathered from a Float32Array column
 * with `kernels.gatherRows(labelsPtr, 1, order, labels.ptr, labels.ld, n, 1)`.
 *
 * @example
 * const z = outputLayer.apply(tape, h);              // [batch, 1] logits
 * const y = allocVector(kernels, batch, false);      // labels
 * const bce = bceWithLogits(tape, z, y);
 * tape.forward(n); store.zeroGrad(); tape.backward(n); // bce.value, parameter gradients
 */
export class BceWithLogitsOp implements Op {
  readonly inputs: readonly Tensor[];
  accumulate: boolean[] = [];
  /** Mean loss over the rows of the last forward. */
  value = 0;

  constructor(
    readonly logits: Tensor,
    readonly labels: Tensor,
  ) {
    if (logits.cols !== 1)
      throw new NsbiInternalError(`BceWithLogitsOp: logits must have 1 column, got ${logits.cols}`);
    checkLossLabels("BceWithLogitsOp", logits, labels);
    this.inputs = [logits];
  }

  forward(n: number): void {
    const f = this.logits.heap.f32,
      z0 = this.logits.ptr,
      ldz = this.logits.ld,
      y0 = this.labels.ptr,
      ldy = this.labels.ld;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = f[z0 + i * ldz];
      s += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - f[y0 + i * ldy] * z;
    }
    this.value = n > 0 ? s / n : 0;
  }

  backward(n: number): void {
    const t = this.logits;
    if (!t.requiresGrad) return;
    const f = t.heap.f32,
      ld = t.ld,
      y0 = this.labels.ptr,
      ldy = this.labels.ld,
      acc = this.accumulate[0];
    const inv = 1 / n;
    for (let i = 0; i < n; i++) {
      const z = f[t.ptr + i * ld];
      // σ(z) without overflow: exp of a non-positive argument only
      const e = Math.exp(-Math.abs(z)),
        sig = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      const g = (sig - f[y0 + i * ldy]) * inv,
        r = t.grad + i * ld;
      if (acc) f[r] += g;
      else {
        f[r] = g;
        for (let j = 1; j < ld; j++) f[r + j] = 0;
      }
    }
  }
}

/** Record binary cross-entropy with logits on `tape` (normally its last op) and return the op. */
export function bceWithLogits(tape: Tape, logits: Tensor, labels: Tensor): BceWithLogitsOp {
  return tape.record(new BceWithLogitsOp(logits, labels));
}

/**
 * The labels of a loss op over `logits`: one column, at least as many rows, the same heap (shared by the
 * binary and the softmax cross-entropy ops).
 * @throws NsbiInternalError naming `op`
 */
export function checkLossLabels(op: string, logits: Tensor, labels: Tensor): void {
  if (labels.cols !== 1) throw new NsbiInternalError(`${op}: labels must have 1 column, got ${labels.cols}`);
  if (labels.rows < logits.rows)
    throw new NsbiInternalError(`${op}: labels hold ${labels.rows} rows, logits ${logits.rows}`);
  if (labels.heap !== logits.heap) throw new NsbiInternalError(`${op}: logits and labels live in different heaps`);
}
