// Learning curves of the mixture models (DLE: two conditional flows; LRE: two classifiers against a
// reference set; Sluijter, Diefenbacher, Bhimji, Nachman 2025, "Discriminative versus generative
// approaches to simulation-based inference") on the Gaussian example, to choose the default scale of the
// signal-strength study. For each distance r, training size and method it trains one model (seeded),
// records the training time, and measures its quality against the closed-form truth:
//
//   ΔNLL error at 1σ. At test points θ* = (μ = 0.2, z ∈ {0.15π, 0.25π, 0.35π}) it draws T held-out
//   events from p(x | θ*) (labels per event), takes σ_μ, σ_z = the true likelihood's asymptotic errors
//   (profiled, inverse Fisher matrix estimated on the same events) for a dataset of M = 1000 events, and
//   compares, scaled to M events,
//       ΔNLL(θ') = −M · mean_i [log p(x_i | θ') − log p(x_i | θ*)],   θ' = θ* ± σ_μ e_μ, θ* ± σ_z e_z,
//   between the model and the truth: B(θ') = ΔNLL_model − ΔNLL_true. The truth's ΔNLL there is ≈ 0.5;
//   |B| ≪ 0.5 means the model's 1σ intervals on 1000-event datasets are those of the true likelihood.
//   From the ± pair: shift = (B(−) − B(+))/2 ≈ the model's MLE offset in units of σ, and
//   scale = (B(+) + B(−))/2 / 0.5 ≈ the relative error of the model's curvature (1/width²).
//   The reference density of LRE cancels in every ΔNLL.
//
//   DLE also reports each flow's best validation NLL minus the true entropy (log 2π + 1 for the unit
//   Gaussians): the KL divergence of the flow from its component, averaged over z ~ U.
//
// usage: npx tsc -p tsconfig.json [--outDir DIR] && nice -n 10 node --experimental-wasm-relaxed-simd
//          scripts/mixture-learning-curves.mjs [--r 2,0.5] [--events 50000,100000,200000,500000]
//          [--methods dle,lre] [--seed 1] [--test-events 100000] [--train '{"maxEpochs":40}']
//          [--out runs/mixture-learning-curves.json] [--dist dist]
// Training time is recorded as wall and CPU seconds (the CPU time is what counts on a shared machine).
// One row per (r, events, method) is appended to --out (rewritten atomically) as soon as it is done;
// rows already in --out are skipped, so a killed run resumes.
import fs from "node:fs";
import path from "node:path";
import { defaultDist, distLoader } from "./lib/dist-loader.mjs";
import { parseArgs } from "./lib/args.mjs";

const { opt } = parseArgs(import.meta.url);
const load = distLoader(opt("--dist", defaultDist));
const { trainDle } = await load("workflows/mixture/dle.js");
const { trainLre } = await load("workflows/mixture/lre.js");
const { GaussianMixtureSimulator } = await load("workflows/mixture/gaussian-simulator.js");
const { Rng } = await load("engine/rng.js");

const distances = opt("--r", "2,0.5").split(",").map(Number);
const sizes = opt("--events", "50000,100000,200000,500000").split(",").map(Number);
const methods = opt("--methods", "dle,lre").split(",");
const seed = Number(opt("--seed", "1"));
const testEvents = Number(opt("--test-events", "100000"));
const training = JSON.parse(opt("--train", "{}"));
const out = path.resolve(opt("--out", "runs/mixture-learning-curves.json"));
const M = 1000;
const MU = 0.2;
const Z_TEST = [0.15 * Math.PI, 0.25 * Math.PI, 0.35 * Math.PI];
const TRUE_ENTROPY = Math.log(2 * Math.PI) + 1;

