// The z-bias of likelihood-ratio estimation (LRE) per event, with and without the per-z normalisation
// (docs/mixture-models.md, "Normalising the classifiers"). Trains one LRE model on the Gaussian example of
// Sluijter, Diefenbacher, Bhimji, Nachman 2025 and, for events of each component at z*, compares the mean
// z-score E[∂z log r̂_c(x, z*)] of the model with the truth's (0 up to Monte-Carlo error): a bias b per event
// moves ẑ of an M-event fit by about b·√M / sd(score) standard errors. The raw model is the same networks
// without their normalisation, so one training gives both columns.
//
// usage: node --experimental-wasm-relaxed-simd scripts/lre-score-bias.mjs [--dist dist] [--r 0.5]
//          [--events 100000] [--seed 1] [--test-events 20000]
import { parseArgs } from "./lib/args.mjs";
import { defaultDist, distLoader } from "./lib/dist-loader.mjs";

const { opt } = parseArgs(import.meta.url);
const load = distLoader(opt("--dist", defaultDist));
const { GaussianMixtureSimulator } = await load("workflows/mixture/gaussian-simulator.js");
const { trainLre } = await load("workflows/mixture/lre.js");
const { LreModel } = await load("workflows/mixture/lre-model.js");
const { Rng } = await load("engine/rng.js");

const r = Number(opt("--r", "0.5"));
const events = Number(opt("--events", "100000"));
const seed = Number(opt("--seed", "1"));
const m = Number(opt("--test-events", "20000"));
const sim = new GaussianMixtureSimulator({ r });
const t0 = process.cpuUsage();
const model = trainLre(sim, { trainingEvents: events, seed });
const cpu = (process.cpuUsage(t0).user + process.cpuUsage(t0).system) / 1e6;
const strip = (c) => ({ network: c.network, classCounts: c.classCounts });
const raw = new LreModel(strip(model.signal), strip(model.background), model.trainedOn, model.metadata);
console.log(`LRE r = ${r}, ${events} training events, seed ${seed}: ${cpu.toFixed(0)} CPU s`);
console.log("| z* | component | truth mean score | raw: bias / sd | normalised: bias / sd |");
console.log("|---|---|---|---|---|");
const rng = new Rng(99);
const h = 0.02;
const meanScore = (mdl, ev, zs, key) => {
  const up = mdl.evaluate(ev, m, zs + h)[key],
    dn = mdl.evaluate(ev, m, zs - h)[key];
  let s = 0;
  for (let i = 0; i < m; i++) s += (up[i] - dn[i]) / (2 * h);
  return s / m;
};
for (const zs of [0.15 * Math.PI, 0.25 * Math.PI, 0.35 * Math.PI])
  for (const comp of ["signal", "background"]) {
    const key = comp === "signal" ? "logSignal" : "logBackground";
    const z = new Float64Array(m).fill(zs);
    const ev = comp === "signal" ? sim.sampleSignal(z, rng) : sim.sampleBackground(z, rng);
    const tr = sim.truth.evaluateWithGradient(ev, m, zs);
    const d = comp === "signal" ? tr.dLogSignal : tr.dLogBackground;
    let mt = 0,
      vt = 0;
    for (const v of d) mt += v / m;
    for (const v of d) vt += (v - mt) ** 2 / m;
    const sd = Math.sqrt(vt);
    const fmt = (v) => `${v >= 0 ? "+" : ""}${v.toFixed(3)}`;
    const b = (mdl) => fmt((meanScore(mdl, ev, zs, key) - mt) / sd);
    console.log(
      `| ${(zs / Math.PI).toFixed(2)}π | ${comp} | ${mt.toFixed(4)} (sd ${sd.toFixed(3)}) | ${b(raw)} | ${b(model)} |`,
    );
  }
