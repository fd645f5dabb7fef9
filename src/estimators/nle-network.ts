import { NsbiInputError } from "../errors.js";
import type { ActivationName, Kernels } from "../kernels/kernel-api.js";
import type { Mlp } from "../engine/mlp.js";
import type { ParamStore } from "../engine/params.js";
import type { Rng } from "../engine/rng.js";
import { Tape } from "../engine/tape.js";
import { Tensor } from "../engine/tensor.js";
import type { FlowConfig } from "../flows/flow-config.js";
import { checkNetworkSize, EVALUATION_ROWS } from "./network-limits.js";
import { NpeNetwork, type NpeNetworkConfig, type Standardization } from "./npe-network.js";

/** Everything needed to rebuild an NLE network (config.json "network"); the flow is over x. */
export interface NleNetworkConfig {
  thetaDim: number;
  xDim: number;
  /** MLP embedding of the (z-scored) parameters, trained jointly; sizes include the input (= thetaDim). */
  embedding: { sizes: number[]; activation: ActivationName } | null;
  /** Conditional flow over the z-scored x: features = xDim, contextFeatures = embedding output (or thetaDim). */
  flow: FlowConfig;
  standardization: Standardization;
}

/**
 * The same network with the roles named as NpeNetwork names them: a conditional flow over the
 * "theta" slot with the "x" slot (embedded) as context. NLE puts x in the first slot and θ in the
 * second, so that one implementation serves both estimators. Swapping is its own inverse.
 */
export function nleCoreConfig(c: NleNetworkConfig): NpeNetworkConfig {
  const s = c.standardization;
  return {
    thetaDim: c.xDim,
    xDim: c.thetaDim,
    embedding: c.embedding,
    flow: c.flow,
    standardization: { thetaMean: s.xMean, thetaStd: s.xStd, xMean: s.thetaMean, xStd: s.thetaStd },
  };
}

/** Inverse of nleCoreConfig (the same swap). */
export const nleConfigFromCore: (c: NpeNetworkConfig) => NleNetworkConfig = nleCoreConfig;

/** Row-major values; float64 rows (e.g. an MCMC chain state) are rounded to float32 for the network. */
export type Rows = Float32Array | Float64Array;

/** Flow over x with the context rows as its condition: log q(x' | c) of z-scored x'. */
interface PairGraph {
  tape: Tape;
  x: Tensor;
  context: Tensor;
  logProb: Tensor;
}

/** The embedding of z-scored theta rows (absent without an embedding: the context is theta' itself). */
interface EmbeddingGraph {
  tape: Tape;
  theta: Tensor;
  context: Tensor;
}

/** Per-call heap workspace (released at the end of the call). */
interface Workspace {
  /** z-scored x rows, dense [rows, xDim]. */
  x: number;
  /** Context rows, dense [rows, contextDim]. */
  context: number;
  /** Int32 row indices of one chunk into x and context. */
  xIndex: number;
  contextIndex: number;
}

/**
 * The neural likelihood estimator's network (Papamakarios, Sterratt & Murray 2019,
 * arXiv:1805.07226): a conditional flow q(x | θ) over the z-scored data with the z-scored
 * parameters — optionally through a jointly trained MLP embedding — as its context. Values are
 * in the original units of x (the z-scoring Jacobian −Σ log σ_x is included).
 *
 * Evaluation is batched over pairs in chunks of EVALUATION_ROWS: the context of each θ row is
 * computed once and gathered into the rows that need it, so N iid observations × M parameter
 * rows cost one flow pass over N·M rows plus M embeddings. Gradients with respect to θ flow
 * back through the context path of the flow (every MADE's context layer) and the embedding.
 */
