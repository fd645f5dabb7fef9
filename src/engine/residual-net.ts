import { NsbiInputError } from "../errors.js";
import type { Kernels } from "../kernels/kernel-api.js";
import { Linear } from "./linear.js";
import type { ParamStore } from "./params.js";
import { relu } from "./relu.js";
import type { Rng } from "./rng.js";
import type { Tape } from "./tape.js";
import type { Tensor } from "./tensor.js";

export interface ResidualNetOptions {
  /** Parameter name prefix, e.g. "net" gives "net.initial_layer.weight", "net.blocks.0.linear_layers.1.bias". */
  name: string;
  inFeatures: number;
  outFeatures: number;
  hiddenFeatures: number;
  /** Residual blocks (default 2). */
  blocks?: number;
}

/**
 * nflows' ResidualNet without context, batch norm or dropout (the configuration of sbi 0.27's
 * "resnet" classifier, `build_resnet_classifier`: hidden_features 50, num_blocks 2, ReLU,
 * dropout 0, use_batch_norm False):
 *
 *   h₀ = W₀ u + b₀;   h_{k+1} = h_k + L₂(relu(L₁(relu(h_k))));   out = W_f h_B + b_f,
 *
 * pre-activation blocks whose second layer starts near zero (weights and biases U(−1e-3, 1e-3),
 * nflows' `zero_initialization`), so each block starts close to the identity (He et al. 2016,
 * arXiv:1603.05027). The addition is the Linear's `addend`; parameter names follow PyTorch's
 * `state_dict` of nflows.nn.nets.ResidualNet.
 */
export class ResidualNet {
  readonly initial: Linear;
  readonly blocks: { first: Linear; second: Linear }[];
  readonly final: Linear;

  constructor(
    readonly kernels: Kernels,
    store: ParamStore,
    readonly opts: ResidualNetOptions,
  ) {
    const { name, inFeatures: I, outFeatures: O, hiddenFeatures: H } = opts;
    const B = opts.blocks ?? 2;
    for (const [what, v] of [
      ["inFeatures", I],
      ["outFeatures", O],
      ["hiddenFeatures", H],
    ] as const)
      if (!Number.isInteger(v) || v < 1)
        throw new NsbiInputError(`${name}: ${what} must be a positive integer, got ${v}`);
    if (!Number.isInteger(B) || B < 0) throw new NsbiInputError(`${name}: blocks must be an integer >= 0, got ${B}`);
    this.initial = new Linear(kernels, store, { name: `${name}.initial_layer`, inFeatures: I, outFeatures: H });
    this.blocks = [];
    const nearZero = (v: Float64Array, rng: Rng) => {
      for (let i = 0; i < v.length; i++) v[i] = (2 * rng.uniform() - 1) * 1e-3;
    };
    for (let b = 0; b < B; b++) {
      const p = `${name}.blocks.${b}.linear_layers`;
      this.blocks.push({
        first: new Linear(kernels, store, { name: `${p}.0`, inFeatures: H, outFeatures: H, activation: "relu" }),
        second: new Linear(kernels, store, {
          name: `${p}.1`,
          inFeatures: H,
          outFeatures: H,
          weightInit: nearZero,
          biasInit: nearZero,
        }),
      });
    }
    this.final = new Linear(kernels, store, { name: `${name}.final_layer`, inFeatures: H, outFeatures: O });
  }

  get inFeatures(): number {
    return this.opts.inFeatures;
  }
  get outFeatures(): number {
    return this.opts.outFeatures;
  }

  /** Record the network on `tape` for the rows of `u` and return its output. */
  apply(tape: Tape, u: Tensor, grad = true): Tensor {
    let h = this.initial.apply(tape, u, { grad });
    for (const b of this.blocks) {
      const t = relu(this.kernels, tape, h, grad);
      const v = b.first.apply(tape, t, { grad });
      h = b.second.apply(tape, v, { addend: h, grad });
    }
    return this.final.apply(tape, h, { grad });
  }
}
