import { NsbiFormatError, NsbiInternalError } from "../errors.js";
import type { Kernels } from "../kernels/kernel-api.js";
import type { Rng } from "./rng.js";
import { pad4 } from "./tensor.js";

/** Declares one parameter tensor before the store allocates memory. */
export interface ParamSpec {
  /** Unique, PyTorch-style name, e.g. "embedding.0.weight". */
  name: string;
  kind: "weight" | "bias";
  /** Input features (weights); 1 for biases. */
  inFeatures: number;
  /** Output features. */
  outFeatures: number;
  /** Optional 0/1 connectivity mask, dense [inFeatures, outFeatures] (input-major). */
  mask?: Uint8Array;
  /** Fills a dense input-major [inFeatures, outFeatures] array with initial values. */
  init: (values: Float64Array, rng: Rng) => void;
}

/**
 * One parameter tensor, stored input-major [inFeatures, ld] with ld = pad4(outFeatures) so the
 * kernels vectorise over outputs. Exported in PyTorch's layout ([out, in] for weights).
 */
export class Param {
  ptr = 0;
  grad = 0;
  maskPtr = 0;
  readonly ld: number;
  constructor(readonly spec: ParamSpec) {
    this.ld = pad4(spec.outFeatures);
  }
  get name(): string {
    return this.spec.name;
  }
  get rows(): number {
    return this.spec.inFeatures;
  }
  get cols(): number {
    return this.spec.outFeatures;
  }
  get size(): number {
    return this.rows * this.ld;
  }
  /** PyTorch shape: [out, in] for weights, [out] for biases. */
  get torchShape(): number[] {
    return this.spec.kind === "weight" ? [this.cols, this.rows] : [this.cols];
  }
}

/** A named tensor in PyTorch layout (for safetensors). */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * All parameters of a model in one contiguous region of the heap (values, gradients), so that
 * the optimizer, clipping and snapshots are single kernel calls over flat memory.
 */
export class ParamStore {
  readonly params: Param[] = [];
  private finalized = false;
  valuesPtr = 0;
  gradsPtr = 0;
  /** Total f32 slots including padding. */
  total = 0;

  constructor(readonly kernels: Kernels) {}

  add(spec: ParamSpec): Param {
    if (this.finalized) throw new NsbiInternalError(`ParamStore: '${spec.name}' added after finalize()`);
    if (this.params.some((p) => p.name === spec.name))
      throw new NsbiInternalError(`ParamStore: duplicate '${spec.name}'`);
    const p = new Param(spec);
    this.params.push(p);
    return p;
  }

  get isFinalized(): boolean {
    return this.finalized;
  }

  /**
   * Allocate memory and initialise every parameter (in declaration order) from `rng`; with null,
   * values stay unset (the caller loads them, e.g. from a saved model).
   */
  finalize(rng: Rng | null): void {
    if (this.finalized) return;
    this.total = this.params.reduce((s, p) => s + p.size, 0);
    const heap = this.kernels.heap;
    this.valuesPtr = heap.alloc(this.total);
    this.gradsPtr = heap.alloc(this.total);
    let off = 0;
    for (const p of this.params) {
      p.ptr = this.valuesPtr + off;
      p.grad = this.gradsPtr + off;
      off += p.size;
      if (p.spec.mask) {
        p.maskPtr = heap.alloc(p.size);
        const f = heap.f32;
        for (let r = 0; r < p.rows; r++)
          for (let c = 0; c < p.cols; c++) f[p.maskPtr + r * p.ld + c] = p.spec.mask[r * p.cols + c];
      }
    }
    this.finalized = true;
    if (rng)
      for (const p of this.params) {
        const v = new Float64Array(p.rows * p.cols);
        p.spec.init(v, rng);
        this.setDense(p, v);
      }
  }

  /** Number of trainable scalars (excluding padding and masked-out weights). */
  get count(): number {
    let n = 0;
    for (const p of this.params) n += p.spec.mask ? p.spec.mask.reduce((s, m) => s + m, 0) : p.rows * p.cols;
    return n;
  }

