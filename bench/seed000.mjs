// The nsbi side of `npm run bench` (run by bench/run.mjs in its own process so that peak memory is
// its own). usage: node bench/seed000.mjs DATA_DIR KERNEL_PATH STEPS [THREADS=1|2]
// Trains the T2K tune network from the initial weights in DATA_DIR/init.f32 on the fixed batch
// order, then times log-prob of 100,000 pairs and 100,000 posterior draws; prints one JSON line.
import fs from "node:fs";
import path from "node:path";
import { loadNsbi } from "./nsbi-dist.mjs";
import { readF32, seedNetworkConfig } from "./seed000-data.mjs";

const { Adam, NpeNetwork, NpeThread, Rng, createKernels, npeLoss } = await loadNsbi();

const [dataDir, kernelPath, stepsArg, threadsArg] = process.argv.slice(2);
const threads = Number(threadsArg ?? 1);
const steps = Number(stepsArg ?? 2000);
const meta = JSON.parse(fs.readFileSync(path.join(dataDir, "meta.json"), "utf8"));
const P = meta.thetaDim,
  D = meta.xDim,
  B = meta.batchSize;
const trainTheta = readF32(dataDir, "train_theta.f32"),
  trainX = readF32(dataDir, "train_x.f32");
const testTheta = readF32(dataDir, "test_theta.f32"),
  testX = readF32(dataDir, "test_x.f32");
const xo = readF32(dataDir, "xo.f32");
const batches = new Int32Array(fs.readFileSync(path.join(dataDir, "batch_idx.i32")).buffer.slice(0));
const blob = readF32(dataDir, "init.f32");

const kernels = createKernels(kernelPath);
const net = new NpeNetwork(seedNetworkConfig(), kernels);
net.initialize(new Rng(0));
const tensors = new Map(
  meta.tensors
    .filter((t) => !t.name.endsWith("_mask"))
    .map((t) => [t.name, { shape: t.shape, data: blob.subarray(t.offset, t.offset + t.size) }]),
);
net.store.loadNamed(tensors, "init.f32");

const g = net.buildGraph(B, { grad: true });
const graph = { tape: g.tape, inputs: [g.theta, g.x], output: g.logProb };
const adam = new Adam(net.store, { learningRate: meta.learningRate });
// Training data and batch order in the kernel heap, gathered by a kernel (as the trainer does).
const heap = kernels.heap;
const thetaPtr = heap.alloc(trainTheta.length),
  xPtr = heap.alloc(trainX.length),
  orderPtr = heap.allocI32(batches.length);
heap.f32.set(trainTheta, thetaPtr);
heap.f32.set(trainX, xPtr);
heap.i32.set(batches, orderPtr);
// Two threads: the worker takes the second half of every batch (as the trainer does with a helper).
const thread = threads === 2 ? new NpeThread(net) : null;
// the steady state: wait for the worker here (by default it starts in the background, see NpeThread)
thread?.waitForWorker?.();
const helper = thread ? thread.trainingHelper(trainTheta, trainX, batches.length, 1, B) : null;
helper?.setOrder("train", batches);
const own = helper ? B / 2 : B;
const helperGrads = heap.alloc(net.store.total);
const losses = [],
  times = [];
const nb = batches.length / B;
for (let s = 0; s < steps; s++) {
  const t0 = performance.now();
  const o = orderPtr + (s % nb) * B,
    st = net.store;
  if (helper) {
    helper.params.set(heap.f32.subarray(st.valuesPtr, st.valuesPtr + st.total));
    helper.start("train", (s % nb) * B + own, B - own, true, (B - own) / B);
  }
  kernels.gatherRows(thetaPtr, P, o, g.theta.ptr, g.theta.ld, own, P);
  kernels.gatherRows(xPtr, D, o, g.x.ptr, g.x.ld, own, D);
  g.tape.forward(own);
  let loss = npeLoss.value(graph, own);
  st.zeroGrad();
  npeLoss.seedGradient(graph, own);
  g.tape.backward(own);
  if (helper) {
    loss = (loss * own + helper.finish()) / B;
    kernels.scale(st.gradsPtr, st.total, own / B);
    heap.f32.set(helper.grads, helperGrads);
    kernels.addRows(helperGrads, 0, st.gradsPtr, 0, 1, st.total, 1);
  }
  adam.step();
  losses.push(loss);
  times.push(performance.now() - t0);
}

function medianTime(fn, reps = 3) {
  const ts = [];
  let r;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    r = fn();
    ts.push((performance.now() - t0) / 1e3);
  }
  return [ts.sort((a, b) => a - b)[Math.floor(reps / 2)], r];
}
thread?.syncWeights();
const exec = thread ?? net;
const nTest = testTheta.length / P;
const [lpS, lp] = medianTime(() => exec.logProb(testTheta, testX, nTest));
const out = new Float32Array(100000 * P);
const [smS] = medianTime(() => exec.sample(100000, xo, new Rng(1), out));
const mean = [],
  std = [];
for (let j = 0; j < P; j++) {
  let m = 0,
    v = 0;
  for (let i = 0; i < 100000; i++) m += out[i * P + j];
  m /= 100000;
  for (let i = 0; i < 100000; i++) v += (out[i * P + j] - m) ** 2;
  mean.push(m);
  std.push(Math.sqrt(v / 99999));
}
const window = (steps >= 300 ? times.slice(100, 300) : times).sort((a, b) => a - b);
const med = window[Math.floor(window.length / 2)];
console.log(
  JSON.stringify({
    engine: `nsbi ${kernels.path}${threads === 2 ? " 2 threads" : ""}`,
    steps,
    step_ms_median: med,
    steps_per_s: 1e3 / med,
    train_seconds: times.reduce((a, b) => a + b, 0) / 1e3,
    loss_at: Object.fromEntries(meta.checkpoints.filter((s) => s <= steps).map((s) => [String(s), losses[s - 1]])),
    test_nll: -lp.reduce((a, b) => a + b, 0) / nTest,
    logprob_100k_s: lpS,
    sample_100k_s: smS,
    sample_mean: mean,
    sample_std: std,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }),
);
thread?.close();
