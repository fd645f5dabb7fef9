import { NsbiInputError } from "../errors.js";
import type { ActivationName, Kernels } from "../kernels/kernel-api.js";
import { Linear } from "../engine/linear.js";
import { Mlp } from "../engine/mlp.js";
import { pairRows } from "../engine/pair-rows.js";
import { ParamStore } from "../engine/params.js";
import { ResidualNet } from "../engine/residual-net.js";
import type { Rng } from "../engine/rng.js";
import { RowScaledTapeOp } from "../engine/row-scaled-tape.js";
import { Tape } from "../engine/tape.js";
import { Tensor } from "../engine/tensor.js";
import { EVALUATION_ROWS, requireWithinLimits, type NetworkSize } from "./network-limits.js";
import type { Standardization } from "./npe-network.js";

/**
 * The classifier of neural ratio estimation on [z-scored θ, embedding of z-scored x]:
 * - "resnet": sbi 0.27's default (`classifier_nn("resnet")` → nflows ResidualNet, hidden 50,
 *   2 blocks, ReLU, no batch norm, no dropout);
 * - "mlp": a plain MLP, e.g. seed 001's classifier (3 hidden layers × 120 ReLU, one logit whose
 *   sigmoid is the class probability). (sbi's own "mlp" adds batch norm, which is not offered.)
 */
export type NreClassifierConfig =
  | { type: "resnet"; hiddenFeatures: number; blocks: number }
  | { type: "mlp"; hiddenFeatures: number; hiddenLayers: number; activation: ActivationName };

/** Everything needed to rebuild the network (config.json "network" of an NRE model). */
export interface NreNetworkConfig {
  thetaDim: number;
  xDim: number;
  /** MLP embedding of the (z-scored) data, trained jointly; sizes include the input (= xDim). */
  embedding: { sizes: number[]; activation: ActivationName } | null;
  classifier: NreClassifierConfig;
  standardization: Standardization;
  /**
   * Per-parameter range [min, max] of the training θ (original units). Beyond it the classifier
   * only extrapolates (a ReLU logit linearly, without bound); nrePotential holds log r constant
   * there. Absent in models saved before it was recorded.
   */
  thetaRange?: { min: number[]; max: number[] };
}

/** sbi 0.27's classifier defaults (build_resnet_classifier / build_mlp_classifier). */
export const NRE_CLASSIFIER_DEFAULTS = {
  resnet: { hiddenFeatures: 50, blocks: 2 },
  /** seed 001 (§2.3): 3 hidden × 120, ReLU. */
  mlp: { hiddenFeatures: 120, hiddenLayers: 3, activation: "relu" as ActivationName },
} as const;

/** The training tape: n rows of (θ, x) → n·atoms logits of the joint and contrastive pairs. */
export interface NreTrainingGraph {
  tape: Tape;
  theta: Tensor;
  x: Tensor;
  /** [rows·atoms, 1]: logit of pair a of batch row i at row i·atoms + a. */
  logits: Tensor;
  /** int32 heap buffer [rows·atoms]: the θ row of every pair (filled per batch). */
  index: number;
  atoms: number;
}

/** A classifier tape over single pairs: input [rows, thetaDim + contextDim] → logits. */
interface PairGraph {
  tape: Tape;
  input: Tensor;
  logits: Tensor;
}

const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/** Estimated parameters and heap of an NRE network (plain arithmetic, never an allocation). */
export function estimateNreNetworkSize(c: NreNetworkConfig, rows: number, atoms: number): NetworkSize {
  let parameters = 0,
    perRow = 0,
    perPair = 0;
  const linear = (inF: number, outF: number, perPairRow: boolean) => {
    parameters += inF * pad4(outF) + pad4(outF);
    if (perPairRow) perPair += 2 * pad4(outF);
    else perRow += 2 * pad4(outF);
  };
  let ctx = c.xDim;
  if (c.embedding) {
    const s = c.embedding.sizes;
    for (let i = 0; i + 1 < s.length; i++) linear(s[i], s[i + 1], false);
    ctx = s[s.length - 1];
  }
  const inF = c.thetaDim + ctx,
    k = c.classifier,
    H = k.hiddenFeatures;
  perPair += 2 * pad4(inF);
  linear(inF, H, true);
  if (k.type === "resnet") {
    // per block: a ReLU output and two layers (identical blocks: count one, multiply)
    const p0 = parameters,
      a0 = perPair;
    linear(H, H, true);
    linear(H, H, true);
    perPair += 2 * pad4(H);
    parameters = p0 + (parameters - p0) * k.blocks;
    perPair = a0 + (perPair - a0) * k.blocks;
  } else {
    const p0 = parameters,
      a0 = perPair;
    linear(H, H, true);
    parameters = p0 + (parameters - p0) * (k.hiddenLayers - 1);
    perPair = a0 + (perPair - a0) * (k.hiddenLayers - 1);
  }
  linear(H, 1, true);
  const activationsPerRow = perRow + 4 * (pad4(c.thetaDim) + pad4(c.xDim)) + atoms * (perPair + 1);
  const heapBytes = 4 * (4 * parameters + rows * activationsPerRow);
  return { parameters, maskValues: 0, activationsPerRow, heapBytes };
}

