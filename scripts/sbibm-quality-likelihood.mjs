// Quality bar of issue #11 §5: NLE and NRE at a simulation budget (default 10,000) on sbibm tasks.
// Train with the library's defaults (NLE: MAF 5 × 50, sbi's NLE_A default; NRE: residual
// classifier, sbi's NRE_A / NRE_C defaults), then for observations 1..10 draw 10,000 posterior
// samples with runMcmc (default vectorized slice sampler, docs/mcmc.md) on nlePotential /
// nrePotential and score C2ST (sbibm definition) against 10,000 reference samples. Per observation
// it records C2ST, the largest R-hat, the smallest bulk ESS, MCMC seconds and potential calls.
// Shares its task, reference and scoring loop with scripts/sbibm-quality.mjs (NPE), in
// scripts/lib/sbibm-quality-loop.mjs; references as there (sbibm's shipped samples for two_moons,
// gaussian_linear, slcp, ...; exact posteriors on synthetic observations for
// gaussian_linear_uniform and gaussian_mixture; files under --reference-dir otherwise).
//
// usage: npm run build && node --experimental-wasm-relaxed-simd scripts/sbibm-quality-likelihood.mjs [--help]
//          [--methods nle,nre-a,nre-c] [--tasks two_moons,gaussian_linear] [--budget 10000] [--seeds 1[,2]]
//          [--observations 1-10] [--samples 10000] [--net '{"hiddenFeatures":50}'] [--train '{"batchSize":50}']
//          [--mcmc '{"warmup":200,"thin":2}'] [--reference-dir runs/quality/reference]
//          [--out runs/quality-likelihood] [--dist dist] [--json all.json] [--kl] [--no-c2st]
// --net goes to the NLE / NRE constructor, --train to train(), --mcmc to runMcmc (method, chains,
// warmup, thin, initialization, ...). One JSON file per task × method × seed is written to --out
// as soon as it is finished.
// --kl (tasks with an exact posterior p: gaussian_linear, gaussian_linear_uniform, gaussian_mixture)
// also scores the trained potential u(θ) = log q(x_o | θ) + log p(θ) (NLE) or log r̂ + log p(θ) (NRE)
// without MCMC: KL(p ‖ q̂) of q̂ ∝ e^u, estimated from 4,000 exact posterior draws as
// −E_p[d] + log E_p[e^d] with d = u − log p (normalisers cancel). It is cheap (no MCMC, no C2ST)
// and tracks C2ST observation by observation, so it screens training settings over many seeds;
// --no-c2st skips MCMC and C2ST (then only the KL is recorded).
import fs from "node:fs";
import path from "node:path";
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

const { opt, has } = parseArgs(import.meta.url);
const load = distLoader(opt("--dist"));
const modules = await loadQualityModules(load);
const { NLE } = await load("inference/nle.js");
const { NRE } = await load("inference/nre.js");
const { nlePotential } = await load("inference/nle-potential.js");
const { nrePotential } = await load("inference/nre-potential.js");
const { runMcmc } = await load("inference/mcmc/run-mcmc.js");
const { c2st } = await load("diagnostics/c2st.js");
const { Rng, exactReferencePosterior, exactReferenceTasks } = modules;

const budget = Number(opt("--budget", 10000));
const seeds = opt("--seeds", opt("--seed", "1")).split(",").map(Number);
const tasks = opt("--tasks", "two_moons,gaussian_linear").split(",");
const methods = opt("--methods", "nle,nre-a").split(",");
for (const m of methods)
  if (!["nle", "nre-a", "nre-c", "bnre"].includes(m)) throw new Error(`--methods: unknown method ${m}`);
const [o0, o1] = observationRange(opt("--observations", "1-10"));
const net = JSON.parse(opt("--net", "{}"));
const train = JSON.parse(opt("--train", "{}"));
const mcmc = JSON.parse(opt("--mcmc", "{}"));
const refDir = opt("--reference-dir", "runs/quality/reference");
const outDir = opt("--out", "runs/quality-likelihood");
// --samples N (< 10,000) uses only the first N reference rows (and N posterior draws): for smoke tests.
const maxRows = Number(opt("--samples", REF_SAMPLES));
const withKl = has("--kl"),
  withC2st = !has("--no-c2st");
