import { Act, type Kernels } from "../kernels/kernel-api.js";
import { applyActivation, isElementwiseActivation, LEAKY_RELU_NEGATIVE_SLOPE } from "../engine/activations.js";
import { gemm } from "../engine/gemm.js";
import type { Linear } from "../engine/linear.js";
import { pad4 } from "../engine/tensor.js";
import type { Made } from "./made.js";
import { gatherColumns } from "./permutation.js";
import type { UnivariateTransform } from "./univariate/univariate-transform.js";

/** Buffers for sampling `rows` rows at a time (shared by the transforms of a flow). */
export interface InverseWorkspace {
  rows: number;
  hidden: number[];
  ldh: number;
  params: number;
  ldp: number;
  /** Permuted input rows (leading dimension ldy), for univariate maps without inverseFromHidden. */
  permuted: number;
  ldy: number;
}

/** Workspace for `rows` rows of sampling through MADEs of `hiddenLayers` × `hiddenFeatures` and D·P outputs. */
export function allocInverseWorkspace(
  k: Kernels,
  rows: number,
  features: number,
  hiddenLayers: number,
  hiddenFeatures: number,
  outputs: number,
): InverseWorkspace {
  const ldh = pad4(hiddenFeatures),
    ldp = pad4(outputs),
    ldy = pad4(features);
  const hidden = Array.from({ length: hiddenLayers }, () => k.heap.alloc(rows * ldh));
  return { rows, hidden, ldh, params: k.heap.alloc(rows * ldp), ldp, permuted: k.heap.alloc(rows * ldy), ldy };
}

function activate(act: number, v: number): number {
  if (act === Act.relu) return v > 0 ? v : 0;
  if (act === Act.tanh) return Math.tanh(v);
  if (act === Act.elu) return v > 0 ? v : Math.expm1(v);
  if (act === Act.leaky_relu) return v > 0 ? v : LEAKY_RELU_NEGATIVE_SLOPE * v;
  return v;
}

/**
 * The sampling direction x = f^{-1}(y | context) of one masked autoregressive transform, for many
 * rows sharing one context (Papamakarios et al. 2017, §3; the usual implementation runs the whole
 * conditioner once per feature).
 *
 * Two things make it cost less than one conditioner evaluation:
 * - Incremental passes: hidden units are sorted by degree, and pass p computes only the units of
 *   degree p, which depend only on features already final (the kRange of each layer skips the
 *   masked-out rows), then the outputs of the features of degree p + 1.
 * - Folded constants: with one context, the degree-0 units see only the context, so they are the
 *   same for every row. `prepare` evaluates them once and folds their contribution into the next
 *   layer's bias (and the context into the first layer's); passes then skip the degree-0 rows.
 * And for univariate maps with `inverseFromHidden` (affine), a feature's parameters are dot
 * products with the transposed output weights, fused with the map's inverse in one kernel; the
 * permutation between transforms is applied as the input columns are read.
 */
export class AutoregressiveInverse {
  private readonly layers: Linear[];
  /** Leading number of degree-0 (context-only) hidden units in every layer. */
  private readonly nConst: number;
  /** Per pass p: hidden columns [c0, c1) (4-aligned), features [d0, d1), output columns [o0, o1). */
  private readonly cols: Int32Array;
  private readonly features: Int32Array;
  private readonly outCols: Int32Array;
  /** Per feature d: its output's dot products run over hidden units [kStart, dimKEnd[d]). */
  private readonly kStart: number;
  private readonly dimKEnd: Int32Array;
  /** Row ranges of layers 1.. and of the output layer with the folded rows removed. */
  private readonly ranges: number[];
  private readonly outRanges: number;
  // Per-context values written by prepare(): layer biases (ldh apart), output bias, output weights transposed.
  private readonly biases: number;
  private readonly outBias: number;
  private readonly outT: number;
  private readonly ldh: number;
  private readonly outputs: number;