const rows = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, "utf8")).rows : [];
const save = () => {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ script: "mixture-learning-curves", testEvents, M, rows }, null, 1)}\n`);
  fs.renameSync(tmp, out);
};

/** log of μ/(1+μ) e^a + 1/(1+μ) e^b. */
function logMix(mu, a, b) {
  const x = Math.log(mu / (1 + mu)) + a,
    y = -Math.log(1 + mu) + b,
    m = Math.max(x, y);
  return m + Math.log(Math.exp(x - m) + Math.exp(y - m));
}

/** Held-out events from p(x | μ, z), each labelled signal with probability μ/(1+μ). */
function testSet(sim, z, n, rng) {
  let nSig = 0;
  for (let i = 0; i < n; i++) if (rng.uniform() < MU / (1 + MU)) nSig++;
  const events = new Float64Array(2 * n);
  events.set(sim.sampleSignal(new Float64Array(nSig).fill(z), rng), 0);
  events.set(sim.sampleBackground(new Float64Array(n - nSig).fill(z), rng), 2 * nSig);
  return events;
}

/** σ_μ, σ_z of the true likelihood for M events (profiled: inverse of the per-event Fisher matrix / M). */
function trueErrors(truth, events, n, z) {
  const t = truth.evaluateWithGradient(events, n, z);
  let a = 0,
    b = 0,
    c = 0;
  for (let i = 0; i < n; i++) {
    const ps = Math.exp(t.logSignal[i]),
      pb = Math.exp(t.logBackground[i]);
    const p = (MU * ps + pb) / (1 + MU);
    const sMu = (ps - pb) / ((1 + MU) ** 2 * p);
    const sZ = (MU * ps * t.dLogSignal[i] + pb * t.dLogBackground[i]) / ((1 + MU) * p);
    a += (sMu * sMu) / n;
    b += (sMu * sZ) / n;
    c += (sZ * sZ) / n;
  }
  const det = a * c - b * b;
  return { sigmaMu: Math.sqrt(c / det / M), sigmaZ: Math.sqrt(a / det / M) };
}

/** ΔNLL scaled to M events at θ* ± σ along μ and z. */
function deltaNll(model, events, n, z, sigmaMu, sigmaZ) {
  const at = (zz) => model.evaluate(events, n, zz);
  const c0 = at(z),
    cUp = at(z + sigmaZ),
    cDown = at(z - sigmaZ);
  const mean = (mu, c) => {
    let s = 0;
    for (let i = 0; i < n; i++)
      s += logMix(mu, c.logSignal[i], c.logBackground[i]) - logMix(MU, c0.logSignal[i], c0.logBackground[i]);
    return (-M * s) / n;
  };
  return {
    muUp: mean(MU + sigmaMu, c0),
    muDown: mean(MU - sigmaMu, c0),
    zUp: mean(MU, cUp),
    zDown: mean(MU, cDown),
  };
}

function quality(sim, model, r) {
  const rng = new Rng(1000 + Math.round(100 * r));
  const points = Z_TEST.map((z) => {
    const events = testSet(sim, z, testEvents, rng);
    const { sigmaMu, sigmaZ } = trueErrors(sim.truth, events, testEvents, z);
    const truth = deltaNll(sim.truth, events, testEvents, z, sigmaMu, sigmaZ);
    const mod = deltaNll(model, events, testEvents, z, sigmaMu, sigmaZ);
    const B = Object.fromEntries(Object.keys(truth).map((k) => [k, mod[k] - truth[k]]));
    return {
      z,
      sigmaMu,
      sigmaZ,
      trueDeltaNll: truth,
      B,
      shiftMu: (B.muDown - B.muUp) / 2,
      shiftZ: (B.zDown - B.zUp) / 2,
      scaleMu: (B.muUp + B.muDown) / 2 / 0.5,
      scaleZ: (B.zUp + B.zDown) / 2 / 0.5,
    };
  });
  const all = points.flatMap((p) => Object.values(p.B));
  return {
    points,
    meanAbsB: all.reduce((s, v) => s + Math.abs(v), 0) / all.length,
    maxAbsB: Math.max(...all.map(Math.abs)),
    maxAbsShiftMu: Math.max(...points.map((p) => Math.abs(p.shiftMu))),
    maxAbsShiftZ: Math.max(...points.map((p) => Math.abs(p.shiftZ))),
  };
}

/** Per network: training seconds, epochs, best epoch, stop reason, best validation loss (DLE: minus the true entropy). */
function networksOf(model, method) {
  return ["signal", "background"].map((c) => {
    const m = model.metadata[c];
    return {
      component: c,
      seconds: m.seconds,
      epochs: m.epochs,
      bestEpoch: m.bestEpoch,
      stopReason: m.stopReason,
      bestValidationLoss: m.bestValidationLoss,
      continued: structuredClone(m.continued),
      ...(method === "dle" ? { klEstimate: m.bestValidationLoss - TRUE_ENTROPY } : {}),
    };
  });
}

for (const r of distances) {
  const sim = new GaussianMixtureSimulator({ r });
  for (const events of sizes) {
    for (const method of methods) {
      if (rows.some((row) => row.r === r && row.events === events && row.method === method && row.seed === seed))
        continue;
      // quality after each training stage (early stopping at the training learning rate; then the
      // fine-tuning stage at a tenth of it); the time of the quality measurement is not training time
      const t0 = performance.now(),
        cpu0 = process.cpuUsage();
      let measuring = 0,
        measuringCpu = 0;
      const stages = {};
      const onStage = (stage, model) => {
        const t = performance.now(),
          c = process.cpuUsage();
        const trainedCpu = (c.user + c.system - cpu0.user - cpu0.system) / 1e6 - measuringCpu;
        stages[stage] = {
          trainSeconds: (t - t0) / 1e3 - measuring,
          trainCpuSeconds: trainedCpu,
          networks: networksOf(model, method),
          ...quality(sim, model, r),
        };
        const c2 = process.cpuUsage(c);
        measuring += (performance.now() - t) / 1e3;
        measuringCpu += (c2.user + c2.system) / 1e6;
        const q = stages[stage];
        console.log(
          `r=${r} events=${events} ${method} ${stage}: train ${q.trainSeconds.toFixed(0)} s wall, ` +
            `${q.trainCpuSeconds.toFixed(0)} s CPU (epochs ${q.networks.map((n) => n.epochs).join("/")}),` +
            ` mean|B| ${q.meanAbsB.toFixed(3)}, max|B| ${q.maxAbsB.toFixed(3)},` +
            ` max|shift| μ ${q.maxAbsShiftMu.toFixed(3)} z ${q.maxAbsShiftZ.toFixed(3)}`,
        );
      };
      const model =
        method === "dle"
          ? trainDle(sim, { trainingEvents: events, seed, training, onStage })
          : trainLre(sim, { trainingEvents: events, seed, training, onStage });
      // evaluation cost (both components at one z), for the study's time budget
      const probe = testSet(sim, sim.z0, testEvents, new Rng(7)),
        cpu1 = process.cpuUsage();
      model.evaluate(probe, testEvents, sim.z0);
      const cpuEval = process.cpuUsage(cpu1);
      const row = {
        r,
        events,
        method,
        seed,
        evaluateCpuMicrosecondsPerEvent: (cpuEval.user + cpuEval.system) / testEvents,
        options: model.metadata.signal.options,
        stages,
      };
      rows.push(row);
      save();
    }
  }
}
