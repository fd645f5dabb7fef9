// Worker thread of the NPE data parallelism: its own kernels and copy of the network, driven by
// the main thread through the shared control block (protocol.ts).
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { createKernels, type KernelChoice } from "../../kernels/select.js";
import type { Kernels } from "../../kernels/kernel-api.js";
import { Rng } from "../../engine/rng.js";
import { NpeNetwork, type NpeGraph, type NpeNetworkConfig } from "../../estimators/npe-network.js";
import { npeLoss } from "../../estimators/npe-loss.js";
import { Ctrl, Op, type WorkerInit, type WorkerMessage } from "./protocol.js";

const init = workerData as WorkerInit;
const ctrl = new Int32Array(init.control);
const errorText = new Uint8Array(init.errorText);

function fail(e: unknown): void {
  const bytes = new TextEncoder().encode((e as Error)?.stack ?? String(e)).subarray(0, errorText.length - 1);
  errorText.fill(0); errorText.set(bytes);
  ctrl[Ctrl.FAILED] = 1;
}

let built: { kernels: Kernels; net: NpeNetwork } | null = null;
try {
  const kernels = createKernels(init.kernelPath as KernelChoice);
  const net = new NpeNetwork(init.network as NpeNetworkConfig, kernels);
  net.store.finalize(null);
  built = { kernels, net };
} catch (e) {
  fail(e);
  Atomics.store(ctrl, Ctrl.READY, 1);
  Atomics.notify(ctrl, Ctrl.READY);
  process.exit(1);
}
const { kernels, net } = built!;
const heap = kernels.heap, store = net.store;

interface Training {
  graph: NpeGraph; theta: number; x: number; trainOrder: number; validationOrder: number;
  msg: Extract<WorkerMessage, { type: "train-begin" }>; mark: number;
}
let training: Training | null = null;

function loadValues(v: Float32Array): void { heap.f32.set(v, store.valuesPtr); }

function handleMessage(m: WorkerMessage): void {
  switch (m.type) {
    case "load": loadValues(m.values); break;
    case "log-prob": m.out.set(net.logProb(m.theta, m.x, m.n)); break;
    case "sample": {
      const out = new Float32Array(m.n * net.thetaDim), lp = m.logProb ? new Float64Array(m.n) : undefined;
      net.sample(m.n, m.x, new Rng(m.seed), out, 0, lp);
      m.out.set(out);
      if (lp && m.logProb) m.logProb.set(lp);
      break;
    }
    case "train-begin": {
      const mark = heap.mark();
      const graph = net.buildGraph(m.batchRows, { grad: true });
      const theta = heap.alloc(m.theta.length); heap.f32.set(m.theta, theta);
      const x = heap.alloc(m.x.length); heap.f32.set(m.x, x);
      const trainOrder = heap.allocI32(m.trainOrder.length), validationOrder = heap.allocI32(m.validationOrder.length);
      training = { graph, theta, x, trainOrder, validationOrder, msg: m, mark };
      break;
    }
    case "train-end":
      if (training) heap.release(training.mark);
      training = null;
      break;
  }
}

function batch(validation: boolean): void {
  const t = training!;
  const offset = ctrl[Ctrl.OFFSET], n = ctrl[Ctrl.ROWS], grad = ctrl[Ctrl.GRAD] === 1;
  const g = t.graph, m = t.msg;
  loadValues(m.params);
  const order = validation ? t.validationOrder : t.trainOrder;
  heap.i32.set((validation ? m.validationOrder : m.trainOrder).subarray(offset, offset + n), order);
  kernels.gatherRows(t.theta, net.thetaDim, order, g.theta.ptr, g.theta.ld, n, net.thetaDim);
  kernels.gatherRows(t.x, net.xDim, order, g.x.ptr, g.x.ld, n, net.xDim);
  g.tape.forward(n);
  const graph = { tape: g.tape, inputs: [g.theta, g.x], output: g.logProb };
  m.result[0] = npeLoss.value(graph, n) * n;
  if (grad) {
    store.zeroGrad();
    npeLoss.seedGradient(graph, n);
    g.tape.backward(n);
    kernels.scale(store.gradsPtr, store.total, m.result[1]);
    m.grads.set(heap.f32.subarray(store.gradsPtr, store.gradsPtr + store.total));
  }
}

Atomics.store(ctrl, Ctrl.READY, 1);
Atomics.notify(ctrl, Ctrl.READY);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, Ctrl.REQUEST, seen);
  seen = Atomics.load(ctrl, Ctrl.REQUEST);
  const op = ctrl[Ctrl.OP];
  if (op === Op.EXIT) break;
  try {
    ctrl[Ctrl.FAILED] = 0;
    if (op === Op.MESSAGE) {
      let r: { message: unknown } | undefined;
      while (!(r = receiveMessageOnPort(parentPort!))) { /* the message is in flight */ }
      handleMessage(r.message as WorkerMessage);
    } else batch(op === Op.VALIDATION_BATCH);
  } catch (e) {
    fail(e);
  }
  Atomics.store(ctrl, Ctrl.DONE, seen);
  Atomics.notify(ctrl, Ctrl.DONE);
}