  constructor(
    readonly kernels: Kernels,
    readonly made: Made,
    readonly univariate: UnivariateTransform,
    readonly passes: number,
  ) {
    const heap = kernels.heap,
      deg = made.hiddenDegrees,
      P = univariate.paramsPerDim,
      D = made.opts.features;
    const H = deg.length,
      ldh = pad4(H),
      ldp = pad4(D * P);
    this.layers = [made.inputLayer, ...made.hiddenStack];
    this.ldh = ldh;
    this.outputs = D * P;
    let n0 = 0;
    while (n0 < H && deg[n0] === 0) n0++;
    this.nConst = n0;
    this.cols = new Int32Array(2 * passes);
    this.features = new Int32Array(2 * passes);
    this.outCols = new Int32Array(2 * passes);
    for (let p = 0; p < passes; p++) {
      const [hs, he] = made.hiddenRange(p);
      // degree-0 units are folded constants (p = 0): nothing to compute per row
      if (he > hs && p > 0) {
        this.cols[2 * p] = hs & ~3;
        this.cols[2 * p + 1] = Math.min(pad4(he), ldh);
      }
      const [ds, de] = made.featureRange(p + 1);
      this.features[2 * p] = ds;
      this.features[2 * p + 1] = de;
      this.outCols[2 * p] = (ds * P) & ~3;
      this.outCols[2 * p + 1] = Math.min(pad4(de * P), ldp);
    }
    // feature d's parameters depend on the units of degree < its own (a prefix, degrees being sorted)
    this.kStart = n0 & ~3;
    this.dimKEnd = new Int32Array(D);
    for (let d = 0; d < D; d++) {
      let e = 0;
      while (e < H && deg[e] < made.inputDegrees[d]) e++;
      this.dimKEnd[d] = e > n0 ? pad4(e) : this.kStart;
    }
    const fold = (L: Linear) => {
      const groups = pad4(L.outFeatures) >> 2,
        r = heap.allocI32(2 * groups),
        i32 = heap.i32;
      for (let g = 0; g < groups; g++) {
        const s = L.kRange ? i32[L.kRange + 2 * g] : 0,
          e = L.kRange ? i32[L.kRange + 2 * g + 1] : L.inFeatures;
        const s2 = Math.max(s, n0);
        i32[r + 2 * g] = s2;
        i32[r + 2 * g + 1] = Math.max(e, s2);
      }
      return r;
    };
    this.ranges = this.layers.map((L, l) => (l === 0 ? L.kRange : fold(L)));
    this.outRanges = fold(made.outputLayer);
    this.biases = heap.alloc(this.layers.length * ldh);
    this.outBias = heap.alloc(ldp);
    // rows beyond the hidden size stay zero, so dot products may run to a multiple of 4
    this.outT = univariate.inverseFromHidden ? heap.alloc(ldp * ldh) : 0;
  }

  /**
   * Evaluate the context-only part for one context (read again at every call: the weights may have
   * changed): layer biases with the context and the degree-0 units folded in, the output bias, and
   * the output weights transposed (degree-0 rows zeroed) for inverseFromHidden.
   */
  prepare(context: Float32Array | null): void {
    const f = this.kernels.heap.f32,
      made = this.made,
      C = made.contextLayer,
      ldh = this.ldh,
      n0 = this.nConst;
    const H = made.hiddenDegrees.length,
      consts = new Float64Array(n0),
      next = new Float64Array(n0);
    this.layers.forEach((L, l) => {
      const b = this.biases + l * ldh;
      for (let h = 0; h < H; h++) {
        let s = L.b ? f[L.b.ptr + h] : 0;
        if (l === 0 && C && context) {
          s += C.b ? f[C.b.ptr + h] : 0;
          for (let c = 0; c < context.length; c++) s += context[c] * f[C.W.ptr + c * C.W.ld + h];
        }
        if (l > 0) for (let j = 0; j < n0; j++) s += consts[j] * f[L.W.ptr + j * L.W.ld + h];
        f[b + h] = s;
        if (h < n0) next[h] = activate(L.act, s);
      }
      consts.set(next);
    });
    const out = made.outputLayer,
      O = this.outputs;
    for (let o = 0; o < O; o++) {
      let s = out.b ? f[out.b.ptr + o] : 0;
      for (let j = 0; j < n0; j++) s += consts[j] * f[out.W.ptr + j * out.W.ld + o];
      f[this.outBias + o] = s;
    }
    if (this.outT) {
      this.kernels.transpose(out.W.ptr, out.W.ld, out.W.rows, out.W.cols, this.outT, ldh);
      for (let o = 0; o < O; o++) f.fill(0, this.outT + o * ldh, this.outT + o * ldh + n0);
    }
  }

