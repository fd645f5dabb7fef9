import { Rng } from "../../engine/rng.js";
import { npeLoss } from "../../estimators/npe-loss.js";
import { NpeNetwork, type NpeGraph, type NpeNetworkConfig } from "../../estimators/npe-network.js";
import type { Kernels } from "../../kernels/kernel-api.js";
import { createKernels, type KernelChoice } from "../../kernels/select.js";
import type { WorkerMessage } from "./protocol.js";

type TrainBegin = Extract<WorkerMessage, { type: "train-begin" }>;

interface Training {
  graph: NpeGraph;
  theta: number;
  x: number;
  trainOrder: number;
  validationOrder: number;
  msg: TrainBegin;
  mark: number;
}

/**
 * What the NPE worker computes, on its own kernels and copy of the network. The worker thread
 * runs it (npe-worker.ts); NpeThread runs the same code on the calling thread while the worker is
 * not (yet) running, so a share gives bit-identical results wherever it was computed.
 */
export class NpeWorkerCore {
  readonly kernels: Kernels;
  readonly net: NpeNetwork;
  private training: Training | null = null;

  constructor(network: NpeNetworkConfig, kernelPath: KernelChoice) {
    this.kernels = createKernels(kernelPath);
    this.net = new NpeNetwork(network, this.kernels);
    this.net.store.finalize(null);
  }

  handle(m: WorkerMessage): void {
    const net = this.net,
      heap = this.kernels.heap;
    switch (m.type) {
      case "load":
        this.loadValues(m.values);
        break;
      case "log-prob":
        m.out.set(net.logProb(m.theta, m.x, m.n));
        break;
      case "sample": {
        const out = new Float32Array(m.n * net.thetaDim),
          lp = m.logProb ? new Float64Array(m.n) : undefined;
        net.sample(m.n, m.x, new Rng(m.seed), out, 0, lp);
        m.out.set(out);
        if (lp && m.logProb) m.logProb.set(lp);
        break;
      }
      case "train-begin": {
        this.endTraining();
        const mark = heap.mark();
        const graph = net.buildGraph(m.batchRows, { grad: true });
        const theta = heap.alloc(m.theta.length);
        heap.f32.set(m.theta, theta);
        const x = heap.alloc(m.x.length);
        heap.f32.set(m.x, x);
        const trainOrder = heap.allocI32(m.trainOrder.length),
          validationOrder = heap.allocI32(m.validationOrder.length);
        this.training = { graph, theta, x, trainOrder, validationOrder, msg: m, mark };
        break;
      }
      case "train-end":
        this.endTraining();
        break;
    }
  }

  /**
   * Rows order[offset .. offset+n) of the training ("train") or validation order with the weights
   * in msg.params: loss sum in msg.result[0]; with `grad`, msg.result[1] × the gradient of the
   * mean loss in msg.grads.
   */
  batch(validation: boolean, offset: number, n: number, grad: boolean): void {
    const t = this.training!,
      k = this.kernels,
      heap = k.heap,
      net = this.net,
      store = net.store;
    const g = t.graph,
      m = t.msg;
    this.loadValues(m.params);
    const order = validation ? t.validationOrder : t.trainOrder;
    heap.i32.set((validation ? m.validationOrder : m.trainOrder).subarray(offset, offset + n), order);
    k.gatherRows(t.theta, net.thetaDim, order, g.theta.ptr, g.theta.ld, n, net.thetaDim);
    k.gatherRows(t.x, net.xDim, order, g.x.ptr, g.x.ld, n, net.xDim);
    g.tape.forward(n);
    const graph = { tape: g.tape, inputs: [g.theta, g.x], output: g.logProb };
    m.result[0] = npeLoss.value(graph, n) * n;
    if (grad) {
      store.zeroGrad();
      npeLoss.seedGradient(graph, n);
      g.tape.backward(n);
      k.scale(store.gradsPtr, store.total, m.result[1]);
      m.grads.set(heap.f32.subarray(store.gradsPtr, store.gradsPtr + store.total));
    }
  }

  private loadValues(v: Float32Array): void {
    this.kernels.heap.f32.set(v, this.net.store.valuesPtr);
  }

  private endTraining(): void {
    if (this.training) this.kernels.heap.release(this.training.mark);
    this.training = null;
  }
}
