// Quality bar of issue #2 §7: NPE at a simulation budget (default 10,000) on sbibm tasks, C2ST (sbibm
// definition) of 10,000 posterior samples against 10,000 reference samples for observations 1..10.
//
// References:
//  - two_moons, gaussian_linear: sbibm's shipped observations and reference posterior samples.
//  - gaussian_linear_uniform, gaussian_mixture: exact closed-form posteriors
//    (src/workflows/tasks/reference-posterior.ts) on *synthetic* observations (θ_o from the prior,
//    seeded; not sbibm's observations, so only the average over observations is comparable).
//  - slcp (and any task with --reference-dir): samples from a file <dir>/<task>/reference_<num>.csv
//    with the observation in <dir>/<task>/observation_<num>.csv, e.g. written by
//    scripts/slcp-reference-mcmc.mjs.
//
// usage: npm run build && node scripts/sbibm-quality.mjs [--budget 10000] [--tasks two_moons,gaussian_linear]
//          [--observations 1-10] [--seeds 1[,2,3]] [--estimator maf|nsf] [--flow '{"transforms":5}']
//          [--train '{"batchSize":200}'] [--reference-dir runs/quality/reference] [--samples 10000] [--json out.json]
// Without --estimator the library's default flow is used.
import fs from "node:fs";
import path from "node:path";
// Modules are imported one by one (not via dist/node.js) so the script keeps working while the
// public index is being edited.
import { NPE } from "../dist/inference/npe.js";
import { Rng } from "../dist/engine/rng.js";
import { c2st } from "../dist/diagnostics/c2st.js";
import { getTask } from "../dist/workflows/tasks/registry.js";
import { loadObservation, loadReferenceSamples, referenceTasks } from "../dist/workflows/tasks/sbibm-reference.js";
import { twoThreadTraining, enableThreads } from "../dist/node/parallel/threads.js";
import {
  exactReferencePosterior,
  exactReferenceTasks,
  syntheticObservation,
} from "../dist/workflows/tasks/reference-posterior.js";

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const budget = Number(opt("--budget", 10000));
const seeds = opt("--seeds", opt("--seed", "1")).split(",").map(Number);
const tasks = opt("--tasks", "two_moons,gaussian_linear").split(",");
const [o0, o1] = opt("--observations", "1-10").split("-").map(Number);
const estimator = opt("--estimator");
const flow = { ...JSON.parse(opt("--flow", "{}")), ...(estimator ? { estimator } : {}) };
const train = JSON.parse(opt("--train", "{}"));
const refDir = opt("--reference-dir", "runs/quality/reference");
const REF_SAMPLES = 10000;
// --samples N (< 10,000) uses only the first N reference rows (and N posterior draws): for smoke tests.
const maxRows = Number(opt("--samples", REF_SAMPLES));

/** Observation and reference samples of observation `num` of `task`, with where they come from. */
function reference(task, num) {
  if (referenceTasks.includes(task)) {
    const ref = loadReferenceSamples(task, num);
    return { x: loadObservation(task, num), ref: ref.data, dim: ref.cols, source: "sbibm" };
  }
  if (exactReferenceTasks.includes(task)) {
    const { x } = syntheticObservation(task, num);
    const post = exactReferencePosterior(task, x);
    return {
      x,
      ref: post.sample(REF_SAMPLES, new Rng(1000 + num)),
      dim: post.dim,
      source: "exact, synthetic observation",
    };
  }
  const dir = path.join(refDir, task);
  const read = (f) =>
    fs
      .readFileSync(path.join(dir, f), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",").map(Number));
  const rows = read(`reference_${num}.csv`),
    x = Float32Array.from(read(`observation_${num}.csv`)[0]);
  return { x, ref: Float32Array.from(rows.flat()), dim: rows[0].length, source: `file ${dir}` };
}

const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v) => (v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)) : 0);
const results = [];
for (const name of tasks) {
  const perSeed = [];
  for (const seed of seeds) {
    const task = getTask(name),
      rng = new Rng(seed);
    const theta = task.prior.sample(budget, rng.fork());
    const x = task.simulate(theta, budget, rng.fork());
    const t0 = performance.now();
    const npe = new NPE({ prior: task.prior, ...flow });
    const h = npe.appendSimulations(theta, x).train({ seed, ...train, helper: twoThreadTraining });
    const trainS = (performance.now() - t0) / 1e3;
    const posterior = npe.buildPosterior();
    const stop = enableThreads(posterior);
    const scores = [],
      t1 = performance.now();
    let source = "";
    for (let o = o0; o <= (o1 ?? o0); o++) {
      const r = reference(name, o);
      if (r.ref.length / r.dim > maxRows) r.ref = r.ref.subarray(0, maxRows * r.dim);
      source = r.source;
      const s = posterior.sample(r.ref.length / r.dim, r.x, { seed: seed + o });
      scores.push(c2st(r.ref, s, r.dim, { seed: o }).accuracy);
      process.stderr.write(`${name} seed ${seed} observation ${o}: C2ST ${scores[scores.length - 1].toFixed(4)}\n`);
    }
    stop();
    const fc = npe.network.config.flow;
    const rec = {
      task: name,
      budget,
      seed,
      estimator: fc.type,
      transforms: fc.transforms,
      flowOptions: flow,
      trainOptions: train,
      reference: source,
      epochs: h.epochs,
      bestEpoch: h.bestEpoch,
      trainSeconds: +trainS.toFixed(1),
      c2stSeconds: +((performance.now() - t1) / 1e3).toFixed(0),
      observations: `${o0}-${o1 ?? o0}`,
      c2st: scores.map((v) => +v.toFixed(4)),
      mean: +mean(scores).toFixed(4),
    };
    results.push(rec);
    perSeed.push(rec.mean);
    console.log(
      `${name.padEnd(24)} ${fc.type} budget ${budget} seed ${seed}: mean C2ST ${rec.mean.toFixed(3)} ` +
        `(per observation ${rec.c2st.map((v) => v.toFixed(3)).join(" ")}); ${h.epochs} epochs (best ${h.bestEpoch}), ` +
        `${trainS.toFixed(1)} s training, ${rec.c2stSeconds} s C2ST; reference: ${source}`,
    );
  }
  if (perSeed.length > 1) {
    console.log(
      `${name.padEnd(24)} over seeds ${seeds.join(",")}: mean C2ST ${mean(perSeed).toFixed(3)} ± ${sd(perSeed).toFixed(3)} (sd)`,
    );
  }
}
const out = opt("--json");
if (out) fs.writeFileSync(out, JSON.stringify(results, null, 1));
