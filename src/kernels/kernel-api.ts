import type { Heap } from "./heap.js";

/** Which implementation of the kernels is in use. */
export type KernelPath = "wasm-relaxed-simd" | "wasm-simd" | "ts";

/**
 * Activation codes (shared with assembly/gemm.ts, which fuses only ReLU; tanh, ELU and leaky ReLU are
 * applied elementwise in engine/activations.ts). The names are PyTorch's functional ones (F.leaky_relu).
 */
export const Act = { none: 0, relu: 1, tanh: 2, elu: 3, leaky_relu: 4 } as const;
export type ActCode = (typeof Act)[keyof typeof Act];
export type ActivationName = keyof typeof Act;

/** Affine scale parameterisations (shared with assembly/affine.ts). */
export const ScaleMode = { softplus: 0, exp: 1 } as const;

/** Adam's weight decay (shared with assembly/optim.ts): added to the gradient, or decoupled (AdamW). */
export const WeightDecayMode = { l2: 0, decoupled: 1 } as const;

/**
 * The hot kernels. Every pointer is an element offset into `heap` (f32 or int32 elements; 0 means
 * none). Column counts m are multiples of 4. See assembly/gemm.ts for the exact definitions;
 * the TypeScript fallback (ts-kernels.ts) implements the same contracts.
 */
export interface Kernels {
  readonly path: KernelPath;
  readonly heap: Heap;
  /**
   * Y = f(bias + A + X W) with W input-major [k, ldw]; act/dact: Act.none or Act.relu (see
   * assembly/gemm.ts). Above kernels/, call it through engine/gemm.ts (named operands).
   */
  gemmNN(
    X: number,
    ldx: number,
    W: number,
    ldw: number,
    bias: number,
    A: number,
    lda: number,
    Y: number,
    ldy: number,
    n: number,
    k: number,
    m: number,
    act: number,
    kRange: number,
    Z: number,
    ldz: number,
    dact: number,
  ): void;
  /** G[k, o] (+)= sum_i X[i, k] D[i, o] for k < kRows. */
  gemmTN(
    X: number,
    ldx: number,
    D: number,
    ldd: number,
    G: number,
    ldg: number,
    n: number,
    kRows: number,
    m: number,
    acc: number,
    kRange: number,
  ): void;
  /** b[o] (+)= sum_i D[i, o]. */
  colSum(D: number, ldd: number, b: number, n: number, m: number, acc: number): void;
  /** Y[i, o] *= [Z[i, o] > 0]. */
  reluBackward(Y: number, ldy: number, Z: number, ldz: number, n: number, m: number): void;
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    lr: number,
    b1: number,
    b2: number,
    eps: number,
    wd: number,
    mode: number,
    bc1: number,
    bc2: number,
  ): void;
  sumSq(a: number, n: number): number;
  scale(a: number, n: number, s: number): void;
  mulInPlace(a: number, b: number, n: number): void;
  affineForward(
    X: number,
    ldx: number,
    P: number,
    ldp: number,
    Z: number,
    ldz: number,
    L: number,
    n: number,
    dims: number,
    scaleMode: number,
  ): void;
  /** X = (Z − t) / s (sampling direction); L[i] += sum_d log s when L != 0. */
  affineInverse(
    Z: number,
    ldz: number,
    P: number,
    ldp: number,
    X: number,
    ldx: number,
    L: number,
    n: number,
    dims: number,
    scaleMode: number,
  ): void;
  /**
   * One dimension's affine inverse with its parameters t, u computed from hidden units:
   * t = bias[0] + H[i, :k]·Wt[0, :k], u = bias[1] + H[i, :k]·Wt[1, :k] (Wt rows ldwt apart, k a
   * multiple of 4); X[i] = (Z[i] − t) / s; L[i] += log s when L != 0.
   */
  affineInverseDot(
    H: number,
    ldh: number,
    Wt: number,
    ldwt: number,
    bias: number,
    Z: number,
    ldz: number,
    X: number,
    ldx: number,
    L: number,
    n: number,
    k: number,
    scaleMode: number,
  ): void;
  affineBackward(
    X: number,
    ldx: number,
    P: number,
    ldp: number,
    G: number,
    ldg: number,
    GL: number,
    dP: number,
    lddp: number,
    dX: number,
    lddx: number,
    accX: number,
    n: number,
    dims: number,
    scaleMode: number,
  ): void;
  /** dst[i, :d] = src[idx[i], :d] for i < n; idx is an int32 offset. */
  gatherRows(src: number, lds: number, idx: number, dst: number, ldd: number, n: number, d: number): void;
  /** T[c, r] = W[r, c] for r < rows, c < cols. */
  transpose(W: number, ldw: number, rows: number, cols: number, T: number, ldt: number): void;
  /** dst[i, :m] (+)= src[i, :m] for i < n (m a multiple of 4). */
  addRows(src: number, lds: number, dst: number, ldd: number, n: number, m: number, acc: number): void;
  /** dst[i, j] = (src[i, j] − mean[j]) · invStd[j] for i < n, j < d. */
  standardizeRows(
    src: number,
    lds: number,
    mean: number,
    invStd: number,
    dst: number,
    ldd: number,
    n: number,
    d: number,
  ): void;
}
