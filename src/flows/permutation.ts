import { NsbiInputError } from "../errors.js";
import type { Kernels } from "../kernels/kernel-api.js";
import type { Rng } from "../engine/rng.js";
import type { Op, Tape } from "../engine/tape.js";
import { Tensor } from "../engine/tensor.js";

/** "reverse" (as zuko), "random" (seeded, as sbi's MAF), or "none". */
export type PermutationKind = "reverse" | "random" | "none";

/** The permutation placed after each transform but the last: out[:, j] = in[:, perm[j]]. */
export function makePermutation(kind: PermutationKind, dim: number, rng: Rng): Int32Array {
  if (kind === "none") return Int32Array.from({ length: dim }, (_, i) => i);
  if (kind === "reverse") return Int32Array.from({ length: dim }, (_, i) => dim - 1 - i);
  if (kind === "random") return rng.permutation(dim);
  throw new NsbiInputError(`permutation '${kind as string}': expected reverse, random or none`);
}

/** Check that an array is a permutation of 0..dim-1 (e.g. read from config.json). */
export function validatePermutation(p: ArrayLike<number>, dim: number, source: string): Int32Array {
  const seen = new Uint8Array(dim);
  if (p.length !== dim) throw new NsbiInputError(`${source}: permutation has length ${p.length}, expected ${dim}`);
  for (let i = 0; i < dim; i++) {
    const v = p[i];
    if (!Number.isInteger(v) || v < 0 || v >= dim || seen[v])
      throw new NsbiInputError(`${source}: [${Array.from(p)}] is not a permutation of 0..${dim - 1}`);
    seen[v] = 1;
  }
  return Int32Array.from(p);
}

/** Record out = in[:, perm] on a tape (log-det 0). */
export function applyPermutation(tape: Tape, k: Kernels, x: Tensor, perm: Int32Array, grad: boolean): Tensor {
  const y = Tensor.alloc(k, x.rows, x.cols, grad);
  tape.record(new PermutationOp(k, x, y, perm));
  return y;
}

/** The inverse permutation: q[perm[j]] = j (in = out[:, q] undoes out = in[:, perm]). */
export function inversePermutation(perm: Int32Array): Int32Array {
  const q = new Int32Array(perm.length);
  for (let j = 0; j < perm.length; j++) q[perm[j]] = j;
  return q;
}

/** x[:, d] = y[:, cols[d]] for n rows (a column gather, e.g. a permutation undone while sampling). */
export function gatherColumns(
  k: Kernels,
  y: number,
  ldy: number,
  x: number,
  ldx: number,
  n: number,
  cols: Int32Array,
): void {
  const f = k.heap.f32;
  // column by column: one strided stream each, cheaper in JS than a row loop with an inner index lookup
  for (let d = 0; d < cols.length; d++) {
    for (let i = 0, src = y + cols[d], dst = x + d; i < n; i++, src += ldy, dst += ldx) f[dst] = f[src];
  }
}

class PermutationOp implements Op {
  readonly inputs: readonly Tensor[];
  accumulate: boolean[] = [];
  constructor(
    readonly k: Kernels,
    readonly x: Tensor,
    readonly y: Tensor,
    readonly perm: Int32Array,
  ) {
    this.inputs = [x];
  }
  forward(n: number): void {
    const f = this.k.heap.f32,
      { x, y, perm } = this,
      D = perm.length;
    for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) f[y.ptr + i * y.ld + j] = f[x.ptr + i * x.ld + perm[j]];
  }
  backward(n: number): void {
    const { x, y, perm } = this;
    if (!x.requiresGrad) return;
    const f = this.k.heap.f32,
      D = perm.length,
      acc = this.accumulate[0];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < D; j++) {
        const d = x.grad + i * x.ld + perm[j],
          g = f[y.grad + i * y.ld + j];
        f[d] = acc ? f[d] + g : g;
      }
    }
  }
}
