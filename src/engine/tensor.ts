import type { Heap } from "../kernels/heap.js";
import type { Kernels } from "../kernels/kernel-api.js";

/** Round a feature count up to the kernels' column granularity (4 f32 = one SIMD vector). */
export function pad4(n: number): number {
  return (n + 3) & ~3;
}

/**
 * A row-major matrix of f32 in a model's heap: `rows` rows (the batch capacity), `cols` features
 * laid out with leading dimension `ld` = pad4(cols); padding columns are kept at zero. `grad` is
 * the offset of an equally shaped gradient buffer, or 0 when no gradient flows into this tensor.
 */
export class Tensor {
  /** The op that writes this tensor (set by the op; used by the tape for fusion decisions). */
  producer: unknown = null;

  constructor(
    readonly heap: Heap,
    readonly ptr: number,
    readonly rows: number,
    readonly cols: number,
    readonly ld: number,
    readonly grad: number,
  ) {}

  static alloc(k: Kernels, rows: number, cols: number, withGrad: boolean): Tensor {
    const ld = pad4(cols);
    const ptr = k.heap.alloc(rows * ld);
    const grad = withGrad ? k.heap.alloc(rows * ld) : 0;
    return new Tensor(k.heap, ptr, rows, cols, ld, grad);
  }

  get requiresGrad(): boolean {
    return this.grad !== 0;
  }

  /** Copy n rows from a dense [n, cols] array (row stride = cols) into this tensor. */
  setRows(src: ArrayLike<number>, n: number, srcOffset = 0, srcStride = this.cols): void {
    const f = this.heap.f32;
    for (let i = 0; i < n; i++) {
      const d = this.ptr + i * this.ld,
        s = srcOffset + i * srcStride;
      for (let j = 0; j < this.cols; j++) f[d + j] = src[s + j];
    }
  }

  /** Copy n rows into a dense [n, cols] array. */
  getRows(dst: { [i: number]: number }, n: number, dstOffset = 0, dstStride = this.cols): void {
    const f = this.heap.f32;
    for (let i = 0; i < n; i++) {
      const s = this.ptr + i * this.ld,
        d = dstOffset + i * dstStride;
      for (let j = 0; j < this.cols; j++) dst[d + j] = f[s + j];
    }
  }

  /** Value at (i, j). */
  at(i: number, j: number): number {
    return this.heap.f32[this.ptr + i * this.ld + j];
  }
  /** Gradient at (i, j). */
  gradAt(i: number, j: number): number {
    return this.heap.f32[this.grad + i * this.ld + j];
  }
}

/** A vector of `rows` f32 (leading dimension 1), e.g. per-sample log-dets or log-probs. */
export function allocVector(k: Kernels, rows: number, withGrad: boolean): Tensor {
  const ptr = k.heap.alloc(rows);
  return new Tensor(k.heap, ptr, rows, 1, 1, withGrad ? k.heap.alloc(rows) : 0);
}