if (!withC2st && !withKl) throw new Error("--no-c2st needs --kl (nothing would be measured)");
const KL_DRAWS = 4000;

/**
 * KL(p ‖ q̂) for the exact posterior p of observation x and q̂ ∝ exp(potential), from KL_DRAWS
 * exact draws: with d = u − log p, KL = −E_p[d] + log E_p[e^d] (log-sum-exp for the second term).
 */
function exactKl(name, x, potential, num) {
  const post = exactReferencePosterior(name, x),
    n = KL_DRAWS;
  const theta = post.sample(n, new Rng(500 + num));
  const u = new Float64Array(n);
  potential.logDensity(Float64Array.from(theta), n, u);
  const lp = post.logProb(theta, n);
  let mean = 0,
    max = -Infinity;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    d[i] = u[i] - lp[i];
    mean += d[i] / n;
    max = Math.max(max, d[i]);
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(d[i] - max);
  return -mean + max + Math.log(s / n);
}

/** Train the method on the simulations; returns a function observation -> potential, and a description. */
function trainMethod(method, task, theta, x, seed) {
  if (method === "nle") {
    const nle = new NLE({ prior: task.prior, ...net });
    const h = nle.appendSimulations(theta, x).train({ seed, ...train });
    const likelihood = nle.buildLikelihood();
    return {
      history: h,
      network: likelihood.config.flow
        ? { flow: likelihood.config.flow.type, transforms: likelihood.config.flow.transforms }
        : {},
      prior: task.prior,
      potential: (xo) => nlePotential({ likelihood, prior: task.prior, observations: xo }),
    };
  }
  const nre = new NRE({ prior: task.prior, loss: method, ...net });
  const h = nre.appendSimulations(theta, x).train({ seed, ...train });
  const ratio = nre.ratio();
  return {
    history: h,
    network: { classifier: nre.classifierConfig(), loss: nre.lossConfig },
    prior: task.prior,
    potential: (xo) => nrePotential({ ratio, prior: task.prior, observations: xo }),
  };
}

