import { NsbiInputError } from "../errors.js";
import type { ParamStore } from "./params.js";
import { WeightDecayMode } from "../kernels/kernel-api.js";

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Weight decay; 0 disables it. */
  weightDecay?: number;
  /** true: decoupled decay (AdamW, Loshchilov & Hutter 2019); false: L2 added to the gradient (torch.optim.Adam). */
  decoupledWeightDecay?: boolean;
}

/** Adam's state: the step count and the first and second moment estimates (store layout). */
export interface AdamState {
  step: number;
  m: Float32Array;
  v: Float32Array;
}

/**
 * Adam (Kingma & Ba 2015, arXiv:1412.6980) over every parameter of a store in one kernel call,
 * with PyTorch's arithmetic so that both engines follow the same trajectory from the same start.
 */
export class Adam {
  private readonly m: number;
  private readonly v: number;
  private t = 0;
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;

  constructor(
    readonly store: ParamStore,
    opts: AdamOptions,
  ) {
    if (!store.isFinalized) throw new NsbiInputError("Adam: the parameter store must be finalized first");
    this.learningRate = opts.learningRate;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.decoupled = opts.decoupledWeightDecay ?? true;
    for (const [k, v] of Object.entries({ learningRate: this.learningRate, eps: this.eps })) {
      if (!(v > 0) || !Number.isFinite(v)) throw new NsbiInputError(`Adam: ${k} must be a positive number, got ${v}`);
    }
    for (const [k, v] of Object.entries({ beta1: this.beta1, beta2: this.beta2 })) {
      if (!(v >= 0 && v < 1)) throw new NsbiInputError(`Adam: ${k} must be in [0, 1), got ${v}`);
    }
    if (!(this.weightDecay >= 0)) throw new NsbiInputError(`Adam: weightDecay must be >= 0, got ${this.weightDecay}`);
    this.m = store.kernels.heap.alloc(store.total);
    this.v = store.kernels.heap.alloc(store.total);
  }

  get steps(): number {
    return this.t;
  }

  /** Apply one update from the gradients currently in the store. */
  step(): void {
    this.t++;
    const s = this.store,
      b1 = this.beta1,
      b2 = this.beta2;
    s.kernels.adam(
      s.valuesPtr,
      s.gradsPtr,
      this.m,
      this.v,
      s.total,
      this.learningRate,
      b1,
      b2,
      this.eps,
      this.weightDecay,
      this.decoupled ? WeightDecayMode.decoupled : WeightDecayMode.l2,
      1 - b1 ** this.t,
      1 - b2 ** this.t,
    );
  }

  /** Copies of the step count and moment estimates (for training checkpoints). */
  getState(): AdamState {
    const f = this.store.kernels.heap.f32,
      n = this.store.total;
    return { step: this.t, m: f.slice(this.m, this.m + n), v: f.slice(this.v, this.v + n) };
  }

  /** Continue from a state returned by getState() for a store of the same layout. */
  setState(state: AdamState): void {
    const n = this.store.total;
    if (state.m.length !== n || state.v.length !== n || !Number.isInteger(state.step) || state.step < 0) {
      throw new NsbiInputError(`Adam.setState: expected a step count and two moment arrays of ${n} values`);
    }
    const f = this.store.kernels.heap.f32;
    f.set(state.m, this.m);
    f.set(state.v, this.v);
    this.t = state.step;
  }

  /** Forget the moment estimates (e.g. before retraining). */
  reset(): void {
    const f = this.store.kernels.heap.f32;
    f.fill(0, this.m, this.m + this.store.total);
    f.fill(0, this.v, this.v + this.store.total);
    this.t = 0;
  }
}