export class NleNetwork {
  /** The conditional-flow network with the roles swapped (see nleCoreConfig); it owns the weights. */
  readonly core: NpeNetwork;
  private readonly pairGraphs: [PairGraph | null, PairGraph | null] = [null, null];
  private readonly embeddingGraphs: [EmbeddingGraph | null, EmbeddingGraph | null] = [null, null];
  /** Heap: xMean, 1/xStd, thetaMean, 1/thetaStd; then an identity row index for copies. */
  private statsPtr = 0;
  private iotaPtr = 0;

  constructor(
    readonly config: NleNetworkConfig,
    kernels: Kernels,
    core?: NpeNetwork,
  ) {
    checkNleConfig(config);
    checkNetworkSize(config, EVALUATION_ROWS, "evaluation");
    this.core = core ?? new NpeNetwork(nleCoreConfig(config), kernels);
  }

  /** Wrap a conditional-flow network trained on (x, θ) pairs (NLE's training runs NPE's with the roles swapped). */
  static fromCore(core: NpeNetwork): NleNetwork {
    return new NleNetwork(nleConfigFromCore(core.config), core.kernels, core);
  }

  /** Initialise all weights (call once, before training or loading). */
  initialize(rng: Rng): void {
    this.core.initialize(rng);
  }

  get kernels(): Kernels {
    return this.core.kernels;
  }
  get store(): ParamStore {
    return this.core.store;
  }
  get embedding(): Mlp | null {
    return this.core.embedding;
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

  /** log |dx'/dx| = −Σ log σ_x, added to the z-scored log-density. */
  get xLogJacobian(): number {
    return this.core.thetaLogJacobian;
  }

  /**
   * log q(x_i | θ_i) for n pairs, in the original units of x. `x` holds n rows or one row shared
   * by all pairs; so does `theta`.
   */
  logLikelihood(x: Rows, theta: Rows, n: number): Float64Array {
    if (!Number.isInteger(n) || n < 1)
      throw new NsbiInputError(`logLikelihood: n must be a positive integer, got ${n}`);
    const nx = this.rowsOf(x, this.xDim, n, "logLikelihood: x"),
      nt = this.rowsOf(theta, this.thetaDim, n, "logLikelihood: theta");
    const out = new Float64Array(n);
    this.evaluate({
      x,
      nx,
      theta,
      nt,
      rows: n,
      xRow: nx === 1 ? () => 0 : (r) => r,
      contextRow: nt === 1 ? () => 0 : (r) => r,
      logProb: (r, v) => {
        out[r] = v;
      },
    });
    return out;
  }

  /**
   * Σ_i log q(x_i | θ_m) over N iid observations xs [N, xDim] for each of M parameter rows
   * thetas [M, thetaDim], into out[0 .. M). The pairs are evaluated θ-major (row m·N + i).
   */
  logLikelihoodIid(xs: Rows, N: number, thetas: Rows, M: number, out: Float64Array): void {
    this.checkIid(xs, N, thetas, M, out, "logLikelihoodIid");
    this.sumIid(xs, N, thetas, M, out);
  }

  /**
   * Σ_i log q(x_i | θ_m) (into outLogLikelihood [M]) and its gradient with respect to θ_m in the
   * original units (into outGradient [M, thetaDim]), by reverse mode through the flow's context
   * path and the embedding. The log-likelihoods equal logLikelihoodIid's.
   */
  gradientIid(
    xs: Rows,
    N: number,
    thetas: Rows,
    M: number,
    outLogLikelihood: Float64Array,
    outGradient: Float64Array,
  ): void {
    this.checkIid(xs, N, thetas, M, outLogLikelihood, "gradientIid");
    const P = this.thetaDim,
      C = this.contextDim;
    if (outGradient.length < M * P)
      throw new NsbiInputError(`gradientIid: outGradient has ${outGradient.length} values, expected ${M} x ${P}`);
    const contextGrad = new Float64Array(M * C);
    this.sumIid(xs, N, thetas, M, outLogLikelihood, (r, grad, ptr) => {
      const o = Math.floor(r / N) * C;
      for (let j = 0; j < C; j++) contextGrad[o + j] += grad[ptr + j];
    });
    this.contextToThetaGradient(thetas, M, contextGrad, outGradient);
  }

  /** Draw n data rows from q(x | θ) for one parameter vector θ (the emulator), into out[offset ..]. */
  simulate(n: number, theta: Rows, rng: Rng, out: Float32Array, offset = 0): void {
    if (theta.length !== this.thetaDim)
      throw new NsbiInputError(`simulate: theta has ${theta.length} values, expected ${this.thetaDim}`);
    if (out.length < offset + n * this.xDim)
      throw new NsbiInputError(`simulate: out has room for fewer than ${n} rows of ${this.xDim}`);
    this.core.sample(n, Float32Array.from(theta), rng, out, offset);
  }

  /** The iid sums θ-major (row m·N + i), optionally with each row's context gradient. */
  private sumIid(
    xs: Rows,
    N: number,
    thetas: Rows,
    M: number,
    out: Float64Array,
    contextGradient?: (r: number, grad: Float32Array, ptr: number) => void,
  ): void {
    out.fill(0, 0, M);
    this.evaluate({
      x: xs,
      nx: N,
      theta: thetas,
      nt: M,
      rows: N * M,
      xRow: (r) => r % N,
      contextRow: (r) => Math.floor(r / N),
      logProb: (r, v) => {
        out[Math.floor(r / N)] += v;
      },
      ...(contextGradient ? { contextGradient } : {}),
    });
  }

  private rowsOf(a: Rows, dim: number, n: number, what: string): number {
    if (a.length === dim) return 1;
    if (a.length === n * dim) return n;
    throw new NsbiInputError(`${what} has ${a.length} values, expected ${dim} or ${n} x ${dim}`);
  }

  private checkIid(xs: Rows, N: number, thetas: Rows, M: number, out: Float64Array, what: string): void {
    for (const [name, v] of [
      ["N", N],
      ["M", M],
    ] as const)
      if (!Number.isInteger(v) || v < 1)
        throw new NsbiInputError(`${what}: ${name} must be a positive integer, got ${v}`);
    if (xs.length !== N * this.xDim)
      throw new NsbiInputError(`${what}: xs has ${xs.length} values, expected ${N} x ${this.xDim}`);
    if (thetas.length !== M * this.thetaDim)
      throw new NsbiInputError(`${what}: thetas has ${thetas.length} values, expected ${M} x ${this.thetaDim}`);
    if (out.length < M) throw new NsbiInputError(`${what}: out has ${out.length} values, expected at least ${M}`);
  }

  /**
   * The one evaluation loop: z-score x and θ into the heap, embed every θ row once, then run the
   * flow over `rows` pairs (xRow(r), contextRow(r)) in chunks, handing each row's log q (original
   * units) to `logProb` and, with `contextGradient`, d log q / d context of the row.
   */
  private evaluate(a: {
    x: Rows;
    nx: number;
    theta: Rows;
    nt: number;
    rows: number;
    xRow: (r: number) => number;
    contextRow: (r: number) => number;
    logProb: (r: number, value: number) => void;
    contextGradient?: (r: number, grad: Float32Array, ptr: number) => void;
  }): void {
    const withGrad = a.contextGradient !== undefined;
    const g = this.pairGraph(withGrad),
      k = this.kernels,
      heap = k.heap,
      D = this.xDim,
      C = this.contextDim,
      jac = this.xLogJacobian,
      E = EVALUATION_ROWS;
    this.embeddingGraph(false); // graphs and constants are allocated before the scoped workspace
    const mark = heap.mark();
    try {
      const ws: Workspace = {
        x: heap.alloc(a.nx * D),
        context: heap.alloc(a.nt * C),
        xIndex: heap.allocI32(E),
        contextIndex: heap.allocI32(E),
      };
      const stage = heap.alloc(Math.max(a.nx * D, a.nt * this.thetaDim));
      heap.f32.set(a.x, stage);
      k.standardizeRows(stage, D, this.statsPtr, this.statsPtr + D, ws.x, D, a.nx, D);
      this.contexts(a.theta, a.nt, stage, ws.context);
      for (let s = 0; s < a.rows; s += E) {
        const R = Math.min(E, a.rows - s),
          i32 = heap.i32;
        for (let j = 0; j < R; j++) {
          i32[ws.xIndex + j] = a.xRow(s + j);
          i32[ws.contextIndex + j] = a.contextRow(s + j);
        }
        k.gatherRows(ws.x, D, ws.xIndex, g.x.ptr, g.x.ld, R, D);
        k.gatherRows(ws.context, C, ws.contextIndex, g.context.ptr, g.context.ld, R, C);
        g.tape.forward(R);
        let f = heap.f32;
        for (let j = 0; j < R; j++) a.logProb(s + j, f[g.logProb.ptr + j] + jac);
        if (a.contextGradient) {
          f.fill(1, g.logProb.grad, g.logProb.grad + R);
          g.tape.backward(R);
          f = heap.f32;
          for (let j = 0; j < R; j++) a.contextGradient(s + j, f, g.context.grad + j * g.context.ld);
        }
      }
    } finally {
      heap.release(mark);
    }
  }

  /** Contexts of nt raw θ rows (staged at `stage` in the heap) into dense [nt, contextDim] at `dst`. */
  private contexts(theta: Rows, nt: number, stage: number, dst: number): void {
    const k = this.kernels,
      P = this.thetaDim,
      C = this.contextDim;
    k.heap.f32.set(theta, stage);
    const eg = this.embeddingGraph(false);
    if (!eg) k.standardizeRows(stage, P, this.thetaStats, this.thetaStats + P, dst, P, nt, P);
    else
      this.embedChunks(eg, stage, nt, (s, R) =>
        k.gatherRows(eg.context.ptr, eg.context.ld, this.iotaPtr, dst + s * C, C, R, C),
      );
  }

  /** d/dθ (original units) from d/d context: through the embedding's backward, then the z-scoring. */
  private contextToThetaGradient(theta: Rows, M: number, contextGrad: Float64Array, out: Float64Array): void {
    const P = this.thetaDim,
      C = this.contextDim,
      std = this.config.standardization.thetaStd;
    const eg = this.embeddingGraph(true);
    if (!eg) {
      for (let m = 0; m < M; m++) for (let j = 0; j < P; j++) out[m * P + j] = contextGrad[m * P + j] / std[j];
      return;
    }
    const heap = this.kernels.heap,
      mark = heap.mark();
    try {
      const stage = heap.alloc(M * P);
      heap.f32.set(theta, stage);
      this.embedChunks(eg, stage, M, (s, R) => {
        let f = heap.f32;
        for (let i = 0; i < R; i++)
          for (let j = 0; j < C; j++) f[eg.context.grad + i * eg.context.ld + j] = contextGrad[(s + i) * C + j];
        eg.tape.backward(R);
        f = heap.f32;
        for (let i = 0; i < R; i++)
          for (let j = 0; j < P; j++) out[(s + i) * P + j] = f[eg.theta.grad + i * eg.theta.ld + j] / std[j];
      });
    } finally {
      heap.release(mark);
    }
  }

  /** Embed n raw θ rows staged at `stage` chunk by chunk; `chunk(s, R)` runs after each forward pass. */
  private embedChunks(eg: EmbeddingGraph, stage: number, n: number, chunk: (s: number, R: number) => void): void {
    const k = this.kernels,
      P = this.thetaDim;
    for (let s = 0; s < n; s += EVALUATION_ROWS) {
      const R = Math.min(EVALUATION_ROWS, n - s);
      k.standardizeRows(stage + s * P, P, this.thetaStats, this.thetaStats + P, eg.theta.ptr, eg.theta.ld, R, P);
      eg.tape.forward(R);
      chunk(s, R);
    }
  }

  /** Heap offset of θ's mean, followed by 1/σ_θ. */
  private get thetaStats(): number {
    return this.statsPtr + 2 * this.xDim;
  }

  /** The flow over EVALUATION_ROWS pairs; `withGrad` also records the backward to the context. */
  private pairGraph(withGrad: boolean): PairGraph {
    const i = withGrad ? 1 : 0,
      have = this.pairGraphs[i];
    if (have) return have;
    this.constants();
    const k = this.kernels,
      tape = new Tape();
    const x = Tensor.alloc(k, EVALUATION_ROWS, this.xDim, false);
    const context = Tensor.alloc(k, EVALUATION_ROWS, this.contextDim, withGrad);
    const logProb = this.core.flow.logProb(tape, x, context, withGrad);
    tape.inputGradientsOnly = true;
    tape.finalize();
    return (this.pairGraphs[i] = { tape, x, context, logProb });
  }

  /** The embedding of EVALUATION_ROWS z-scored θ rows, or null without an embedding. */
  private embeddingGraph(withGrad: boolean): EmbeddingGraph | null {
    const emb = this.embedding;
    if (!emb) return null;
    const i = withGrad ? 1 : 0,
      have = this.embeddingGraphs[i];
    if (have) return have;
    const tape = new Tape();
    const theta = Tensor.alloc(this.kernels, EVALUATION_ROWS, this.thetaDim, withGrad);
    const context = emb.apply(tape, theta, withGrad);
    tape.inputGradientsOnly = true;
    tape.finalize();
    return (this.embeddingGraphs[i] = { tape, theta, context });
  }

  /** The z-scoring statistics and an identity index in the heap (once). */
  private constants(): void {
    if (this.statsPtr) return;
    const heap = this.kernels.heap,
      st = this.config.standardization;
    const values = [...st.xMean, ...st.xStd.map((v) => 1 / v), ...st.thetaMean, ...st.thetaStd.map((v) => 1 / v)];
    const stats = heap.alloc(values.length),
      iota = heap.allocI32(EVALUATION_ROWS);
    heap.f32.set(values, stats);
    for (let i = 0; i < EVALUATION_ROWS; i++) heap.i32[iota + i] = i;
    this.statsPtr = stats;
    this.iotaPtr = iota;
  }
}

/** The config's dimensions and z-scoring, checked in NLE's terms before the network is built. */
function checkNleConfig(c: NleNetworkConfig): void {
  const context = c.embedding ? c.embedding.sizes[c.embedding.sizes.length - 1] : c.thetaDim;
  if (c.embedding && c.embedding.sizes[0] !== c.thetaDim)
    throw new NsbiInputError(`embedding: input size ${c.embedding.sizes[0]} != parameter dimension ${c.thetaDim}`);
  if (c.flow.features !== c.xDim) throw new NsbiInputError(`flow: features ${c.flow.features} != xDim ${c.xDim}`);
  if (c.flow.contextFeatures !== context)
    throw new NsbiInputError(`flow: contextFeatures ${c.flow.contextFeatures} != ${context} (the condition on θ)`);
  const s = c.standardization;
  const arrays: [string, number[], number][] = [
    ["thetaMean", s.thetaMean, c.thetaDim],
    ["thetaStd", s.thetaStd, c.thetaDim],
    ["xMean", s.xMean, c.xDim],
    ["xStd", s.xStd, c.xDim],
  ];
  for (const [name, v, len] of arrays) {
    const positive = name.endsWith("Std");
    if (v.length !== len || v.some((e) => !Number.isFinite(e) || (positive && e <= 0)))
      throw new NsbiInputError(`standardization.${name}: expected ${len} finite${positive ? " positive" : ""} numbers`);
  }
}
