// Quality bar of issue #2: NPE at a simulation budget (default 10,000) on sbibm tasks with shipped
// reference posteriors, C2ST (sbibm definition) against the reference for observations 1..10.
// usage: npm run build && node scripts/sbibm-quality.mjs [--budget 10000] [--tasks two_moons,gaussian_linear] [--observations 1-10] [--seed 1] [--json out.json]
import fs from "node:fs";
import {
  NPE, Rng, c2st, getTask, loadObservation, loadReferenceSamples, twoThreadTraining, enableThreads,
} from "../dist/node.js";

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const budget = Number(opt("--budget", 10000)), seed = Number(opt("--seed", 1));
const tasks = opt("--tasks", "two_moons,gaussian_linear").split(",");
const [o0, o1] = opt("--observations", "1-10").split("-").map(Number);
const results = [];
for (const name of tasks) {
  const task = getTask(name), rng = new Rng(seed);
  const theta = task.prior.sample(budget, rng.fork());
  const x = task.simulate(theta, budget, rng.fork());
  const t0 = performance.now();
  const npe = new NPE({ prior: task.prior, estimator: "nsf" });
  const h = npe.appendSimulations(theta, x).train({ seed, helper: twoThreadTraining });
  const trainS = (performance.now() - t0) / 1e3;
  const posterior = npe.buildPosterior();
  const stop = enableThreads(posterior);
  const scores = [];
  for (let o = o0; o <= (o1 ?? o0); o++) {
    const ref = loadReferenceSamples(name, o);
    const s = posterior.sample(ref.rows, loadObservation(name, o), { seed: seed + o });
    scores.push(c2st(ref.data, s, ref.cols, { seed: o }).accuracy);
    process.stderr.write(`${name} observation ${o}: C2ST ${scores[scores.length - 1].toFixed(4)}\n`);
  }
  stop();
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  results.push({ task: name, budget, seed, epochs: h.epochs, trainSeconds: trainS, c2st: scores, mean });
  console.log(`${name.padEnd(18)} budget ${budget}: mean C2ST ${mean.toFixed(3)} (per observation ${scores.map((v) => v.toFixed(3)).join(" ")}); `
    + `${h.epochs} epochs, ${trainS.toFixed(1)} s training`);
}
const out = opt("--json");
if (out) fs.writeFileSync(out, JSON.stringify(results, null, 1));
