import { NsbiInternalError } from "../errors.js";
import type { Tensor } from "./tensor.js";

/**
 * One recorded operation: a layer-level forward and its hand-written backward. `inputs` are the
 * activation tensors whose gradients the backward writes; the tape decides, per input, whether
 * that write must add to a gradient another consumer already wrote (`accumulate[i]`) or may
 * overwrite it, so no gradient buffer ever needs zeroing.
 */
export interface Op {
  readonly inputs: readonly Tensor[];
  accumulate: boolean[];
  forward(n: number): void;
  backward(n: number): void;
  /** Optional hook after the tape is complete (fusion decisions that need the whole graph). */
  onFinalize?(tape: Tape): void;
}

/**
 * A static tape: built once for a maximum batch size, then run forward/backward for any n up to
 * that size without allocating. Backward replays the ops in reverse.
 */
export class Tape {
  readonly ops: Op[] = [];
  /**
   * Backward computes the gradients of activations and inputs only, not of the weights (set
   * before finalize()): for gradients with respect to a network's inputs, e.g. an HMC potential,
   * where the weight gradients would cost a third of the pass and never be read.
   */
  inputGradientsOnly = false;
  private finalized = false;

  record<T extends Op>(op: T): T {
    if (this.finalized) throw new NsbiInternalError("Tape: record() after finalize()");
    op.accumulate = op.inputs.map(() => false);
    this.ops.push(op);
    return op;
  }

  /** Ops that read tensor t as an input. */
  consumers(t: Tensor): Op[] {
    return this.ops.filter((op) => op.inputs.includes(t));
  }

  finalize(): this {
    if (this.finalized) return this;
    const written = new Set<number>();
    for (let i = this.ops.length - 1; i >= 0; i--) {
      const op = this.ops[i];
      op.inputs.forEach((t, j) => {
        if (!t.requiresGrad) return;
        op.accumulate[j] = written.has(t.grad);
        written.add(t.grad);
      });
    }
    this.finalized = true;
    for (const op of this.ops) op.onFinalize?.(this);
    return this;
  }

  forward(n: number): void {
    if (!this.finalized) this.finalize();
    const ops = this.ops;
    for (let i = 0; i < ops.length; i++) ops[i].forward(n);
  }

  backward(n: number): void {
    const ops = this.ops;
    for (let i = ops.length - 1; i >= 0; i--) ops[i].backward(n);
  }
}
