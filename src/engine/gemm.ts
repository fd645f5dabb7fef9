import { Act, type Kernels } from "../kernels/kernel-api.js";

/**
 * A row-major float32 matrix in a kernel heap: the element offset of its first entry and the
 * elements from one row to the next. Tensor and Param are views; `{ ptr: W.ptr + c, ld: W.ld }`
 * starts at column c.
 */
export interface MatrixView {
  readonly ptr: number;
  readonly ld: number;
}

/** Y = act(bias + addend + X W): the operands of `gemm`, by name. */
export interface GemmOptions {
  /** Left factor [rows, inner]. */
  x: MatrixView;
  /** Right factor, input-major [inner, cols]. */
  w: MatrixView;
  /** Result [rows, cols]; may be the addend (accumulate in place). */
  y: MatrixView;
  rows: number;
  inner: number;
  /** Result columns, a multiple of 4 (padding columns included). */
  cols: number;
  /** Element offset of a bias vector [cols] added to every row. */
  bias?: number;
  /** Added before the activation. */
  addend?: MatrixView | null;
  /** ReLU on the result. */
  relu?: boolean;
  /**
   * Element offset of Int32 [start, end) pairs, one per 4 result columns: the rows of W that can
   * be non-zero there. W must be zero outside them (masked layers): the kernels may skip those
   * rows, or read them. Omitted: all `inner` rows.
   */
  kRange?: number;
  /** Zero the result where this matrix [rows, cols] is not > 0 (the backward of a ReLU that produced it). */
  reluMaskOf?: MatrixView | null;
}

/**
 * Y = act(bias + addend + X W) with named operands; the positional kernel ABI stays inside
 * kernels/. Call it with an object literal: it is small enough to be inlined where it is hot, and
 * it allocates nothing itself.
 */
export function gemm(k: Kernels, o: GemmOptions): void {
  const a = o.addend,
    z = o.reluMaskOf;
  k.gemmNN(
    o.x.ptr,
    o.x.ld,
    o.w.ptr,
    o.w.ld,
    o.bias ?? 0,
    a ? a.ptr : 0,
    a ? a.ld : 0,
    o.y.ptr,
    o.y.ld,
    o.rows,
    o.inner,
    o.cols,
    o.relu ? Act.relu : Act.none,
    o.kRange ?? 0,
    z ? z.ptr : 0,
    z ? z.ld : 0,
    z ? Act.relu : Act.none,
  );
}

/** G (+)= Xᵀ D: the operands of `gemmTransposedX`, by name. */
export interface GemmTransposedXOptions {
  /** [rows, xCols]. */
  x: MatrixView;
  /** [rows, cols]. */
  d: MatrixView;
  /** Result [xCols, cols]. */
  g: MatrixView;
  rows: number;
  xCols: number;
  /** A multiple of 4. */
  cols: number;
  /** Add to G instead of overwriting it. */
  accumulate?: boolean;
  /** As GemmOptions.kRange: per 4 columns of G, the rows of G that can be non-zero (a masked weight's gradient). */
  kRange?: number;
}

/** G (+)= Xᵀ D summed over `rows` rows (a weight gradient), with named operands. */
export function gemmTransposedX(k: Kernels, o: GemmTransposedXOptions): void {
  k.gemmTN(
    o.x.ptr,
    o.x.ld,
    o.d.ptr,
    o.d.ld,
    o.g.ptr,
    o.g.ld,
    o.rows,
    o.xCols,
    o.cols,
    o.accumulate ? 1 : 0,
    o.kRange ?? 0,
  );
}