/** Throw an NsbiInputError when an NRE network exceeds NETWORK_LIMITS. */
export function checkNreNetworkSize(
  c: NreNetworkConfig,
  rows: number,
  atoms: number,
  purpose: "training" | "evaluation",
): NetworkSize {
  const k = c.classifier;
  const sizes =
    `classifier ${k.type}, hiddenFeatures ${k.hiddenFeatures}, ` +
    (k.type === "resnet" ? `blocks ${k.blocks}` : `hiddenLayers ${k.hiddenLayers}`) +
    (c.embedding ? `, embedding ${c.embedding.sizes.slice(1).join(",")}` : "") +
    `, thetaDim ${c.thetaDim}, xDim ${c.xDim}` +
    (atoms > 1 ? `, ${atoms} pairs per row` : "");
  return requireWithinLimits(estimateNreNetworkSize(c, rows, atoms), sizes, rows, purpose);
}

/** A uniform description of either classifier, so the graphs need not know which it is. */
interface ClassifierNet {
  apply(tape: Tape, input: Tensor, grad: boolean): Tensor;
}

/**
 * The ratio estimator's network: z-scoring of θ and x, an optional embedding MLP of x and a
 * classifier f(θ, x) whose logit estimates log p(x | θ)/p(x) (Hermans et al. 2020,
 * arXiv:1903.04057). Parameter names follow sbi's RatioEstimator ("net.…", "embedding.…").
 */
export class NreNetwork {
  readonly store: ParamStore;
  readonly embedding: Mlp | null;
  readonly classifier: ClassifierNet;
  private valueGraph: PairGraph | null = null;
  private gradGraph: PairGraph | null = null;
  private embedGraph: { tape: Tape; x: Tensor; c: Tensor } | null = null;

