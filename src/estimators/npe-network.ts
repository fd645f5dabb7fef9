import { NsbiInputError } from "../errors.js";
import type { ActivationName, Kernels } from "../kernels/kernel-api.js";
import { Mlp } from "../engine/mlp.js";
import { ParamStore } from "../engine/params.js";
import type { Rng } from "../engine/rng.js";
import { Tape } from "../engine/tape.js";
import { Tensor } from "../engine/tensor.js";
import { ConditionalFlow } from "../flows/conditional-flow.js";
import type { FlowConfig } from "../flows/flow-config.js";
import { checkNetworkSize, EVALUATION_ROWS } from "./network-limits.js";

/** Fixed z-scoring of theta and x computed from the training data (stored with the model). */
export interface Standardization {
  thetaMean: number[];
  thetaStd: number[];
  xMean: number[];
  xStd: number[];
}

/** Everything needed to rebuild the network (config.json "network"). */
export interface NpeNetworkConfig {
  thetaDim: number;
  xDim: number;
  /** MLP embedding of the (z-scored) data, trained jointly; sizes include the input (= xDim). */
  embedding: { sizes: number[]; activation: ActivationName } | null;
  flow: FlowConfig;
  standardization: Standardization;
}

/** The tape of log q(theta | x) for up to `rows` pairs; inputs are z-scored. */
export interface NpeGraph {
  tape: Tape;
  theta: Tensor;
  x: Tensor;
  /** Log-density of the z-scored theta; add NpeNetwork.thetaLogJacobian for the original units. */
  logProb: Tensor;
}

/** Rows per chunk of batched evaluation. */
const EVAL_ROWS = EVALUATION_ROWS;

/**
 * The neural posterior estimator's network: z-scoring, an optional embedding MLP and a
 * conditional flow over the z-scored parameters. All buffers live in one kernel heap.
 */
export class NpeNetwork {
  readonly store: ParamStore;
  readonly embedding: Mlp | null;
  readonly flow: ConditionalFlow;
  private evalGraph: (NpeGraph & { stage: number; stats: number }) | null = null;
  private embedGraph: { tape: Tape; x: Tensor; c: Tensor } | null = null;

  constructor(
    readonly config: NpeNetworkConfig,
    readonly kernels: Kernels,
  ) {
    const c = config;
    // before anything is allocated: a config.json may declare absurd sizes
    checkNetworkSize(c, EVAL_ROWS, "evaluation");
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
    const ctx = this.embedding ? this.embedding.outFeatures : c.xDim;
    if (c.flow.contextFeatures !== ctx)
      throw new NsbiInputError(`flow: contextFeatures ${c.flow.contextFeatures} != embedding output ${ctx}`);
    if (c.flow.features !== c.thetaDim)
      throw new NsbiInputError(`flow: features ${c.flow.features} != thetaDim ${c.thetaDim}`);
    for (const [name, arr, len] of [
      ["thetaMean", c.standardization.thetaMean, c.thetaDim],
      ["thetaStd", c.standardization.thetaStd, c.thetaDim],
      ["xMean", c.standardization.xMean, c.xDim],
      ["xStd", c.standardization.xStd, c.xDim],
    ] as const) {
      if (arr.length !== len || arr.some((v) => !Number.isFinite(v)))
        throw new NsbiInputError(`standardization.${name}: expected ${len} finite numbers`);
    }
    if (c.standardization.thetaStd.some((v) => v <= 0) || c.standardization.xStd.some((v) => v <= 0)) {
      throw new NsbiInputError("standardization: standard deviations must be positive");
    }
    this.flow = new ConditionalFlow(kernels, this.store, c.flow);
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
  get contextDim(): number {
    return this.config.flow.contextFeatures;
  }

  /** log |d theta' / d theta| = −Σ log σ_theta, added to the z-scored log-density. */
  get thetaLogJacobian(): number {
    return -this.config.standardization.thetaStd.reduce((s, v) => s + Math.log(v), 0);
  }

  /** Record the network on a new tape for up to `rows` pairs. */
  buildGraph(rows: number, opts: { grad: boolean; thetaGrad?: boolean }): NpeGraph {
    const k = this.kernels;
    const tape = new Tape();
    const theta = Tensor.alloc(k, rows, this.thetaDim, opts.thetaGrad ?? false);
    const x = Tensor.alloc(k, rows, this.xDim, false);
    const context = this.embedding ? this.embedding.apply(tape, x, opts.grad) : x;
    const logProb = this.flow.logProb(tape, theta, context, opts.grad || (opts.thetaGrad ?? false));
    tape.finalize();
    return { tape, theta, x, logProb };
  }

  /** z-score n rows of theta into a new array. */
  standardizeTheta(theta: ArrayLike<number>, n: number): Float32Array {
    return zscore(theta, n, this.config.standardization.thetaMean, this.config.standardization.thetaStd);
  }

  /** z-score n rows of x into a new array. */
  standardizeX(x: ArrayLike<number>, n: number): Float32Array {
    return zscore(x, n, this.config.standardization.xMean, this.config.standardization.xStd);
  }

  /** Map z-scored theta rows back to the original units, in place. */
  unstandardizeTheta(theta: Float32Array, n: number, offset = 0): void {
    const { thetaMean: m, thetaStd: s } = this.config.standardization,
      P = this.thetaDim;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < P; j++) {
        const q = offset + i * P + j;
        theta[q] = theta[q] * s[j] + m[j];
      }
  }

