// NRE speed: training steps/s on two_moons (10,000 simulations, sbi's NRE_A defaults: batch 200,
// resnet classifier with 50 hidden units and 2 blocks, learning rate 5e-4) and the time of
// logRatioIid for 1 observation × 20 θ rows (one potential call of a 20-chain MCMC step).
//   node --experimental-wasm-relaxed-simd bench/nre-speed.mjs [distDir] [--loss nre-a|nre-c|bnre] [--epochs E]
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DIST } from "./nsbi-dist.mjs";

const args = process.argv.slice(2);
const opt = (name, d) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : d;
};
const dist = args[0] && !args[0].startsWith("--") ? path.resolve(args[0]) : DIST;
const load = (f) => import(pathToFileURL(path.join(dist, f)).href);
const { NRE } = await load("inference/nre.js");
const { TwoMoons } = await load("workflows/tasks/two-moons.js");
const { Rng } = await load("engine/rng.js");

const loss = opt("--loss", "nre-a"),
  epochs = Number(opt("--epochs", 10));
const task = new TwoMoons(),
  rng = new Rng(1),
  n = 10_000;
const theta = task.prior.sample(n, rng);
const x = task.simulate(theta, n, rng);
const nre = new NRE({ prior: task.prior, loss });
nre.appendSimulations(theta, x);
const h = nre.train({ seed: 1, maxEpochs: epochs, stopAfterEpochs: 1000 });
const ratio = nre.ratio();
const xo = x.subarray(0, 2),
  thetas = Float64Array.from(theta.subarray(0, 40)),
  out = new Float64Array(20),
  grad = new Float64Array(40);
const time = (f, reps) => {
  for (let i = 0; i < 200; i++) f();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  return ((performance.now() - t0) / reps) * 1e3;
};
const obs = ratio.embedObservations(xo, 1);
const us = time(() => ratio.logRatioIid(obs, 1, thetas, 20, out), 5000);
const usGrad = time(() => ratio.logRatioIidGradient(obs, 1, thetas, 20, out, grad), 5000);
console.log(
  JSON.stringify({
    loss,
    kernels: nre.metadata.kernelPath,
    epochs: h.epochs,
    steps: h.steps,
    stepsPerSecond: +(h.steps / h.seconds).toFixed(1),
    secondsPerEpoch: +(h.seconds / h.epochs).toFixed(3),
    logRatioIid_1x20_us: +us.toFixed(1),
    logRatioIidGradient_1x20_us: +usGrad.toFixed(1),
  }),
);