  constructor(
    readonly config: NreNetworkConfig,
    readonly kernels: Kernels,
  ) {
    const c = config;
    for (const [name, v] of [
      ["thetaDim", c.thetaDim],
      ["xDim", c.xDim],
      ["classifier.hiddenFeatures", c.classifier.hiddenFeatures],
    ] as const)
      if (!Number.isInteger(v) || v < 1) throw new NsbiInputError(`${name} must be a positive integer, got ${v}`);
    if (c.classifier.type === "resnet" && !(Number.isInteger(c.classifier.blocks) && c.classifier.blocks >= 0))
      throw new NsbiInputError(`classifier.blocks must be an integer >= 0, got ${c.classifier.blocks}`);
    if (c.classifier.type === "mlp" && !(Number.isInteger(c.classifier.hiddenLayers) && c.classifier.hiddenLayers >= 1))
      throw new NsbiInputError(`classifier.hiddenLayers must be a positive integer, got ${c.classifier.hiddenLayers}`);
    // before anything is allocated: a config.json may declare absurd sizes
    checkNreNetworkSize(c, EVALUATION_ROWS, 1, "evaluation");
    const st = c.standardization;
    for (const [name, arr, len] of [
      ["thetaMean", st.thetaMean, c.thetaDim],
      ["thetaStd", st.thetaStd, c.thetaDim],
      ["xMean", st.xMean, c.xDim],
      ["xStd", st.xStd, c.xDim],
    ] as const) {
      if (arr.length !== len || arr.some((v) => !Number.isFinite(v)))
        throw new NsbiInputError(`standardization.${name}: expected ${len} finite numbers`);
    }
    if (st.thetaStd.some((v) => v <= 0) || st.xStd.some((v) => v <= 0))
      throw new NsbiInputError("standardization: standard deviations must be positive");
    if (c.thetaRange) {
      const { min, max } = c.thetaRange;
      const ok = (v: number, j: number) => Number.isFinite(v) && Number.isFinite(max[j]) && v <= max[j];
      if (min.length !== c.thetaDim || max.length !== c.thetaDim || !min.every(ok))
        throw new NsbiInputError(`thetaRange: expected ${c.thetaDim} finite pairs min <= max`);
    }
    this.store = new ParamStore(kernels);
    if (c.embedding) {
      if (c.embedding.sizes[0] !== c.xDim)
        throw new NsbiInputError(`embedding: input size ${c.embedding.sizes[0]} != data dimension ${c.xDim}`);
      this.embedding = new Mlp(kernels, this.store, {
        name: "embedding",
        sizes: c.embedding.sizes,
        activation: c.embedding.activation,
      });
    } else this.embedding = null;
    const inF = c.thetaDim + this.contextDim,
      k = c.classifier;
    if (k.type === "resnet") {
      const net = new ResidualNet(kernels, this.store, {
        name: "net",
        inFeatures: inF,
        outFeatures: 1,
        hiddenFeatures: k.hiddenFeatures,
        blocks: k.blocks,
      });
      this.classifier = { apply: (tape, input, grad) => net.apply(tape, input, grad) };
    } else {
      // PyTorch nn.Sequential(Linear, act, Linear, act, …, Linear): layers at even indices
      const sizes = [inF, ...Array<number>(k.hiddenLayers).fill(k.hiddenFeatures), 1];
      const layers = sizes.slice(0, -1).map(
        (s, i) =>
          new Linear(kernels, this.store, {
            name: `net.${2 * i}`,
            inFeatures: s,
            outFeatures: sizes[i + 1],
            activation: i + 2 === sizes.length ? "none" : k.activation,
          }),
      );
      this.classifier = {
        apply: (tape, input, grad) => {
          let h = input;
          for (const l of layers) h = l.apply(tape, h, { grad });
          return h;
        },
      };
    }
  }

  /** Initialise all weights (call once, before training or loading). */
  initialize(rng: Rng): void {
    this.store.finalize(rng);
  }

  get thetaDim(): number {
    return this.config.thetaDim;
  }
  get xDim(): number {
    return this.config.xDim;
  }
  /** Width of the embedded observation the classifier sees. */
  get contextDim(): number {
    const e = this.config.embedding;
    return e ? e.sizes[e.sizes.length - 1] : this.config.xDim;
  }

  /**
   * The training tape for batches of up to `rows` (θ, x) rows with `atoms` pairs each: θ and x
   * are z-scored inputs; the caller fills `index` before every forward (drawContrastiveIndices).
   * The embedding runs once per observation, the classifier on rows·atoms pairs.
   */
  buildTrainingGraph(rows: number, atoms: number): NreTrainingGraph {
    const k = this.kernels,
      tape = new Tape();
    const theta = Tensor.alloc(k, rows, this.thetaDim, false);
    const x = Tensor.alloc(k, rows, this.xDim, false);
    const e = this.embedding ? this.embedding.apply(tape, x, true) : x;
    const index = k.heap.allocI32(rows * atoms);
    const pairs = pairRows(k, tape, { a: theta, b: e, index, atoms });
    const inner = new Tape();
    const logits = this.classifier.apply(inner, pairs, true);
    tape.record(new RowScaledTapeOp(inner, atoms));
    tape.finalize();
    return { tape, theta, x, logits, index, atoms };
  }

  /** z-score n rows of theta (float32 or float64) into a new float32 array. */
  standardizeTheta(theta: ArrayLike<number>, n: number): Float32Array {
    return zscore(theta, n, this.config.standardization.thetaMean, this.config.standardization.thetaStd);
  }

  /** z-score n rows of x into a new array. */
  standardizeX(x: ArrayLike<number>, n: number): Float32Array {
    return zscore(x, n, this.config.standardization.xMean, this.config.standardization.xStd);
  }

