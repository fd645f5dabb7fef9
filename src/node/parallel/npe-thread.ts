import { Worker } from "node:worker_threads";
import { NsbiInternalError } from "../../errors.js";
import type { Rng } from "../../engine/rng.js";
import type { NpeNetwork } from "../../estimators/npe-network.js";
import type { BatchHelper } from "../../estimators/batch-helper.js";
import type { NetworkExecutor } from "../../inference/network-executor.js";
import { Ctrl, Op, type WorkerInit, type WorkerMessage } from "./protocol.js";

const f32 = (n: number) => new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
const f64 = (n: number) => new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8));
const i32 = (n: number) => new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4));

const ERROR_BYTES = 8192;
const STARTUP_MS = 30_000;

/** Rows below which inference stays on the calling thread (a hand-off costs ~0.1 ms). */
const MIN_PARALLEL_ROWS = 4096;

/**
 * A second thread with its own copy of an NPE network (worker_threads + SharedArrayBuffer). It
 * takes half of large sampling / log-prob calls (as a NetworkExecutor) and half of every training
 * batch (as a BatchHelper). Calls are synchronous: the caller computes its half while the worker
 * computes the other, then waits on an atomic. Results depend on the thread count (the halves use
 * separate random streams) but are reproducible for a given seed, kernel path and thread count.
 */
export class NpeThread implements NetworkExecutor {
  private readonly worker: Worker;
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(Ctrl.SIZE * 4));
  private readonly errorText = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
  private seq = 0;
  private closed = false;

  constructor(readonly network: NpeNetwork) {
    const init: WorkerInit = {
      network: network.config, kernelPath: network.kernels.path,
      control: this.ctrl.buffer as SharedArrayBuffer, errorText: this.errorText.buffer as SharedArrayBuffer,
    };
    this.worker = new Worker(new URL("./npe-worker.js", import.meta.url), { workerData: init });
    this.worker.unref();
    if (Atomics.wait(this.ctrl, Ctrl.READY, 0, STARTUP_MS) === "timed-out" || this.ctrl[Ctrl.FAILED]) {
      void this.worker.terminate();
      throw new NsbiInternalError(`NPE worker did not start: ${this.error() || `no answer within ${STARTUP_MS / 1000} s`}`);
    }
    this.syncWeights();
  }

  get thetaDim(): number { return this.network.thetaDim; }
  get xDim(): number { return this.network.xDim; }

  /** Copy the network's current weights to the worker (after training or loading). */
  syncWeights(): void {
    const s = this.network.store, values = f32(s.total);
    values.set(this.network.kernels.heap.f32.subarray(s.valuesPtr, s.valuesPtr + s.total));
    this.call({ type: "load", values });
  }

  logProb(theta: Float32Array, x: Float32Array, n: number): Float64Array {
    const P = this.thetaDim, D = this.xDim;
    if (n < MIN_PARALLEL_ROWS) return this.network.logProb(theta, x, n);
    const h = Math.ceil(n / 2), shared = x.length === D;
    const t2 = f32((n - h) * P); t2.set(theta.subarray(h * P, n * P));
    const x2 = shared ? f32(D) : f32((n - h) * D);
    x2.set(shared ? x : x.subarray(h * D, n * D));
    const out2 = f64(n - h);
    this.start({ type: "log-prob", theta: t2, x: x2, n: n - h, out: out2 });
    const out = new Float64Array(n);
    out.set(this.network.logProb(theta.subarray(0, h * P), shared ? x : x.subarray(0, h * D), h));
    this.finish();
    out.set(out2.subarray(0, n - h), h);
    return out;
  }

  sample(n: number, x: Float32Array, rng: Rng, out: Float32Array, offset = 0, logProb?: Float64Array): void {
    if (n < MIN_PARALLEL_ROWS) { this.network.sample(n, x, rng, out, offset, logProb); return; }
    const P = this.thetaDim, h = Math.ceil(n / 2);
    const x2 = f32(x.length); x2.set(x);
    const s2 = f32((n - h) * P), lp2 = logProb ? f64(n - h) : null;
    this.start({ type: "sample", x: x2, n: n - h, seed: rng.forkSeed(), out: s2, logProb: lp2 });
    const lp1 = logProb ? new Float64Array(h) : undefined;
    this.network.sample(h, x, rng, out, offset, lp1);
    this.finish();
    out.set(s2.subarray(0, (n - h) * P), offset + h * P);
    if (logProb) { logProb.set(lp1!); logProb.set(lp2!.subarray(0, n - h), h); }
  }

  /** A BatchHelper for one training run on z-scored columns (theta, x), batches up to `batchRows`. */
  trainingHelper(theta: Float32Array, x: Float32Array, nTrain: number, nValidation: number, batchRows: number): BatchHelper {
    const total = this.network.store.total;
    const sTheta = f32(theta.length); sTheta.set(theta);
    const sX = f32(x.length); sX.set(x);
    const msg = {
      type: "train-begin" as const, batchRows, theta: sTheta, x: sX, params: f32(total), grads: f32(total),
      trainOrder: i32(nTrain), validationOrder: i32(nValidation), result: f64(2),
    };
    this.call(msg);
    const self = this;
    return {
      params: msg.params, grads: msg.grads,
      setOrder(which, order) { (which === "train" ? msg.trainOrder : msg.validationOrder).set(order); },
      start(which, offset, n, grad, gradScale) {
        msg.result[1] = gradScale;
        self.ctrl[Ctrl.OFFSET] = offset; self.ctrl[Ctrl.ROWS] = n; self.ctrl[Ctrl.GRAD] = grad ? 1 : 0;
        self.request(which === "train" ? Op.TRAIN_BATCH : Op.VALIDATION_BATCH);
      },
      finish() { self.finish(); return msg.result[0]; },
      close() { self.call({ type: "train-end" }); },
    };
  }

  /** Stop the worker thread. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.request(Op.EXIT);
    void this.worker.terminate();
  }

  private call(m: WorkerMessage): void { this.start(m); this.finish(); }

  private start(m: WorkerMessage): void {
    this.worker.postMessage(m);
    this.request(Op.MESSAGE);
  }

  private request(op: number): void {
    if (this.closed && op !== Op.EXIT) throw new NsbiInternalError("NpeThread: used after close()");
    this.ctrl[Ctrl.OP] = op;
    this.seq++;
    Atomics.store(this.ctrl, Ctrl.REQUEST, this.seq);
    Atomics.notify(this.ctrl, Ctrl.REQUEST);
  }

  private finish(): void {
    let d: number;
    while ((d = Atomics.load(this.ctrl, Ctrl.DONE)) !== this.seq) Atomics.wait(this.ctrl, Ctrl.DONE, d);
    if (this.ctrl[Ctrl.FAILED]) throw new NsbiInternalError(`NPE worker failed: ${this.error()}`);
  }

  private error(): string {
    const end = this.errorText.indexOf(0);
    return new TextDecoder().decode(this.errorText.slice(0, end < 0 ? ERROR_BYTES : end));
  }
}
