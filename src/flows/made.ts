import { NsbiInputError } from "../errors.js";
import type { ActivationName, Kernels } from "../kernels/kernel-api.js";
import { Linear } from "../engine/linear.js";
import { uniformInit, type ParamStore } from "../engine/params.js";
import type { Rng } from "../engine/rng.js";
import type { Tape } from "../engine/tape.js";
import type { Tensor } from "../engine/tensor.js";

export interface MadeOptions {
  name: string;
  /** Autoregressive features D. */
  features: number;
  /** Context features C (0 = unconditional). */
  contextFeatures: number;
  hiddenFeatures: number;
  /** Number of hidden layers (each masked linear + activation); >= 1. */
  hiddenLayers: number;
  activation: ActivationName;
  /** Outputs per feature (the univariate transform's parameter count). */
  paramsPerDim: number;
  /**
   * Number of autoregressive passes: D for a fully autoregressive conditioner (MAF), 2 for a
   * coupling layer (zuko: "coupling is the same transform with two passes").
   */
  passes: number;
  /** Initial output bias per feature (the univariate identity), length paramsPerDim. */
  outputBias: Float64Array;
}

/**
 * A masked autoencoder for distribution estimation (Germain et al. 2015, arXiv:1502.03509) with
 * a context input, producing per-feature parameters p_d that depend only on features of a lower
 * degree (and on the context).
 *
 * Degrees: feature i has degree floor(i·passes/D) + 1. Hidden units get degrees 0..passes−1,
 * sorted ascending, where degree-0 units see only the context (so the first pass's parameters
 * depend on the context; in nflows' MADE they would be constants). Sorting makes every mask a
 * block-triangular pattern whose zero blocks the kernels skip, and it makes sampling incremental:
 * pass p computes only the hidden units of degree p−1 (see AutoregressiveInverse).
 * Context enters the first hidden layer through its own linear layer, as in nflows.
 */
export class Made {
  readonly inputLayer: Linear;
  readonly contextLayer: Linear | null;
  readonly hiddenStack: Linear[];
  readonly outputLayer: Linear;
  /** Degree of each input feature. */
  readonly inputDegrees: Int32Array;
  /** Degree of each hidden unit (same in every hidden layer). */
  readonly hiddenDegrees: Int32Array;

  constructor(
    readonly kernels: Kernels,
    store: ParamStore,
    readonly opts: MadeOptions,
  ) {
    const { features: D, hiddenFeatures: H, passes, paramsPerDim: P, contextFeatures: C } = opts;
    if (!(passes >= 1 && passes <= D))
      throw new NsbiInputError(`${opts.name}: passes must be in [1, ${D}], got ${passes}`);
    if (!(opts.hiddenLayers >= 1)) throw new NsbiInputError(`${opts.name}: hiddenLayers must be >= 1`);
    this.inputDegrees = Int32Array.from({ length: D }, (_, i) => Math.floor((i * passes) / D) + 1);
    const minDeg = C > 0 || passes === 1 ? 0 : 1;
    const nDeg = passes - minDeg;
    this.hiddenDegrees = Int32Array.from({ length: H }, (_, j) => minDeg + Math.floor((j * nDeg) / H));
    const inDeg = this.inputDegrees,
      hDeg = this.hiddenDegrees;
    const mask = (rows: number, cols: number, on: (r: number, c: number) => boolean) => {
      const m = new Uint8Array(rows * cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m[r * cols + c] = on(r, c) ? 1 : 0;
      return m;
    };
    const act = opts.activation;
    this.inputLayer = new Linear(kernels, store, {
      name: `${opts.name}.input`,
      inFeatures: D,
      outFeatures: H,
      activation: act,
      mask: mask(D, H, (i, h) => hDeg[h] >= inDeg[i]),
    });
    this.contextLayer =
      C > 0 ? new Linear(kernels, store, { name: `${opts.name}.context`, inFeatures: C, outFeatures: H }) : null;
    this.hiddenStack = [];
    for (let l = 1; l < opts.hiddenLayers; l++) {
      this.hiddenStack.push(
        new Linear(kernels, store, {
          name: `${opts.name}.hidden${l}`,
          inFeatures: H,
          outFeatures: H,
          activation: act,
          mask: mask(H, H, (a, b) => hDeg[b] >= hDeg[a]),
        }),
      );
    }
    const bias = opts.outputBias;
    this.outputLayer = new Linear(kernels, store, {
      name: `${opts.name}.output`,
      inFeatures: H,
      outFeatures: D * P,
      mask: mask(H, D * P, (h, o) => inDeg[Math.floor(o / P)] > hDeg[h]),
      // near-identity start: small weights, bias = the univariate identity parameters
      weightInit: uniformInit(1, 1e-3),
      biasInit: (v: Float64Array, _rng: Rng) => {
        for (let o = 0; o < v.length; o++) v[o] = bias[o % P];
      },
    });
  }

  /** Record the conditioner on a tape: params [n, D·P] from inputs z [n, D] and context [n, C]. */
  apply(tape: Tape, z: Tensor, context: Tensor | null, grad: boolean): Tensor {
    const cp = this.contextLayer && context ? this.contextLayer.apply(tape, context, { grad }) : undefined;
    let h = this.inputLayer.apply(tape, z, { addend: cp, grad });
    for (const l of this.hiddenStack) h = l.apply(tape, h, { grad });
    return this.outputLayer.apply(tape, h, { grad });
  }

  /** Hidden units of degree d: [start, end) (contiguous because degrees are sorted). */
  hiddenRange(d: number): [number, number] {
    const h = this.hiddenDegrees;
    let s = 0;
    while (s < h.length && h[s] < d) s++;
    let e = s;
    while (e < h.length && h[e] === d) e++;
    return [s, e];
  }

  /** Features of degree d (pass d): [start, end). */
  featureRange(d: number): [number, number] {
    const g = this.inputDegrees;
    let s = 0;
    while (s < g.length && g[s] < d) s++;
    let e = s;
    while (e < g.length && g[e] === d) e++;
    return [s, e];
  }
}
