// Screening of NPE settings on sbibm tasks (issue #2 §7): train NPE at a budget with the given flow
// and training options for several seeds, and score each run
//  - on gaussian_linear, gaussian_linear_uniform and gaussian_mixture by KL(p || q) =
//    E_p[log p(θ|x_o) − log q(θ|x_o)] over 10,000 exact posterior draws for observations 1..10 (exact
//    posteriors from src/workflows/tasks/reference-posterior.ts), which is cheap (a log-prob pass) and
//    ranks settings like C2ST does;
//  - optionally by C2ST (sbibm definition) on a range of observations (slow in 10-D: minutes each).
// usage: node scripts/npe-tuning.mjs --task gaussian_linear --seeds 1,2,3 [--flow '{"estimator":"maf"}']
//          [--train '{"batchSize":50}'] [--c2st 1-10] [--budget 10000] [--label name] [--out results.jsonl]
import fs from "node:fs";
import { NPE } from "../dist/inference/npe.js";
import { Rng } from "../dist/engine/rng.js";
import { c2st } from "../dist/diagnostics/c2st.js";
import { getTask } from "../dist/workflows/tasks/registry.js";
import { loadObservation, loadReferenceSamples } from "../dist/workflows/tasks/sbibm-reference.js";
import { twoThreadTraining, enableThreads } from "../dist/node/parallel/threads.js";
import { exactReferencePosterior, syntheticObservation } from "../dist/workflows/tasks/reference-posterior.js";

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const taskName = opt("--task", "gaussian_linear"),
  budget = Number(opt("--budget", 10000));
const seeds = opt("--seeds", "1").split(",").map(Number);
const flow = JSON.parse(opt("--flow", "{}")),
  train = JSON.parse(opt("--train", "{}"));
const c2stRange = opt("--c2st", ""),
  label = opt("--label", JSON.stringify({ flow, train })),
  out = opt("--out");
const threads = opt("--threads", "2") === "2";
const obsList = (r) => {
  if (!r) return [];
  const [a, b] = r.split("-").map(Number);
  return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
};

for (const seed of seeds) {
  const task = getTask(taskName),
    rng = new Rng(seed);
  const theta = task.prior.sample(budget, rng.fork());
  const x = task.simulate(theta, budget, rng.fork());
  const t0 = performance.now();
  const npe = new NPE({ prior: task.prior, ...flow });
  const h = npe
    .appendSimulations(theta, x)
    .train({ seed, ...train, ...(threads ? { helper: twoThreadTraining } : {}) });
  const trainS = (performance.now() - t0) / 1e3;
  const posterior = npe.buildPosterior();
  const stop = threads ? enableThreads(posterior) : () => {};
  const rec = {
    task: taskName,
    label,
    flow,
    train,
    budget,
    seed,
    epochs: h.epochs,
    bestEpoch: h.bestEpoch,
    bestValidationLoss: h.bestValidationLoss,
    trainSeconds: +trainS.toFixed(1),
  };
  if (["gaussian_linear", "gaussian_linear_uniform", "gaussian_mixture"].includes(taskName)) {
    // KL(p || q) over 10,000 exact posterior draws per observation (gaussian_linear: sbibm's
    // observations and reference samples; the others: synthetic observations, fresh exact draws).
    const kl = [];
    for (let o = 1; o <= 10; o++) {
      const xo = taskName === "gaussian_linear" ? loadObservation(taskName, o) : syntheticObservation(taskName, o).x;
      const exact = exactReferencePosterior(taskName, xo);
      const ref =
        taskName === "gaussian_linear"
          ? loadReferenceSamples(taskName, o).data
          : exact.sample(10000, new Rng(1000 + o));
      const n = ref.length / exact.dim,
        lq = posterior.logProb(ref, xo),
        lp = exact.logProb(ref, n);
      let s = 0;
      for (let i = 0; i < n; i++) s += lp[i] - lq[i];
      kl.push(+(s / n).toFixed(4));
    }
    rec.kl = kl;
    rec.klMean = +(kl.reduce((a, b) => a + b, 0) / kl.length).toFixed(4);
  }
  const scores = [];
  const t1 = performance.now();
  for (const o of obsList(c2stRange)) {
    const ref = loadReferenceSamples(taskName, o);
    const s = posterior.sample(ref.rows, loadObservation(taskName, o), { seed: seed * 1000 + o });
    scores.push(+c2st(ref.data, s, ref.cols, { seed: o }).accuracy.toFixed(4));
  }
  stop();
  if (scores.length) {
    rec.c2stObservations = c2stRange;
    rec.c2st = scores;
    rec.c2stMean = +(scores.reduce((a, b) => a + b, 0) / scores.length).toFixed(4);
    rec.c2stSeconds = +((performance.now() - t1) / 1e3).toFixed(0);
  }
  console.log(JSON.stringify(rec));
  if (out) fs.appendFileSync(out, `${JSON.stringify(rec)}\n`);
}
