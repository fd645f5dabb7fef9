import type { Kernels } from "../kernels/kernel-api.js";
import type { Rng } from "../engine/rng.js";
import type { Op, Tape } from "../engine/tape.js";
import { allocVector, type Tensor } from "../engine/tensor.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Record log p(x) = log N(z; 0, I) + L on the tape, where z is the flow's output and L its
 * accumulated log|det J|. Returns the per-row log-prob vector; its gradient seeds dz and dL.
 */
export function standardNormalLogProb(tape: Tape, k: Kernels, z: Tensor, L: Tensor, grad: boolean): Tensor {
  const lp = allocVector(k, z.rows, grad);
  tape.record(new StandardNormalOp(k, z, L, lp));
  return lp;
}

/** Record L = 0 (start of a log-det accumulation); returns L. */
export function zeroLogDet(tape: Tape, k: Kernels, rows: number, grad: boolean): Tensor {
  const L = allocVector(k, rows, grad);
  tape.record({
    inputs: [],
    accumulate: [],
    forward: (n: number) => k.heap.f32.fill(0, L.ptr, L.ptr + n),
    backward: () => {},
  });
  return L;
}

/** Fill n rows × dim columns (leading dimension ld) of the heap with standard normals. */
export function sampleStandardNormal(k: Kernels, out: number, ld: number, n: number, dim: number, rng: Rng): void {
  const f = k.heap.f32;
  if (ld === dim) rng.fillNormal(f, out, n * dim);
  else for (let i = 0; i < n; i++) rng.fillNormal(f, out + i * ld, dim);
}

class StandardNormalOp implements Op {
  readonly inputs: readonly Tensor[];
  accumulate: boolean[] = [];
  constructor(
    readonly k: Kernels,
    readonly z: Tensor,
    readonly L: Tensor,
    readonly lp: Tensor,
  ) {
    this.inputs = [z];
  }
  forward(n: number): void {
    const f = this.k.heap.f32,
      { z, L, lp } = this,
      D = z.cols,
      c = D * HALF_LOG_2PI;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const r = z.ptr + i * z.ld;
      for (let j = 0; j < D; j++) s += f[r + j] * f[r + j];
      f[lp.ptr + i] = -0.5 * s - c + f[L.ptr + i];
    }
  }
  backward(n: number): void {
    const f = this.k.heap.f32,
      { z, L, lp } = this,
      D = z.cols,
      acc = this.accumulate[0];
    for (let i = 0; i < n; i++) {
      const g = f[lp.grad + i];
      f[L.grad + i] = g;
      if (!z.requiresGrad) continue;
      const r = z.ptr + i * z.ld,
        d = z.grad + i * z.ld;
      for (let j = 0; j < D; j++) f[d + j] = acc ? f[d + j] - g * f[r + j] : -g * f[r + j];
    }
  }
}