  /** Embedding (context) of m raw observations, [m, contextDim]. */
  embed(x: Float32Array, m: number): Float32Array {
    const xs = this.standardizeX(x, m);
    if (!this.embedding) return xs;
    if (!this.embedGraph) {
      const tape = new Tape();
      const xin = Tensor.alloc(this.kernels, EVAL_ROWS, this.xDim, false);
      const c = this.embedding.apply(tape, xin, false);
      tape.finalize();
      this.embedGraph = { tape, x: xin, c };
    }
    const g = this.embedGraph,
      C = this.contextDim,
      out = new Float32Array(m * C);
    for (let s = 0; s < m; s += EVAL_ROWS) {
      const r = Math.min(EVAL_ROWS, m - s);
      g.x.setRows(xs, r, s * this.xDim);
      g.tape.forward(r);
      g.c.getRows(out, r, s * C);
    }
    return out;
  }

  /**
   * log q(theta_i | x_i) in the original units for n pairs. `x` holds either n rows or a single
   * row shared by all pairs.
   */
  logProb(theta: Float32Array, x: Float32Array, n: number): Float64Array {
    const P = this.thetaDim,
      D = this.xDim;
    if (theta.length !== n * P)
      throw new NsbiInputError(`logProb: theta has ${theta.length} values, expected ${n} x ${P}`);
    const shared = x.length === D;
    if (!shared && x.length !== n * D)
      throw new NsbiInputError(`logProb: x has ${x.length} values, expected ${D} or ${n} x ${D}`);
    const g = this.evaluationGraph(),
      k = this.kernels,
      heap = k.heap;
    // Raw rows are staged in the heap and z-scored by a kernel straight into the graph's inputs.
    const mT = g.stats,
      iT = mT + P,
      mX = iT + P,
      iX = mX + D;
    const out = new Float64Array(n),
      jac = this.thetaLogJacobian;
    if (shared) {
      heap.f32.set(x, g.stage);
      k.standardizeRows(g.stage, D, mX, iX, g.x.ptr, g.x.ld, 1, D);
      for (let i = 1; i < EVAL_ROWS; i++) heap.f32.copyWithin(g.x.ptr + i * g.x.ld, g.x.ptr, g.x.ptr + D);
    }
    for (let s = 0; s < n; s += EVAL_ROWS) {
      const r = Math.min(EVAL_ROWS, n - s);
      heap.f32.set(theta.subarray(s * P, (s + r) * P), g.stage);
      k.standardizeRows(g.stage, P, mT, iT, g.theta.ptr, g.theta.ld, r, P);
      if (!shared) {
        heap.f32.set(x.subarray(s * D, (s + r) * D), g.stage);
        k.standardizeRows(g.stage, D, mX, iX, g.x.ptr, g.x.ld, r, D);
      }
      g.tape.forward(r);
      const f = heap.f32;
      for (let i = 0; i < r; i++) out[s + i] = f[g.logProb.ptr + i] + jac;
    }
    return out;
  }

  /** The inference graph for EVAL_ROWS rows, with a staging buffer and the z-scoring statistics in the heap. */
  private evaluationGraph(): NpeGraph & { stage: number; stats: number } {
    if (this.evalGraph) return this.evalGraph;
    const g = this.buildGraph(EVAL_ROWS, { grad: false }),
      heap = this.kernels.heap,
      st = this.config.standardization;
    const stage = heap.alloc(EVAL_ROWS * Math.max(this.thetaDim, this.xDim));
    const stats = heap.alloc(2 * (this.thetaDim + this.xDim));
    heap.f32.set([...st.thetaMean, ...st.thetaStd.map((v) => 1 / v), ...st.xMean, ...st.xStd.map((v) => 1 / v)], stats);
    return (this.evalGraph = { ...g, stage, stats });
  }

  /**
   * Draw n parameter vectors from q(theta | x) for one raw observation x, in the original units,
   * into out[offset ..]; optionally their log q in logProb.
   */
  sample(n: number, x: Float32Array, rng: Rng, out: Float32Array, offset = 0, logProb?: Float64Array): void {
    if (x.length !== this.xDim)
      throw new NsbiInputError(`sample: observation has ${x.length} values, expected ${this.xDim}`);
    const context = this.embed(x, 1);
    this.flow.sample(n, context, rng, out, offset, logProb);
    this.unstandardizeTheta(out, n, offset);
    if (logProb) {
      const jac = this.thetaLogJacobian;
      for (let i = 0; i < n; i++) logProb[i] += jac;
    }
  }
}

function zscore(a: ArrayLike<number>, n: number, mean: number[], std: number[]): Float32Array {
  const d = mean.length,
    out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = (a[i * d + j] - mean[j]) / std[j];
  return out;
}
