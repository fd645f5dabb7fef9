import type { ActivationName, Kernels } from "../kernels/kernel-api.js";
import type { ParamStore } from "../engine/params.js";
import type { Op, Tape } from "../engine/tape.js";
import { Tensor } from "../engine/tensor.js";
import { AutoregressiveInverse } from "./autoregressive-inverse.js";
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

/**
 * A masked autoregressive transform: a MADE conditioner and a univariate monotonic map
 * (affine → MAF, Papamakarios et al. 2017; rational-quadratic spline → NSF, Durkan et al. 2019).
 * One mechanism for both, and for coupling (passes = 2).
 */
export class AutoregressiveTransform {
  readonly made: Made;
  readonly univariate: UnivariateTransform;
  private inverse: AutoregressiveInverse | null = null;

  constructor(
    readonly kernels: Kernels,
    store: ParamStore,
    readonly opts: AutoregressiveOptions,
  ) {
    this.univariate = opts.univariate;
    this.made = new Made(kernels, store, {
      name: opts.name,
      features: opts.features,
      contextFeatures: opts.contextFeatures,
      hiddenFeatures: opts.hiddenFeatures,
      hiddenLayers: opts.hiddenLayers,
      activation: opts.activation,
      paramsPerDim: opts.univariate.paramsPerDim,
      passes: opts.passes,
      outputBias: opts.univariate.identityParams(),
    });
  }

  /** Record z = f(x | context) and L += log|det J| on the tape; returns z. */
  apply(tape: Tape, x: Tensor, context: Tensor | null, L: Tensor, grad: boolean): Tensor {
    const p = this.made.apply(tape, x, context, grad);
    const z = Tensor.alloc(this.kernels, x.rows, x.cols, grad);
    tape.record(new UnivariateOp(this.kernels, this.univariate, x, p, z, L));
    return z;
  }

  /** The sampling direction (allocates its per-context buffers in the heap at first use). */
  sampler(): AutoregressiveInverse {
    return (this.inverse ??= new AutoregressiveInverse(this.kernels, this.made, this.univariate, this.opts.passes));
  }
}

/** The univariate map of one autoregressive transform, on the tape. */
class UnivariateOp implements Op {
  readonly inputs: readonly Tensor[];
  accumulate: boolean[] = [];
  constructor(
    readonly k: Kernels,
    readonly T: UnivariateTransform,
    readonly x: Tensor,
    readonly p: Tensor,
    readonly z: Tensor,
    readonly L: Tensor,
  ) {
    this.inputs = x.requiresGrad ? [x, p] : [p];
  }
  forward(n: number): void {
    const { k, T, x, p, z, L } = this;
    T.forward(k, x.ptr, x.ld, p.ptr, p.ld, z.ptr, z.ld, L.ptr, n, 0, x.cols);
  }
  backward(n: number): void {
    const { k, T, x, p, z, L } = this;
    T.backward(
      k,
      x.ptr,
      x.ld,
      p.ptr,
      p.ld,
      z.grad,
      z.ld,
      L.grad,
      p.grad,
      p.ld,
      x.requiresGrad ? x.grad : 0,
      x.ld,
      x.requiresGrad && this.accumulate[0],
      n,
      0,
      x.cols,
    );
  }
}
