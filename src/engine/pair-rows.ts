import { NsbiInternalError } from "../errors.js";
import type { Kernels } from "../kernels/kernel-api.js";
import type { Op, Tape } from "./tape.js";
import { Tensor } from "./tensor.js";

/**
 * Builds classifier inputs from pairs of rows: for r < n·atoms,
 *
 *   out[r] = [ a[index[r]] , b[⌊r / atoms⌋] ],
 *
 * i.e. each row of `b` (e.g. an embedded observation) is repeated `atoms` times and paired with
 * rows of `a` (e.g. parameters) picked by `index`, an int32 buffer in the heap that the caller
 * fills before each forward (the contrastive pairs of neural ratio estimation). `forward(n)` and
 * `backward(n)` take the number of rows of `b`; the output then holds n·atoms rows.
 *
 * Backward: db[i] (+)= Σ_{a < atoms} dout[i·atoms + a, cols(a)..]; da[j] (+)= Σ_{r: index[r] = j} dout[r, ..cols(a)].
 */
export class PairRowsOp implements Op {
  readonly inputs: readonly Tensor[];
  accumulate: boolean[] = [];
  /** int32 [out.rows]: ⌊r / atoms⌋, the row of b for output row r. */
  private readonly repeat: number;

  constructor(
    readonly kernels: Kernels,
    readonly a: Tensor,
    readonly b: Tensor,
    readonly index: number,
    readonly atoms: number,
    readonly out: Tensor,
  ) {
    if (out.cols !== a.cols + b.cols) throw new NsbiInternalError("PairRowsOp: output columns != a.cols + b.cols");
    if (out.rows < b.rows * atoms) throw new NsbiInternalError("PairRowsOp: output has fewer rows than b.rows × atoms");
    this.inputs = [a, b].filter((t) => t.requiresGrad);
    const heap = kernels.heap;
    this.repeat = heap.allocI32(out.rows);
    for (let r = 0; r < out.rows; r++) heap.i32[this.repeat + r] = Math.floor(r / atoms);
  }

  forward(n: number): void {
    const k = this.kernels,
      a = this.a,
      b = this.b,
      o = this.out,
      m = n * this.atoms;
    k.gatherRows(a.ptr, a.ld, this.index, o.ptr, o.ld, m, a.cols);
    k.gatherRows(b.ptr, b.ld, this.repeat, o.ptr + a.cols, o.ld, m, b.cols);
  }

  backward(n: number): void {
    const f = this.kernels.heap.f32,
      i32 = this.kernels.heap.i32,
      a = this.a,
      b = this.b,
      o = this.out,
      A = this.atoms,
      P = a.cols,
      C = b.cols;
    let slot = 0;
    if (a.requiresGrad) {
      if (!this.accumulate[slot]) f.fill(0, a.grad, a.grad + a.rows * a.ld);
      for (let r = 0; r < n * A; r++) {
        const d = a.grad + i32[this.index + r] * a.ld,
          s = o.grad + r * o.ld;
        for (let j = 0; j < P; j++) f[d + j] += f[s + j];
      }
      slot++;
    }
    if (b.requiresGrad) {
      const acc = this.accumulate[slot];
      for (let i = 0; i < n; i++) {
        const d = b.grad + i * b.ld;
        for (let j = 0; j < C; j++) {
          let s = acc ? f[d + j] : 0;
          for (let q = 0; q < A; q++) s += f[o.grad + (i * A + q) * o.ld + P + j];
          f[d + j] = s;
        }
        if (!acc) for (let j = C; j < b.ld; j++) f[d + j] = 0;
      }
    }
  }
}

/**
 * Record out = pairs of rows of a (by `index`, an int32 heap buffer of ≥ b.rows·atoms entries)
 * and of b (each repeated `atoms` times); returns the output [b.rows·atoms, a.cols + b.cols].
 */
export function pairRows(
  kernels: Kernels,
  tape: Tape,
  opts: { a: Tensor; b: Tensor; index: number; atoms: number; grad?: boolean },
): Tensor {
  const { a, b, atoms } = opts;
  const out = Tensor.alloc(
    kernels,
    b.rows * atoms,
    a.cols + b.cols,
    (opts.grad ?? true) && (a.requiresGrad || b.requiresGrad),
  );
  const op = new PairRowsOp(kernels, a, b, opts.index, atoms, out);
  out.producer = op;
  tape.record(op);
  return out;
}
