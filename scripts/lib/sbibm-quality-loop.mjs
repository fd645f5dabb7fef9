// The loop shared by scripts/sbibm-quality.mjs (NPE) and scripts/sbibm-quality-likelihood.mjs
// (NLE, NRE): for every task × variant (method) × training seed, draw the simulations, train,
// then score observations o0..o1 against their reference posterior samples.
//
// References:
//  - two_moons, gaussian_linear, ...: sbibm's shipped observations and reference posterior samples.
//  - gaussian_linear_uniform, gaussian_mixture: exact closed-form posteriors
//    (src/workflows/tasks/reference-posterior.ts) on *synthetic* observations (θ_o from the prior,
//    seeded; not sbibm's observations, so only the average over observations is comparable).
//  - any other task: samples from a file <refDir>/<task>/reference_<num>.csv with the observation
//    in <refDir>/<task>/observation_<num>.csv, e.g. written by scripts/slcp-reference-mcmc.mjs.
import fs from "node:fs";
import path from "node:path";

export const REF_SAMPLES = 10000;

export { mean, sd } from "./stats.mjs";

/** "3-7" → [3, 7]; "4" → [4, 4]. */
export function observationRange(text) {
  const [o0, o1] = text.split("-").map(Number);
  return [o0, o1 ?? o0];
}

/** The library modules the loop needs, imported through `load` (scripts/lib/dist-loader.mjs). */
export async function loadQualityModules(load) {
  const { Rng } = await load("engine/rng.js");
  const { getTask } = await load("workflows/tasks/registry.js");
  const sbibm = await load("workflows/tasks/sbibm-reference.js");
  const exact = await load("workflows/tasks/reference-posterior.js");
  return { Rng, getTask, ...sbibm, ...exact };
}

/**
 * Observation and reference samples of observation `num` of `task`, with where they come from;
 * at most `maxRows` reference rows (--samples, for smoke tests).
 */
export function referenceFor(modules, task, num, { refDir, maxRows = REF_SAMPLES }) {
  const m = modules;
  let r;
  if (m.referenceTasks.includes(task)) {
    const ref = m.loadReferenceSamples(task, num);
    r = { x: m.loadObservation(task, num), ref: ref.data, dim: ref.cols, source: "sbibm" };
  } else if (m.exactReferenceTasks.includes(task)) {
    const { x } = m.syntheticObservation(task, num);
    const post = m.exactReferencePosterior(task, x);
    r = {
      x,
      ref: post.sample(REF_SAMPLES, new m.Rng(1000 + num)),
      dim: post.dim,
      source: "exact, synthetic observation",
    };
  } else {
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
    r = { x, ref: Float32Array.from(rows.flat()), dim: rows[0].length, source: `file ${dir}` };
  }
  if (r.ref.length / r.dim > maxRows) r.ref = r.ref.subarray(0, maxRows * r.dim);
  return r;
}

/**
 * Run the study. Per task × variant × seed: `budget` simulations (training seed s draws the same
 * ones in both scripts), then
 *  - `train({ name, variant, seed, task, theta, x })` → a context (timed as trainSeconds); its
 *    optional `start()` / `stop()` run around the observations (e.g. worker threads);
 *  - `observe({ name, variant, seed, o, reference, trained })` → one row per observation;
 *  - `finish({ name, variant, seed, trained, rows, source, trainSeconds, evaluationSeconds })` →
 *    `{ record, score }`: the record is collected, the score averaged over seeds;
 *  - `overSeeds({ name, variant, scores })` when there is more than one seed.
 * `variants` defaults to one unnamed variant. Returns the records (for --json).
 */
export async function runQualityLoop(o) {
  const { modules, tasks, seeds, budget, observations, train, observe, finish, overSeeds } = o;
  const [o0, o1] = observations;
  const records = [];
  for (const name of tasks) {
    for (const variant of o.variants ?? [undefined]) {
      const scores = [];
      for (const seed of seeds) {
        const task = modules.getTask(name),
          rng = new modules.Rng(seed);
        const theta = task.prior.sample(budget, rng.fork());
        const x = task.simulate(theta, budget, rng.fork());
        const t0 = performance.now();
        const trained = await train({ name, variant, seed, task, theta, x });
        const trainSeconds = (performance.now() - t0) / 1e3;
        trained.start?.();
        const t1 = performance.now();
        const rows = [];
        let source = "";
        for (let num = o0; num <= o1; num++) {
          const reference = referenceFor(modules, name, num, o);
          source = reference.source;
          rows.push(await observe({ name, variant, seed, o: num, reference, trained }));
        }
        trained.stop?.();
        const evaluationSeconds = (performance.now() - t1) / 1e3;
        const { record, score } = await finish({
          name,
          variant,
          seed,
          trained,
          rows,
          source,
          trainSeconds,
          evaluationSeconds,
        });
        records.push(record);
        scores.push(score);
      }
      if (scores.length > 1) overSeeds({ name, variant, scores });
    }
  }
  return records;
}