  /** The classifier's view of m raw observations: z-scored and embedded, [m, contextDim]. */
  embed(x: ArrayLike<number>, m: number): Float32Array {
    const xs = this.standardizeX(x, m);
    if (!this.embedding) return xs;
    if (!this.embedGraph) {
      const tape = new Tape();
      const xin = Tensor.alloc(this.kernels, EVALUATION_ROWS, this.xDim, false);
      const c = this.embedding.apply(tape, xin, false);
      tape.finalize();
      this.embedGraph = { tape, x: xin, c };
    }
    const g = this.embedGraph,
      C = this.contextDim,
      out = new Float32Array(m * C);
    for (let s = 0; s < m; s += EVALUATION_ROWS) {
      const r = Math.min(EVALUATION_ROWS, m - s);
      g.x.setRows(xs, r, s * this.xDim);
      g.tape.forward(r);
      g.c.getRows(out, r, s * C);
    }
    return out;
  }

  /**
   * Classifier logits of pairs of z-scored θ rows and embedded observations (`embed`):
   * - mode "rows": pair r = (θ_r, c_r), or (θ_r, c_0) when `contexts` holds one row; out[r] = f;
   * - mode "cross": every θ_m with every c_i; out[m] = Σ_i f(θ_m, c_i) (iid observations).
   * With `grad`, also writes d out[m] / d θ_z,m (z-scored units) into grad[m·thetaDim ..].
   * `count` is the number of θ rows; contexts hold `contexts.length / contextDim` rows.
   */
  logits(
    mode: "rows" | "cross",
    thetaZ: Float32Array,
    count: number,
    contexts: Float32Array,
    out: Float64Array,
    grad: Float64Array | null = null,
  ): void {
    const P = this.thetaDim,
      C = this.contextDim,
      nCtx = contexts.length / C;
    const g = grad ? (this.gradGraph ??= this.pairGraph(true)) : (this.valueGraph ??= this.pairGraph(false));
    const f = this.kernels.heap.f32,
      inp = g.input,
      ld = inp.ld,
      lg = g.logits;
    const total = mode === "rows" ? count : count * nCtx;
    out.fill(0, 0, count);
    if (grad) grad.fill(0, 0, count * P);
    for (let s = 0; s < total; s += EVALUATION_ROWS) {
      const r = Math.min(EVALUATION_ROWS, total - s);
      for (let q = 0; q < r; q++) {
        const p = s + q,
          m = mode === "rows" ? p : Math.floor(p / nCtx),
          i = mode === "rows" ? (nCtx === 1 ? 0 : p) : p % nCtx,
          row = inp.ptr + q * ld;
        for (let j = 0; j < P; j++) f[row + j] = thetaZ[m * P + j];
        for (let j = 0; j < C; j++) f[row + P + j] = contexts[i * C + j];
      }
      g.tape.forward(r);
      for (let q = 0; q < r; q++) {
        const p = s + q,
          m = mode === "rows" ? p : Math.floor(p / nCtx);
        out[m] += f[lg.ptr + q * lg.ld];
      }
      if (grad) {
        for (let q = 0; q < r; q++) {
          const d = lg.grad + q * lg.ld;
          f[d] = 1;
          for (let j = 1; j < lg.ld; j++) f[d + j] = 0;
        }
        g.tape.backward(r);
        for (let q = 0; q < r; q++) {
          const p = s + q,
            m = mode === "rows" ? p : Math.floor(p / nCtx),
            row = inp.grad + q * ld;
          for (let j = 0; j < P; j++) grad[m * P + j] += f[row + j];
        }
      }
    }
  }

  /** A classifier tape over EVALUATION_ROWS single pairs; with `grad`, the input gets a gradient. */
  private pairGraph(grad: boolean): PairGraph {
    const tape = new Tape();
    const input = Tensor.alloc(this.kernels, EVALUATION_ROWS, this.thetaDim + this.contextDim, grad);
    const logits = this.classifier.apply(tape, input, grad);
    // the θ gradient needs no weight gradients (a third of the backward pass)
    tape.inputGradientsOnly = grad;
    tape.finalize();
    return { tape, input, logits };
  }
}

function zscore(a: ArrayLike<number>, n: number, mean: number[], std: number[]): Float32Array {
  const d = mean.length,
    out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = (a[i * d + j] - mean[j]) / std[j];
  return out;
}
