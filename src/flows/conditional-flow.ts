import type { Kernels } from "../kernels/kernel-api.js";
import type { ParamStore } from "../engine/params.js";
import type { Rng } from "../engine/rng.js";
import type { Tape } from "../engine/tape.js";
import { pad4, type Tensor } from "../engine/tensor.js";
import { AutoregressiveTransform } from "./autoregressive.js";
import { allocInverseWorkspace, type InverseWorkspace } from "./autoregressive-inverse.js";
import type { FlowConfig } from "./flow-config.js";
import { applyPermutation, inversePermutation, validatePermutation } from "./permutation.js";
import { sampleStandardNormal, standardNormalLogProb, zeroLogDet } from "./standard-normal.js";
import { univariateFromConfig } from "./univariate/univariate-from-config.js";

/** Rows sampled per chunk: keeps the conditioner's hidden activations in L2 cache. */
const SAMPLE_CHUNK = 1024;

interface SampleWorkspace {
  a: number;
  b: number;
  ld: number;
  inverse: InverseWorkspace;
  inverseColumns: Int32Array[];
}

/**
 * A conditional normalizing flow q(x | c): a stack of autoregressive transforms with
 * permutations between them and a standard-normal base. Density direction x → z.
 * `logProb` records the density on a tape (training, batched evaluation); `sample` draws rows
 * for one context vector with the incremental inverse.
 */
export class ConditionalFlow {
  readonly transforms: AutoregressiveTransform[];
  readonly permutations: Int32Array[];
  private ws: SampleWorkspace | null = null;

  constructor(
    readonly kernels: Kernels,
    store: ParamStore,
    readonly config: FlowConfig,
    name = "flow",
  ) {
    const c = config;
    this.permutations = c.permutations.map((p, i) => validatePermutation(p, c.features, `flow.permutations[${i}]`));
    this.transforms = [];
    for (let t = 0; t < c.transforms; t++) {
      this.transforms.push(
        new AutoregressiveTransform(kernels, store, {
          name: `${name}.${t}`,
          features: c.features,
          contextFeatures: c.contextFeatures,
          hiddenFeatures: c.hiddenFeatures,
          hiddenLayers: c.hiddenLayers,
          activation: c.activation,
          passes: c.passes,
          univariate: univariateFromConfig(c.univariate),
        }),
      );
    }
  }

  get features(): number {
    return this.config.features;
  }

  /** Record log q(x | context) per row on the tape. */
  logProb(tape: Tape, x: Tensor, context: Tensor | null, grad: boolean): Tensor {
    const k = this.kernels;
    const L = zeroLogDet(tape, k, x.rows, grad);
    let z = x;
    this.transforms.forEach((t, i) => {
      z = t.apply(tape, z, context, L, grad);
      if (i < this.permutations.length) z = applyPermutation(tape, k, z, this.permutations[i], grad);
    });
    return standardNormalLogProb(tape, k, z, L, grad);
  }

  /**
   * Draw n rows from q(· | context) into out[offset ..] (row stride = features).
   * `logProb` (optional, length >= n) receives log q of each draw, computed on the way.
   */
  sample(
    n: number,
    context: Float32Array | null,
    rng: Rng,
    out: Float32Array,
    offset = 0,
    logProb?: Float64Array,
  ): void {
    const k = this.kernels,
      D = this.features;
    const ws = this.workspace();
    const f = () => k.heap.f32;
    for (const t of this.transforms) t.sampler().prepare(context);
    const mark = k.heap.mark();
    const L = logProb ? k.heap.alloc(SAMPLE_CHUNK) : 0;
    const halfLog2Pi = 0.5 * Math.log(2 * Math.PI);
    for (let done = 0; done < n; done += SAMPLE_CHUNK) {
      const m = Math.min(SAMPLE_CHUNK, n - done);
      sampleStandardNormal(k, ws.a, ws.ld, m, D, rng);
      if (L) {
        // log q(x) = log N(z) + sum_t log|det J_t(x_t)|, the forward log-dets accumulated by the inverses
        for (let i = 0; i < m; i++) {
          let s = 0;
          for (let j = 0; j < D; j++) {
            const v = f()[ws.a + i * ws.ld + j];
            s += v * v;
          }
          f()[L + i] = 0;
          logProb![done + i] = -0.5 * s - D * halfLog2Pi;
        }
      }
      let y = ws.a,
        x = ws.b;
      for (let t = this.transforms.length - 1; t >= 0; t--) {
        // the permutation after transform t is undone as transform t's inverse reads its input
        const cols = t < this.permutations.length ? ws.inverseColumns[t] : null;
        this.transforms[t].sampler().inverse(ws.inverse, y, ws.ld, x, ws.ld, m, L, cols);
        [y, x] = [x, y];
      }
      const h = f();
      if (ws.ld === D) out.set(h.subarray(y, y + m * D), offset + done * D);
      else for (let i = 0; i < m; i++) out.set(h.subarray(y + i * ws.ld, y + i * ws.ld + D), offset + (done + i) * D);
      if (L) for (let i = 0; i < m; i++) logProb![done + i] += h[L + i];
    }
    k.heap.release(mark);
  }

  private workspace(): SampleWorkspace {
    if (this.ws) return this.ws;
    const k = this.kernels,
      c = this.config,
      ld = pad4(this.features);
    for (const t of this.transforms) t.sampler(); // their per-context buffers, outside sample()'s scoped heap
    this.ws = {
      a: k.heap.alloc(SAMPLE_CHUNK * ld),
      b: k.heap.alloc(SAMPLE_CHUNK * ld),
      ld,
      inverse: allocInverseWorkspace(
        k,
        SAMPLE_CHUNK,
        c.features,
        c.hiddenLayers,
        c.hiddenFeatures,
        c.features * this.transforms[0].univariate.paramsPerDim,
      ),
      inverseColumns: this.permutations.map(inversePermutation),
    };
    return this.ws;
  }
}
