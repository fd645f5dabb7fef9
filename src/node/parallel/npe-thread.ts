import { Worker } from "node:worker_threads";
import { NsbiInternalError } from "../../errors.js";
import { Rng } from "../../engine/rng.js";
import type { NpeNetwork } from "../../estimators/npe-network.js";
import type { BatchHelper } from "../../estimators/batch-helper.js";
import type { NetworkExecutor } from "../../inference/network-executor.js";
import { NpeWorkerCore } from "./npe-worker-core.js";
import { Ctrl, Op, type WorkerInit, type WorkerMessage } from "./protocol.js";

const f32 = (n: number) => new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
const f64 = (n: number) => new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8));
const i32 = (n: number) => new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4));

const ERROR_BYTES = 8192;

/** Rows below which inference is not split at all (a hand-off costs ~0.1 ms). */
export const MIN_PARALLEL_ROWS = 4096;

/**
 * CPU milliseconds of split work the calling thread does alone before a worker is started (about what
 * starting one costs: a job shorter than this never pays for it; a longer one spends at most about
 * twice the best choice). Training starts its worker at once (twoThreadsPay decided it pays).
 */
const SPAWN_AFTER_MS = 100;

/** CPU time of this process (no worker runs while it is counted): unlike wall time, not inflated by other jobs. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};

/** Where the worker thread is. */
export type WorkerState = "not started" | "starting" | "running" | "closed";

export interface NpeThreadOptions {
  /**
   * false: never start a worker; its share is computed on the calling thread. The results are the
   * same either way (for tests, and for a caller that wants 2-thread results on one core).
   */
  useWorker?: boolean;
}

/**
 * Data parallelism over two threads for one NPE network: half of every large sampling / log-prob
 * call (as a NetworkExecutor) and half of every training batch (as a BatchHelper) are the
 * worker's share.
 *
 * "Two threads" fixes how work is split, not where it runs. The worker thread (worker_threads +
 * SharedArrayBuffer, its own copy of the network) is started lazily and never waited for: for
 * inference once split calls have kept the calling thread busy for SPAWN_AFTER_MS, for training
 * at once. Until it runs (~0.1 s later) the calling thread computes the worker's share itself with
 * the same code (NpeWorkerCore), so start-up overlaps useful work, a short job never starts or
 * waits for a worker, and results never depend on whether or when the worker ran.
 * They depend on the thread count (sampling halves use separate random streams, training
 * gradients are summed by halves) and are reproducible for a given seed, kernel path and thread
 * count. Log-prob equals one thread exactly. Calls are synchronous: the caller computes its half
 * while the worker computes the other, then waits on an atomic.
 */