  /**
   * X = f^{-1}(Y') for n rows with the context of the last prepare(), where Y' = Y, or the columns
   * of Y permuted, Y'[:, d] = Y[:, yCols[d]] (the permutation between two transforms, applied on
   * the fly by the fused univariate step). When L != 0, L[i] += log|det J| evaluated at the
   * result. X's padding columns are clobbered.
   */
  inverse(
    ws: InverseWorkspace,
    Y: number,
    ldy: number,
    X: number,
    ldx: number,
    n: number,
    L: number,
    yCols: Int32Array | null = null,
  ): void {
    const k = this.kernels,
      layers = this.layers,
      ldh = ws.ldh,
      U = this.univariate;
    const fused = U.inverseFromHidden !== undefined && this.outT !== 0;
    if (yCols && !fused) {
      gatherColumns(k, Y, ldy, ws.permuted, ws.ldy, n, yCols);
      Y = ws.permuted;
      ldy = ws.ldy;
      yCols = null;
    }
    // features not yet computed must be finite: the first passes multiply them by masked-out zeros
    k.heap.f32.fill(0, X, X + (n - 1) * ldx + this.made.opts.features);
    const Hlast = ws.hidden[layers.length - 1];
    for (let p = 0; p < this.passes; p++) {
      const c0 = this.cols[2 * p],
        c1 = this.cols[2 * p + 1];
      for (let l = 0; c1 > c0 && l < layers.length; l++) {
        const layer = layers[l],
          input = l === 0 ? X : ws.hidden[l - 1],
          ldin = l === 0 ? ldx : ldh;
        // hidden columns [c0, c1) of layer l
        gemm(k, {
          x: { ptr: input, ld: ldin },
          w: { ptr: layer.W.ptr + c0, ld: layer.W.ld },
          y: { ptr: ws.hidden[l] + c0, ld: ldh },
          rows: n,
          inner: layer.inFeatures,
          cols: c1 - c0,
          bias: this.biases + l * ldh + c0,
          relu: layer.act === Act.relu,
          kRange: this.ranges[l] ? this.ranges[l] + (c0 >> 1) : 0,
        });
        if (isElementwiseActivation(layer.act)) applyActivation(k.heap, layer.act, ws.hidden[l] + c0, ldh, n, c1 - c0);
      }
      const ds = this.features[2 * p],
        de = this.features[2 * p + 1];
      if (de === ds) continue;
      if (fused) {
        const P = U.paramsPerDim,
          ks = this.kStart;
        for (let d = ds; d < de; d++) {
          U.inverseFromHidden!(
            k,
            Hlast + ks,
            ldh,
            this.outT + d * P * ldh + ks,
            ldh,
            this.outBias + d * P,
            Y + (yCols ? yCols[d] : d),
            ldy,
            X + d,
            ldx,
            L,
            n,
            this.dimKEnd[d] - ks,
          );
        }
        continue;
      }
      const out = this.made.outputLayer,
        o0 = this.outCols[2 * p],
        o1 = this.outCols[2 * p + 1];
      gemm(k, {
        x: { ptr: Hlast, ld: ldh },
        w: { ptr: out.W.ptr + o0, ld: out.W.ld },
        y: { ptr: ws.params + o0, ld: ws.ldp },
        rows: n,
        inner: out.inFeatures,
        cols: o1 - o0,
        bias: this.outBias + o0,
        kRange: this.outRanges + (o0 >> 1),
      });
      U.inverse(k, Y, ldy, ws.params, ws.ldp, X, ldx, L, n, ds, de);
    }
  }
}