fs.mkdirSync(outDir, { recursive: true });
const results = await runQualityLoop({
  modules,
  tasks,
  variants: methods,
  seeds,
  budget,
  observations: [o0, o1],
  refDir,
  maxRows,
  train: ({ variant: method, task, theta, x, seed }) => trainMethod(method, task, theta, x, seed),
  observe({ name, variant: method, seed, o, reference: r, trained }) {
    const n = r.ref.length / r.dim;
    const potential = trained.potential(r.x);
    const kl = withKl && exactReferenceTasks.includes(name) ? exactKl(name, r.x, potential, o) : null;
    const row = { observation: o };
    if (kl !== null) row.kl = +kl.toFixed(4);
    if (!withC2st) {
      process.stderr.write(`${name} ${method} seed ${seed} observation ${o}: KL(p ‖ q) ${kl.toFixed(4)}\n`);
      return row;
    }
    const tm = performance.now();
    const res = runMcmc({
      potential,
      prior: trained.prior,
      numSamples: n,
      rng: new Rng(1000 * seed + o),
      ...mcmc,
    });
    const mcmcS = (performance.now() - tm) / 1e3;
    const d = res.diagnostics;
    const acc = c2st(r.ref, res.samples, r.dim, { seed: o }).accuracy;
    process.stderr.write(
      `${name} ${method} seed ${seed} observation ${o}: C2ST ${acc.toFixed(4)}${kl !== null ? `, KL(p ‖ q) ${kl.toFixed(4)}` : ""}, ` +
        `R-hat max ${d.maxRhat.toFixed(3)}, ESS min ${d.minEss.toFixed(0)}, MCMC ${mcmcS.toFixed(2)} s (${d.potentialCalls} calls)\n`,
    );
    return {
      ...row,
      c2st: +acc.toFixed(4),
      maxRhat: +d.maxRhat.toFixed(4),
      minEss: +d.minEss.toFixed(0),
      mcmcSeconds: +mcmcS.toFixed(2),
      potentialCalls: d.potentialCalls,
      potentialRows: d.potentialEvaluations,
      stuckChains: d.stuckChains.length,
      warnings: res.warnings.length,
    };
  },
  async finish({
    name,
    variant: method,
    seed,
    trained,
    rows: perObservation,
    source,
    trainSeconds: trainS,
    evaluationSeconds,
  }) {
    const h = trained.history;
    const scores = withC2st ? perObservation.map((p) => p.c2st) : [];
    const kls = perObservation.filter((p) => p.kl !== undefined).map((p) => p.kl);
    const rec = {
      task: name,
      method,
      budget,
      seed,
      network: trained.network,
      netOptions: net,
      trainOptions: train,
      mcmcOptions: mcmc,
      reference: source,
      epochs: h.epochs,
      bestEpoch: h.bestEpoch,
      trainSeconds: +trainS.toFixed(1),
      evaluationSeconds: +evaluationSeconds.toFixed(0),
      observations: `${o0}-${o1}`,
      perObservation,
      c2st: scores,
      mean: +mean(scores).toFixed(4),
      sd: +sd(scores).toFixed(4),
      ...(kls.length > 0 ? { kl: kls, meanKl: +mean(kls).toFixed(4) } : {}),
      meanMcmcSeconds: withC2st ? +mean(perObservation.map((p) => p.mcmcSeconds)).toFixed(2) : null,
      maxRhat: withC2st ? Math.max(...perObservation.map((p) => p.maxRhat)) : null,
      loadAverage: (await import("node:os")).loadavg().map((v) => +v.toFixed(2)),
    };
    const tag = Object.keys(net).length + Object.keys(train).length + Object.keys(mcmc).length > 0 ? "_custom" : "";
    fs.writeFileSync(
      path.join(outDir, `${name}_${method}_budget${budget}_seed${seed}${tag}_${Date.now()}.json`),
      JSON.stringify(rec, null, 1),
    );
    const klText =
      kls.length > 0 ? `KL(p ‖ q) mean ${rec.meanKl.toFixed(4)} (${kls.map((v) => v.toFixed(3)).join(" ")}); ` : "";
    if (!withC2st)
      console.log(
        `${name.padEnd(18)} ${method.padEnd(5)} budget ${budget} seed ${seed}: ${klText}${h.epochs} epochs (best ${h.bestEpoch}), ${trainS.toFixed(1)} s training`,
      );
    else
      console.log(
        `${name.padEnd(18)} ${method.padEnd(5)} budget ${budget} seed ${seed}: ${klText}C2ST ${rec.mean.toFixed(3)} ± ${rec.sd.toFixed(3)} (sd over observations; ` +
          `${scores.map((v) => v.toFixed(3)).join(" ")}); R-hat max ${rec.maxRhat.toFixed(3)}; ${h.epochs} epochs (best ${h.bestEpoch}), ` +
          `${trainS.toFixed(1)} s training, MCMC ${rec.meanMcmcSeconds} s per observation; reference: ${source}`,
      );
    return { record: rec, score: withC2st ? rec.mean : rec.meanKl };
  },
  overSeeds({ name, variant: method, scores: perSeed }) {
    console.log(
      `${name.padEnd(18)} ${method.padEnd(5)} over seeds ${seeds.join(",")}: mean ${withC2st ? "C2ST" : "KL(p ‖ q)"} ${mean(perSeed).toFixed(3)} ± ${sd(perSeed).toFixed(3)} (sd)`,
    );
  },
});
const out = opt("--json");
if (out) fs.writeFileSync(out, JSON.stringify(results, null, 1));
