import { Act, type ActCode, type ActivationName, type Kernels } from "../kernels/kernel-api.js";
import { activationBackward, activationCode, applyActivation, isElementwiseActivation } from "./activations.js";
import { gemm, gemmTransposedX, type MatrixView } from "./gemm.js";
import { uniformInit, type Param, type ParamSpec, type ParamStore } from "./params.js";
import type { Op, Tape } from "./tape.js";
import { Tensor, pad4 } from "./tensor.js";

export interface LinearOptions {
  /** Name prefix of the parameters ("<name>.weight", "<name>.bias"). */
  name: string;
  inFeatures: number;
  outFeatures: number;
  activation?: ActivationName;
  /** 0/1 connectivity, dense input-major [inFeatures, outFeatures]; makes this a masked linear (MADE). */
  mask?: Uint8Array;
  bias?: boolean;
  weightInit?: ParamSpec["init"];
  biasInit?: ParamSpec["init"];
}

/**
 * y = act(x W + b) with W input-major [in, out] (exported as PyTorch's [out, in]). A mask makes it
 * a MaskedLinear: masked weights are held at exactly zero (their gradients are masked too) and the
 * kernels skip the rows that are structurally zero for each group of 4 output columns.
 */
export class Linear {
  readonly W: Param;
  readonly b: Param | null;
  readonly act: ActCode;
  /** Int32 [start, end) row ranges per 4-column group for the forward product (0 = dense). */
  readonly kRange: number;
  /** Same for the transposed product of the input-gradient pass (0 = dense). */
  readonly kRangeT: number;
  /** Scratch for W transposed [pad4(out), pad4(in)], written at each backward. */
  private readonly wt: number;

  constructor(
    readonly kernels: Kernels,
    store: ParamStore,
    readonly opts: LinearOptions,
  ) {
    const { inFeatures: k, outFeatures: m, name, mask } = opts;
    this.act = activationCode(opts.activation ?? "none");
    this.W = store.add({
      name: `${name}.weight`,
      kind: "weight",
      inFeatures: k,
      outFeatures: m,
      mask,
      init: opts.weightInit ?? uniformInit(k),
    });
    this.b =
      opts.bias === false
        ? null
        : store.add({
            name: `${name}.bias`,
            kind: "bias",
            inFeatures: 1,
            outFeatures: m,
            init: opts.biasInit ?? uniformInit(k),
          });
    this.kRange = mask ? writeRanges(kernels, mask, k, m, false) : 0;
    this.kRangeT = mask ? writeRanges(kernels, mask, k, m, true) : 0;
    this.wt = kernels.heap.alloc(pad4(m) * pad4(k));
  }

  get inFeatures(): number {
    return this.opts.inFeatures;
  }
  get outFeatures(): number {
    return this.opts.outFeatures;
  }

  /**
   * Record y = act(x W + b [+ addend]) on the tape and return y. The output gets a gradient
   * buffer when `grad` is true (training tapes).
   */
  apply(tape: Tape, x: Tensor, opts: { addend?: Tensor; grad?: boolean } = {}): Tensor {
    const y = Tensor.alloc(this.kernels, x.rows, this.outFeatures, opts.grad ?? true);
    const op = new LinearOp(this, x, y, opts.addend ?? null);
    y.producer = op;
    tape.record(op);
    return y;
  }

  /** Offset of the scratch buffer that transposed() fills. */
  get transposedPtr(): number {
    return this.wt;
  }

  /** W transposed into the scratch buffer; returns its offset (leading dimension pad4(in)). */
  transposed(): number {
    const W = this.W;
    this.kernels.transpose(W.ptr, W.ld, W.rows, W.cols, this.wt, pad4(this.inFeatures));
    return this.wt;
  }
}

/** The forward/backward of one application of a Linear. */
export class LinearOp implements Op {
  readonly inputs: readonly Tensor[];
  accumulate: boolean[] = [];
  /** Our output's gradient already has the ReLU mask applied (fused into the consumer's GEMM). */
  gradIsPreactivation = false;
  /** Apply the producer's ReLU mask to dX inside our input-gradient GEMM. */
  private fuseInputRelu = false;
  /** Gradient buffers as matrix views (made at the first backward, when the store has its memory). */
  private gradViews: { dY: MatrixView; dX: MatrixView; dW: MatrixView; wT: MatrixView } | null = null;
  /** Accumulate the weight and bias gradients (off on tapes marked inputGradientsOnly). */
  private weightGrads = true;

