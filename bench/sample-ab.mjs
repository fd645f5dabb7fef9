// Interleaved A/B timing of 100,000 posterior draws with the T2K-sized network (initial weights)
// across builds, for changes to the sampling path on a noisy shared machine: each repetition runs
// every build once in turn, then medians are compared; checksums show whether the draws changed.
// With --train, also 50 training steps (batch 512: forward, backward, Adam) per repetition.
// usage: node bench/sample-ab.mjs KERNEL_PATH REPS DIST_DIR [DIST_DIR ...] [--train]
//   e.g. cp -r dist /tmp/old/dist (before the change), rebuild, then
//        node bench/sample-ab.mjs wasm-relaxed-simd 11 /tmp/old/dist dist
// A copied dist needs node_modules next to it (ln -s $PWD/node_modules /tmp/old/node_modules).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadNsbi } from "./nsbi-dist.mjs";
import { ensureData, readF32, seedNetworkConfig } from "./seed000-data.mjs";

const argv = process.argv.slice(2),
  train = argv.includes("--train");
const [kernelPath, repsArg, ...dists] = argv.filter((a) => a !== "--train");
if (!kernelPath || !dists.length) {
  console.error("usage: node bench/sample-ab.mjs KERNEL_PATH REPS DIST_DIR [DIST_DIR ...]");
  process.exit(2);
}
const dataDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "data");
ensureData(dataDir);
const meta = JSON.parse(fs.readFileSync(path.join(dataDir, "meta.json"), "utf8"));
const blob = readF32(dataDir, "init.f32"),
  xo = readF32(dataDir, "xo.f32");
const tensors = new Map(
  meta.tensors
    .filter((t) => !t.name.endsWith("_mask"))
    .map((t) => [t.name, { shape: t.shape, data: blob.subarray(t.offset, t.offset + t.size) }]),
);
const variants = [];
for (const d of dists) {
  const m = await loadNsbi(d);
  const net = new m.NpeNetwork(seedNetworkConfig(), m.createKernels(kernelPath));
  net.initialize(new m.Rng(0));
  net.store.loadNamed(tensors, "init.f32");
  const v = { d, m, net, ms: [], trainMs: [], out: new Float32Array(100000 * meta.thetaDim) };
  if (train) {
    // a second copy of the network (same initial weights) trained on the benchmark's batches
    const tnet = new m.NpeNetwork(seedNetworkConfig(), m.createKernels(kernelPath));
    tnet.initialize(new m.Rng(0));
    tnet.store.loadNamed(tensors, "init.f32");
    const g = tnet.buildGraph(meta.batchSize, { grad: true }),
      B = meta.batchSize;
    const graph = { tape: g.tape, inputs: [g.theta, g.x], output: g.logProb };
    const adam = new m.Adam(tnet.store, { learningRate: meta.learningRate });
    const theta = readF32(dataDir, "train_theta.f32"),
      x = readF32(dataDir, "train_x.f32");
    let step = 0;
    v.trainSteps = (steps) => {
      let loss = 0;
      for (let s = 0; s < steps; s++, step++) {
        const o = (step * B) % (meta.train - B);
        g.theta.setRows(theta, B, o * meta.thetaDim);
        g.x.setRows(x, B, o * meta.xDim);
        g.tape.forward(B);
        loss = m.npeLoss.value(graph, B);
        tnet.store.zeroGrad();
        m.npeLoss.seedGradient(graph, B);
        g.tape.backward(B);
        adam.step();
      }
      return loss;
    };
  }
  variants.push(v);
}
for (let r = 0; r < Number(repsArg); r++) {
  for (const v of variants) {
    const t0 = performance.now();
    v.net.sample(100000, xo, new v.m.Rng(1), v.out);
    v.ms.push(performance.now() - t0);
    if (v.trainSteps) {
      const t1 = performance.now();
      v.loss = v.trainSteps(50);
      v.trainMs.push(performance.now() - t1);
    }
  }
}
for (const v of variants) {
  const s = [...v.ms].sort((a, b) => a - b);
  let sum = 0;
  for (const x of v.out) sum += x;
  console.log(
    `${v.d}: median ${s[s.length >> 1].toFixed(1)} ms, min ${s[0].toFixed(1)} ms, checksum ${sum.toFixed(4)}`,
  );
  if (v.trainSteps) {
    const t = [...v.trainMs].sort((a, b) => a - b);
    console.log(
      `${v.d}: 50 training steps median ${t[t.length >> 1].toFixed(1)} ms, min ${t[0].toFixed(1)} ms, loss ${v.loss}`,
    );
  }
}
