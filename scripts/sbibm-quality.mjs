// Quality bar of issue #2 §7: NPE at a simulation budget (default 10,000) on sbibm tasks, C2ST (sbibm
// definition) of 10,000 posterior samples against 10,000 reference samples for observations 1..10.
//
// References (scripts/lib/sbibm-quality-loop.mjs):
//  - two_moons, gaussian_linear: sbibm's shipped observations and reference posterior samples.
//  - gaussian_linear_uniform, gaussian_mixture: exact closed-form posteriors
//    (src/workflows/tasks/reference-posterior.ts) on *synthetic* observations (θ_o from the prior,
//    seeded; not sbibm's observations, so only the average over observations is comparable).
//  - slcp (and any task with --reference-dir): samples from a file <dir>/<task>/reference_<num>.csv
//    with the observation in <dir>/<task>/observation_<num>.csv, e.g. written by
//    scripts/slcp-reference-mcmc.mjs.
//
// usage: npm run build && node scripts/sbibm-quality.mjs [--help] [--budget 10000] [--tasks two_moons,gaussian_linear]
//          [--observations 1-10] [--seeds 1[,2,3]] [--estimator maf|nsf] [--flow '{"transforms":5}']
//          [--train '{"batchSize":200}'] [--reference-dir runs/quality/reference] [--samples 10000] [--json out.json]
// Without --estimator the library's default flow is used.
import fs from "node:fs";
import { parseArgs } from "./lib/args.mjs";
import { distLoader } from "./lib/dist-loader.mjs";
import {
  loadQualityModules,
  mean,
  observationRange,
  REF_SAMPLES,
  runQualityLoop,
  sd,
} from "./lib/sbibm-quality-loop.mjs";

const { opt } = parseArgs(import.meta.url);
const load = distLoader();
const modules = await loadQualityModules(load);
const { NPE } = await load("inference/npe.js");
const { c2st } = await load("diagnostics/c2st.js");
const { twoThreadTraining, enableThreads } = await load("node/parallel/threads.js");

const budget = Number(opt("--budget", 10000));
const seeds = opt("--seeds", opt("--seed", "1")).split(",").map(Number);
const tasks = opt("--tasks", "two_moons,gaussian_linear").split(",");
const [o0, o1] = observationRange(opt("--observations", "1-10"));
const estimator = opt("--estimator");
const flow = { ...JSON.parse(opt("--flow", "{}")), ...(estimator ? { estimator } : {}) };
const train = JSON.parse(opt("--train", "{}"));
const refDir = opt("--reference-dir", "runs/quality/reference");
// --samples N (< 10,000) uses only the first N reference rows (and N posterior draws): for smoke tests.
const maxRows = Number(opt("--samples", REF_SAMPLES));

const results = await runQualityLoop({
  modules,
  tasks,
  seeds,
  budget,
  observations: [o0, o1],
  refDir,
  maxRows,
  train({ task, theta, x, seed }) {
    const npe = new NPE({ prior: task.prior, ...flow });
    const h = npe.appendSimulations(theta, x).train({ seed, ...train, helper: twoThreadTraining });
    const t = { npe, history: h, posterior: null, stopThreads: null };
    t.start = () => {
      t.posterior = npe.buildPosterior();
      t.stopThreads = enableThreads(t.posterior);
    };
    t.stop = () => t.stopThreads();
    return t;
  },
  observe({ name, seed, o, reference: r, trained }) {
    const s = trained.posterior.sample(r.ref.length / r.dim, r.x, { seed: seed + o });
    const score = c2st(r.ref, s, r.dim, { seed: o }).accuracy;
    process.stderr.write(`${name} seed ${seed} observation ${o}: C2ST ${score.toFixed(4)}\n`);
    return score;
  },
  finish({ name, seed, trained, rows: scores, source, trainSeconds: trainS, evaluationSeconds }) {
    const h = trained.history,
      fc = trained.npe.network.config.flow;
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
      c2stSeconds: +evaluationSeconds.toFixed(0),
      observations: `${o0}-${o1}`,
      c2st: scores.map((v) => +v.toFixed(4)),
      mean: +mean(scores).toFixed(4),
    };
    console.log(
      `${name.padEnd(24)} ${fc.type} budget ${budget} seed ${seed}: mean C2ST ${rec.mean.toFixed(3)} ` +
        `(per observation ${rec.c2st.map((v) => v.toFixed(3)).join(" ")}); ${h.epochs} epochs (best ${h.bestEpoch}), ` +
        `${trainS.toFixed(1)} s training, ${rec.c2stSeconds} s C2ST; reference: ${source}`,
    );
    return { record: rec, score: rec.mean };
  },
  overSeeds({ name, scores: perSeed }) {
    console.log(
      `${name.padEnd(24)} over seeds ${seeds.join(",")}: mean C2ST ${mean(perSeed).toFixed(3)} ± ${sd(perSeed).toFixed(3)} (sd)`,
    );
  },
});
const out = opt("--json");
if (out) fs.writeFileSync(out, JSON.stringify(results, null, 1));
