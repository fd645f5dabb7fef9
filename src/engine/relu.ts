import type { Kernels } from "../kernels/kernel-api.js";
import type { Op, Tape } from "./tape.js";
import { Tensor } from "./tensor.js";

/**
 * y = max(x, 0) as an op of its own, for a ReLU whose input is also used elsewhere (the
 * pre-activation residual blocks of nflows' ResidualNet read both h and relu(h)); a ReLU right
 * after a Linear is fused into that Linear instead. Elementwise and exact, so the TypeScript and
 * WebAssembly paths agree bit for bit; the backward uses the kernels' ReLU mask and row addition.
 */
export class ReluOp implements Op {
  readonly inputs: readonly Tensor[];
  accumulate: boolean[] = [];

  constructor(
    readonly kernels: Kernels,
    readonly x: Tensor,
    readonly y: Tensor,
  ) {
    this.inputs = x.requiresGrad ? [x] : [];
  }

  forward(n: number): void {
    const f = this.kernels.heap.f32,
      x = this.x.ptr,
      y = this.y.ptr,
      len = n * this.x.ld;
    for (let i = 0; i < len; i++) {
      const v = f[x + i];
      f[y + i] = v > 0 ? v : 0;
    }
  }

  backward(n: number): void {
    const x = this.x,
      y = this.y;
    if (!x.requiresGrad) return;
    const k = this.kernels;
    // dy is read by this op only: mask it in place, then write or add it into dx
    k.reluBackward(y.grad, y.ld, x.ptr, x.ld, n, x.ld);
    k.addRows(y.grad, y.ld, x.grad, x.ld, n, x.ld, this.accumulate[0] ? 1 : 0);
  }
}

/** Record y = relu(x) on the tape and return y (same shape as x; a gradient buffer when `grad`). */
export function relu(kernels: Kernels, tape: Tape, x: Tensor, grad = true): Tensor {
  const y = Tensor.alloc(kernels, x.rows, x.cols, grad && x.requiresGrad);
  const op = new ReluOp(kernels, x, y);
  y.producer = op;
  tape.record(op);
  return y;
}