export class NpeThread implements NetworkExecutor {
  private worker: Worker | null = null;
  private state: WorkerState = "not started";
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(Ctrl.SIZE * 4));
  private readonly errorText = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
  private readonly useWorker: boolean;
  private seq = 0;
  /** The worker holds the network's current weights. */
  private weightsLoaded = false;
  /** Shares of work computed so far by the worker thread and on the calling thread. */
  readonly shares = { worker: 0, callingThread: 0 };
  /** CPU milliseconds of split inference work done on the calling thread while no worker ran. */
  private aloneMs = 0;

  constructor(
    readonly network: NpeNetwork,
    options: NpeThreadOptions = {},
  ) {
    this.useWorker = options.useWorker ?? true;
  }

  get thetaDim(): number {
    return this.network.thetaDim;
  }
  get xDim(): number {
    return this.network.xDim;
  }
  get workerState(): WorkerState {
    return this.state;
  }

  /** The network's weights changed (after training or loading): the worker is sent them before its next share. */
  syncWeights(): void {
    this.weightsLoaded = false;
  }

  /**
   * Start the worker now and wait until it runs (at most `timeoutMs`). Not needed for correctness
   * or speed; for benchmarks of the steady state and for tests.
   */
  waitForWorker(timeoutMs = 30_000): void {
    this.spawn();
    if (this.state === "starting") Atomics.wait(this.ctrl, Ctrl.READY, 0, timeoutMs);
    if (!this.workerRunning()) throw new NsbiInternalError(`NPE worker did not start within ${timeoutMs / 1000} s`);
  }

  logProb(theta: Float32Array, x: Float32Array, n: number): Float64Array {
    // log-prob is row by row, so the split cannot change a value
    if (n < MIN_PARALLEL_ROWS) return this.network.logProb(theta, x, n);
    if (!this.workerRunning()) {
      const t0 = cpuMs();
      const lp = this.network.logProb(theta, x, n);
      this.workedAlone(cpuMs() - t0);
      return lp;
    }
    const P = this.thetaDim,
      D = this.xDim;
    const h = Math.ceil(n / 2),
      shared = x.length === D;
    const t2 = f32((n - h) * P);
    t2.set(theta.subarray(h * P, n * P));
    const x2 = shared ? f32(D) : f32((n - h) * D);
    x2.set(shared ? x : x.subarray(h * D, n * D));
    const out2 = f64(n - h);
    this.loadWeights();
    this.start({ type: "log-prob", theta: t2, x: x2, n: n - h, out: out2 });
    this.shares.worker++;
    const out = new Float64Array(n);
    out.set(this.network.logProb(theta.subarray(0, h * P), shared ? x : x.subarray(0, h * D), h));
    this.finish();
    out.set(out2.subarray(0, n - h), h);
    return out;
  }

  sample(n: number, x: Float32Array, rng: Rng, out: Float32Array, offset = 0, logProb?: Float64Array): void {
    if (n < MIN_PARALLEL_ROWS) {
      this.network.sample(n, x, rng, out, offset, logProb);
      return;
    }
    const P = this.thetaDim,
      h = Math.ceil(n / 2),
      seed = rng.forkSeed();
    if (!this.workerRunning()) {
      // the worker's share here: the same call the worker makes (npe-worker-core.ts), same values
      const t0 = cpuMs();
      this.network.sample(h, x, rng, out, offset, logProb);
      this.network.sample(n - h, x, new Rng(seed), out, offset + h * P, logProb?.subarray(h));
      this.workedAlone(cpuMs() - t0);
      return;
    }
    const x2 = f32(x.length);
    x2.set(x);
    const s2 = f32((n - h) * P),
      lp2 = logProb ? f64(n - h) : null;
    this.loadWeights();
    this.start({ type: "sample", x: x2, n: n - h, seed, out: s2, logProb: lp2 });
    this.shares.worker++;
    const lp1 = logProb ? new Float64Array(h) : undefined;
    this.network.sample(h, x, rng, out, offset, lp1);
    this.finish();
    out.set(s2.subarray(0, (n - h) * P), offset + h * P);
    if (logProb) {
      logProb.set(lp1!);
      logProb.set(lp2!.subarray(0, n - h), h);
    }
  }

  /** A BatchHelper for one training run on z-scored columns (theta, x), batches up to `batchRows`. */
  trainingHelper(
    theta: Float32Array,
    x: Float32Array,
    nTrain: number,
    nValidation: number,
    batchRows: number,
  ): BatchHelper {
    const total = this.network.store.total;
    const sTheta = f32(theta.length);
    sTheta.set(theta);
    const sX = f32(x.length);
    sX.set(x);
    const msg = {
      type: "train-begin" as const,
      batchRows,
      theta: sTheta,
      x: sX,
      params: f32(total),
      grads: f32(total),
      trainOrder: i32(nTrain),
      validationOrder: i32(nValidation),
      result: f64(2),
    };
    // Shares run here (on a second copy of the network, as in the worker) until the worker runs,
    // which is started now: the caller decided that training pays for it (twoThreadsPay).
    let local: NpeWorkerCore | null = null,
      onWorker = false,
      waiting = false;
    const self = this;
    this.spawn();
    return {
      params: msg.params,
      grads: msg.grads,
      setOrder(which, order) {
        (which === "train" ? msg.trainOrder : msg.validationOrder).set(order);
      },
      start(which, offset, n, grad, gradScale) {
        msg.result[1] = gradScale;
        if (!onWorker && self.workerRunning()) {
          self.call(msg);
          onWorker = true;
          local = null;
        }
        if (onWorker) {
          self.ctrl[Ctrl.OFFSET] = offset;
          self.ctrl[Ctrl.ROWS] = n;
          self.ctrl[Ctrl.GRAD] = grad ? 1 : 0;
          self.request(which === "train" ? Op.TRAIN_BATCH : Op.VALIDATION_BATCH);
          waiting = true;
          self.shares.worker++;
        } else {
          if (!local) {
            local = new NpeWorkerCore(self.network.config, self.network.kernels.path);
            local.handle(msg);
          }
          local.batch(which === "validation", offset, n, grad);
          self.shares.callingThread++;
        }
      },
      finish() {
        if (waiting) {
          waiting = false;
          self.finish();
        }
        return msg.result[0];
      },
      close() {
        local = null;
        if (onWorker && self.state === "running") self.call({ type: "train-end" });
      },
    };
  }

  /** Stop the worker thread (if it was started). */
  close(): void {
    if (this.state === "closed") return;
    const started = this.worker !== null;
    this.state = "closed";
    if (!started) return;
    this.ctrl[Ctrl.OP] = Op.EXIT;
    Atomics.store(this.ctrl, Ctrl.REQUEST, ++this.seq);
    Atomics.notify(this.ctrl, Ctrl.REQUEST);
    void this.worker!.terminate();
  }

  /** Start the worker without waiting for it (it is unref'd, so it never keeps the process alive). */
  private spawn(): void {
    if (this.worker || !this.useWorker || this.state === "closed") return;
    const init: WorkerInit = {
      network: this.network.config,
      kernelPath: this.network.kernels.path,
      control: this.ctrl.buffer as SharedArrayBuffer,
      errorText: this.errorText.buffer as SharedArrayBuffer,
    };
    this.worker = new Worker(new URL("./npe-worker.js", import.meta.url), { workerData: init });
    this.worker.unref();
    this.state = "starting";
  }

  /** Count split work done without a worker; start one once that has cost SPAWN_AFTER_MS. */
  private workedAlone(ms: number): void {
    this.shares.callingThread++;
    this.aloneMs += ms;
    if (this.aloneMs >= SPAWN_AFTER_MS) this.spawn();
  }

  /** Is the worker running? (Never waits for it.) */
  private workerRunning(): boolean {
    if (this.state === "running") return true;
    if (this.state !== "starting" || Atomics.load(this.ctrl, Ctrl.READY) === 0) return false;
    if (this.ctrl[Ctrl.FAILED]) {
      this.close();
      throw new NsbiInternalError(`NPE worker did not start: ${this.error()}`);
    }
    this.state = "running";
    return true;
  }

  private loadWeights(): void {
    if (this.weightsLoaded) return;
    const s = this.network.store,
      values = f32(s.total);
    values.set(this.network.kernels.heap.f32.subarray(s.valuesPtr, s.valuesPtr + s.total));
    this.call({ type: "load", values });
    this.weightsLoaded = true;
  }

  private call(m: WorkerMessage): void {
    this.start(m);
    this.finish();
  }

  private start(m: WorkerMessage): void {
    this.worker!.postMessage(m);
    this.request(Op.MESSAGE);
  }

  private request(op: number): void {
    if (this.state !== "running") throw new NsbiInternalError(`NpeThread: request to a worker that is ${this.state}`);
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
