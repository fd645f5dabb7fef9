import type { ActivationName, Kernels } from "../kernels/kernel-api.js";
import { Act } from "../kernels/kernel-api.js";
import { applyActivation } from "../engine/activations.js";
import type { Linear } from "../engine/linear.js";
import type { ParamStore } from "../engine/params.js";
import type { Op, Tape } from "../engine/tape.js";
import { Tensor, pad4 } from "../engine/tensor.js";
import { Made } from "./made.js";
import type { UnivariateTransform } from "./univariate/univariate-transform.js";

export interface AutoregressiveOptions {
  name: string;
  features: number;
  contextFeatures: number;
  hiddenFeatures: number;
  hiddenLayers: number;
  activation: ActivationName;
  passes: number;
  univariate: UnivariateTransform;
}

/** Buffers for sampling `rows` rows at a time (allocated once per flow). */
export interface InverseWorkspace {
  rows: number;
  hidden: number[];
  ldh: number;
  params: number;
  ldp: number;
}

/**
 * A masked autoregressive transform: a MADE conditioner and a univariate monotonic map
 * (affine → MAF, Papamakarios et al. 2017; rational-quadratic spline → NSF, Durkan et al. 2019).
 * One mechanism for both, and for coupling (passes = 2).
 */
export class AutoregressiveTransform {
  readonly made: Made;
  readonly univariate: UnivariateTransform;

  constructor(readonly kernels: Kernels, store: ParamStore, readonly opts: AutoregressiveOptions) {
    this.univariate = opts.univariate;
    this.made = new Made(kernels, store, {
      name: opts.name, features: opts.features, contextFeatures: opts.contextFeatures,
      hiddenFeatures: opts.hiddenFeatures, hiddenLayers: opts.hiddenLayers, activation: opts.activation,
      paramsPerDim: opts.univariate.paramsPerDim, passes: opts.passes, outputBias: opts.univariate.identityParams(),
    });
  }

  /** Record z = f(x | context) and L += log|det J| on the tape; returns z. */
  apply(tape: Tape, x: Tensor, context: Tensor | null, L: Tensor, grad: boolean): Tensor {
    const p = this.made.apply(tape, x, context, grad);
    const z = Tensor.alloc(this.kernels, x.rows, x.cols, grad);
    tape.record(new UnivariateOp(this.kernels, this.univariate, x, p, z, L));
    return z;
  }

  /** Workspace for `rows` rows of sampling. */
  allocWorkspace(rows: number): InverseWorkspace {
    const H = this.opts.hiddenFeatures, ldh = pad4(H), ldp = pad4(this.opts.features * this.univariate.paramsPerDim);
    const heap = this.kernels.heap;
    const hidden = [this.made.inputLayer, ...this.made.hiddenStack].map(() => heap.alloc(rows * ldh));
    return { rows, hidden, ldh, params: heap.alloc(rows * ldp), ldp };
  }

  /**
   * The first hidden layer's bias for one context: b + W_c c + b_c (H values written at `out`).
   * Sampling for a fixed observation folds the context into this bias.
   */
  contextBias(context: Float32Array | null, out: number): void {
    const f = this.kernels.heap.f32, L0 = this.made.inputLayer, C = this.made.contextLayer;
    const H = this.opts.hiddenFeatures;
    for (let h = 0; h < H; h++) {
      let s = L0.b ? f[L0.b.ptr + h] : 0;
      if (C && context) {
        s += C.b ? f[C.b.ptr + h] : 0;
        for (let c = 0; c < context.length; c++) s += context[c] * f[C.W.ptr + c * C.W.ld + h];
      }
      f[out + h] = s;
    }
  }

  /**
   * X = f^{-1}(Y) for n rows sharing one context (folded into `bias`, see contextBias). Pass p
   * computes only the hidden units of degree p − 1, which depend only on features already final,
   * so a full inversion costs about one conditioner evaluation instead of `passes` of them.
   * When L != 0, L[i] += log|det J| evaluated at the result.
   */
  inverse(ws: InverseWorkspace, Y: number, ldy: number, X: number, ldx: number, n: number, bias: number, L: number): void {
    const k = this.kernels, made = this.made, D = this.opts.features, P = this.univariate.paramsPerDim;
    const f = k.heap.f32;
    for (let i = 0; i < n; i++) f.fill(0, X + i * ldx, X + i * ldx + D);
    const layers: Linear[] = [made.inputLayer, ...made.hiddenStack];
    const ldh = ws.ldh;
    for (let pass = 1; pass <= this.opts.passes; pass++) {
      const [hs, he] = made.hiddenRange(pass - 1);
      if (he > hs) {
        const c0 = hs & ~3, c1 = Math.min(pad4(he), ldh);
        layers.forEach((layer, l) => {
          const input = l === 0 ? X : ws.hidden[l - 1], ldin = l === 0 ? ldx : ldh;
          const b = l === 0 ? bias : layer.b ? layer.b.ptr : 0;
          k.gemmNN(input, ldin, layer.W.ptr + c0, layer.W.ld, b ? b + c0 : 0, 0, 0, ws.hidden[l] + c0, ldh,
            n, layer.inFeatures, c1 - c0, layer.act === Act.relu ? 1 : 0, layer.kRange ? layer.kRange + (c0 >> 1) : 0, 0, 0, 0);
          if (layer.act === Act.tanh || layer.act === Act.elu) applyActivation(k.heap, layer.act, ws.hidden[l] + c0, ldh, n, c1 - c0);
        });
      }
      const [ds, de] = made.featureRange(pass);
      if (de === ds) continue;
      const out = made.outputLayer, o0 = (ds * P) & ~3, o1 = Math.min(pad4(de * P), ws.ldp);
      k.gemmNN(ws.hidden[layers.length - 1], ldh, out.W.ptr + o0, out.W.ld, out.b ? out.b.ptr + o0 : 0, 0, 0,
        ws.params + o0, ws.ldp, n, out.inFeatures, o1 - o0, 0, out.kRange ? out.kRange + (o0 >> 1) : 0, 0, 0, 0);
      this.univariate.inverse(k, Y, ldy, ws.params, ws.ldp, X, ldx, L, n, ds, de);
    }
  }
}

/** The univariate map of one autoregressive transform, on the tape. */
class UnivariateOp implements Op {
  readonly inputs: readonly Tensor[];
  accumulate: boolean[] = [];
  constructor(readonly k: Kernels, readonly T: UnivariateTransform, readonly x: Tensor, readonly p: Tensor,
    readonly z: Tensor, readonly L: Tensor) {
    this.inputs = x.requiresGrad ? [x, p] : [p];
  }
  forward(n: number): void {
    const { k, T, x, p, z, L } = this;
    T.forward(k, x.ptr, x.ld, p.ptr, p.ld, z.ptr, z.ld, L.ptr, n, 0, x.cols);
  }
  backward(n: number): void {
    const { k, T, x, p, z, L } = this;
    T.backward(k, x.ptr, x.ld, p.ptr, p.ld, z.grad, z.ld, L.grad, p.grad, p.ld,
      x.requiresGrad ? x.grad : 0, x.ld, x.requiresGrad && this.accumulate[0], n, 0, x.cols);
  }
}