  constructor(
    readonly layer: Linear,
    readonly x: Tensor,
    readonly y: Tensor,
    readonly addend: Tensor | null,
  ) {
    this.inputs = addend?.requiresGrad ? [x, addend] : [x];
  }

  onFinalize(tape: Tape): void {
    this.weightGrads = !tape.inputGradientsOnly;
    const x = this.x,
      p = x.producer;
    if (
      x.requiresGrad &&
      !this.accumulate[0] &&
      p instanceof LinearOp &&
      p.layer.act === Act.relu &&
      tape.consumers(x).length === 1
    ) {
      this.fuseInputRelu = true;
      p.gradIsPreactivation = true;
    }
  }

  forward(n: number): void {
    const L = this.layer,
      k = L.kernels,
      x = this.x,
      y = this.y,
      A = this.addend;
    gemm(k, {
      x,
      w: L.W,
      y,
      rows: n,
      inner: L.inFeatures,
      cols: y.ld,
      bias: L.b ? L.b.ptr : 0,
      addend: A,
      relu: L.act === Act.relu,
      kRange: L.kRange,
    });
    if (isElementwiseActivation(L.act)) applyActivation(k.heap, L.act, y.ptr, y.ld, n, y.ld);
  }

  backward(n: number): void {
    const L = this.layer,
      k = L.kernels,
      x = this.x,
      y = this.y,
      A = this.addend;
    const dP = y.grad;
    const v = (this.gradViews ??= {
      dY: { ptr: y.grad, ld: y.ld },
      dX: { ptr: x.grad, ld: x.ld },
      dW: { ptr: L.W.grad, ld: L.W.ld },
      wT: { ptr: L.transposedPtr, ld: pad4(L.inFeatures) },
    });
    if (L.act === Act.relu && !this.gradIsPreactivation) k.reluBackward(dP, y.ld, y.ptr, y.ld, n, y.ld);
    else if (isElementwiseActivation(L.act)) activationBackward(k.heap, L.act, dP, y.ptr, y.ld, n, y.ld);
    if (A?.requiresGrad) k.addRows(dP, y.ld, A.grad, A.ld, n, y.ld, this.accumulate[1] ? 1 : 0);
    if (this.weightGrads) {
      gemmTransposedX(k, {
        x,
        d: v.dY,
        g: v.dW,
        rows: n,
        xCols: L.inFeatures,
        cols: y.ld,
        accumulate: true,
        kRange: L.kRange,
      });
      if (L.W.maskPtr) k.mulInPlace(L.W.grad, L.W.maskPtr, L.W.size);
      if (L.b) k.colSum(dP, y.ld, L.b.grad, n, y.ld, 1);
    }
    if (x.requiresGrad) {
      L.transposed();
      gemm(k, {
        x: v.dY,
        w: v.wT,
        y: v.dX,
        rows: n,
        inner: L.outFeatures,
        cols: x.ld,
        addend: this.accumulate[0] ? v.dX : null,
        kRange: L.kRangeT,
        reluMaskOf: this.fuseInputRelu ? x : null,
      });
    }
  }
}

/**
 * Row ranges of the non-zero pattern per group of 4 columns, as Int32 pairs in the heap.
 * transposed = false: columns are outputs, rows inputs (forward). true: the reverse (dX pass).
 * An empty group gets [rows, 0) so that min/max over two groups ignores it.
 */
function writeRanges(k: Kernels, mask: Uint8Array, inF: number, outF: number, transposed: boolean): number {
  const rows = transposed ? outF : inF,
    cols = transposed ? inF : outF;
  const groups = pad4(cols) / 4;
  const ptr = k.heap.allocI32(2 * groups + 4);
  const r = k.heap.i32;
  for (let g = 0; g < groups; g++) {
    let s = rows,
      e = 0;
    for (let c = 4 * g; c < Math.min(4 * g + 4, cols); c++) {
      for (let row = 0; row < rows; row++) {
        const on = transposed ? mask[c * outF + row] : mask[row * outF + c];
        if (on) {
          if (row < s) s = row;
          if (row + 1 > e) e = row + 1;
        }
      }
    }
    r[ptr + 2 * g] = s;
    r[ptr + 2 * g + 1] = e;
  }
  return ptr;
}
