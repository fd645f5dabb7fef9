import type { ActivationName, Kernels } from "../kernels/kernel-api.js";
import { NsbiInputError } from "../errors.js";
import { Linear } from "./linear.js";
import type { ParamStore } from "./params.js";
import type { Tape } from "./tape.js";
import type { Tensor } from "./tensor.js";

export interface MlpOptions {
  /** Parameter name prefix, e.g. "embedding" gives "embedding.0.weight", ... */
  name: string;
  /** Layer sizes including input and output, e.g. [58, 45, 32, 20]. */
  sizes: number[];
  /** Activation after every layer but the last (default ReLU). */
  activation?: ActivationName;
  /** Activation after the last layer (default none). */
  outputActivation?: ActivationName;
}

/**
 * A multilayer perceptron: Linear layers with an activation between them. The embedding net of the
 * T2K tune (Tame-Narvaez et al., arXiv:2603.09778) is sizes [58, 45, 32, 20] with ReLU after the first two layers.
 */
export class Mlp {
  readonly layers: Linear[];

  constructor(
    kernels: Kernels,
    store: ParamStore,
    readonly opts: MlpOptions,
  ) {
    const s = opts.sizes;
    if (s.length < 2 || s.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new NsbiInputError(`${opts.name}: layer sizes must be >= 2 positive integers, got [${s}]`);
    }
    this.layers = [];
    for (let i = 0; i + 1 < s.length; i++) {
      const last = i + 2 === s.length;
      this.layers.push(
        new Linear(kernels, store, {
          name: `${opts.name}.${i}`,
          inFeatures: s[i],
          outFeatures: s[i + 1],
          activation: last ? (opts.outputActivation ?? "none") : (opts.activation ?? "relu"),
        }),
      );
    }
  }

  get inFeatures(): number {
    return this.opts.sizes[0];
  }
  get outFeatures(): number {
    return this.opts.sizes[this.opts.sizes.length - 1];
  }

  apply(tape: Tape, x: Tensor, grad = true): Tensor {
    let h = x;
    for (const l of this.layers) h = l.apply(tape, h, { grad });
    return h;
  }
}