  /** Write a dense input-major [rows, cols] array into a parameter (masked entries forced to 0). */
  setDense(p: Param, v: ArrayLike<number>): void {
    const f = this.kernels.heap.f32;
    const mask = p.spec.mask;
    for (let r = 0; r < p.rows; r++) {
      for (let c = 0; c < p.cols; c++) {
        const i = r * p.cols + c;
        f[p.ptr + r * p.ld + c] = mask && !mask[i] ? 0 : v[i];
      }
    }
  }

  /** Read a parameter as a dense input-major [rows, cols] array. */
  getDense(p: Param): Float32Array {
    const f = this.kernels.heap.f32;
    const out = new Float32Array(p.rows * p.cols);
    for (let r = 0; r < p.rows; r++) for (let c = 0; c < p.cols; c++) out[r * p.cols + c] = f[p.ptr + r * p.ld + c];
    return out;
  }

  zeroGrad(): void {
    this.kernels.heap.f32.fill(0, this.gradsPtr, this.gradsPtr + this.total);
  }

  /** Euclidean norm of all gradients. */
  gradNorm(): number {
    return Math.sqrt(this.kernels.sumSq(this.gradsPtr, this.total));
  }

  /** torch.nn.utils.clip_grad_norm_: scale gradients by max/(norm + 1e-6) when that is < 1. Returns the norm. */
  clipGradNorm(maxNorm: number): number {
    const norm = this.gradNorm();
    const coef = maxNorm / (norm + 1e-6);
    if (coef < 1) this.kernels.scale(this.gradsPtr, this.total, coef);
    return norm;
  }

  /** Copy of all values (a snapshot, e.g. the best weights during early stopping). */
  snapshot(): Float32Array {
    return this.kernels.heap.f32.slice(this.valuesPtr, this.valuesPtr + this.total);
  }

  restore(snap: Float32Array): void {
    if (snap.length !== this.total)
      throw new NsbiInternalError(`ParamStore.restore: size ${snap.length} != ${this.total}`);
    this.kernels.heap.f32.set(snap, this.valuesPtr);
  }

  /** Every parameter in PyTorch layout, plus the masks as "<name>_mask" tensors. */
  namedTensors(withMasks = true): NamedTensor[] {
    const out: NamedTensor[] = [];
    for (const p of this.params) {
      const dense = this.getDense(p);
      out.push({ name: p.name, shape: p.torchShape, data: toTorchLayout(p, dense) });
      if (withMasks && p.spec.mask) {
        out.push({
          name: `${p.name}_mask`,
          shape: p.torchShape,
          data: toTorchLayout(p, Float32Array.from(p.spec.mask)),
        });
      }
    }
    return out;
  }

  /** Load values from named tensors in PyTorch layout; every parameter must be present with its shape. */
  loadNamed(tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>, source: string): void {
    for (const p of this.params) {
      const t = tensors.get(p.name);
      if (!t) throw new NsbiFormatError(`${source}: tensor '${p.name}' is missing`);
      const want = p.torchShape;
      if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
        throw new NsbiFormatError(`${source}: tensor '${p.name}' has shape [${t.shape}], expected [${want}]`);
      }
      this.setDense(p, fromTorchLayout(p, t.data));
    }
  }
}

function toTorchLayout(p: Param, dense: Float32Array): Float32Array {
  if (p.spec.kind === "bias") return dense;
  const out = new Float32Array(dense.length);
  for (let r = 0; r < p.rows; r++) for (let c = 0; c < p.cols; c++) out[c * p.rows + r] = dense[r * p.cols + c];
  return out;
}

function fromTorchLayout(p: Param, torch: Float32Array): Float32Array {
  if (p.spec.kind === "bias") return torch;
  const out = new Float32Array(torch.length);
  for (let c = 0; c < p.cols; c++) for (let r = 0; r < p.rows; r++) out[r * p.cols + c] = torch[c * p.rows + r];
  return out;
}

/** PyTorch's default nn.Linear initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias. */
export function uniformInit(fanIn: number, scale = 1): (v: Float64Array, rng: Rng) => void {
  const bound = scale / Math.sqrt(Math.max(1, fanIn));
  return (v, rng) => {
    for (let i = 0; i < v.length; i++) v[i] = (2 * rng.uniform() - 1) * bound;
  };
}

/** Fill with a constant. */
export function constantInit(c: number): (v: Float64Array) => void {
  return (v) => v.fill(c);
}
