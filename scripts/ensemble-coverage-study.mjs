// Coverage study of w_i f_i ensembles (Benevedes, Thaler, arXiv 2506.00113) on the mixture-fraction
// task p(x|κ) = κ n(x) + (1 − κ) d(x), with a 2-D two-Gaussian toy whose log ratio is known in closed form
// (the quark/gluon jets of the paper are not available offline). docs/ensembles.md describes it.
//
// Per training (M networks on bootstraps of D_train, frozen), per κ, `experiments` pseudo-experiments each
// redraw D_fit (N_fit per class) and a test mixture (N_test events, per-event labels) and estimate κ with
//   exact   the toy's true log ratio (reference: what a perfect network gives),
//   single  network 0, taken as exact (statistical error only),
//   average the plain average of the M networks, taken as exact,
//   wifi    w_i f_i (ŵ by Newton on the symmetrised MLC loss, sandwich C) with the Gong–Samaniego error,
//   wifi-stat the same κ̂ with the statistical error only.
// Coverage = fraction with |z| ≤ 1, z the signed likelihood z-score of the true κ (divided by
// √(1 + σ²AᵀCA) for wifi); ± is the binomial standard error √(p(1−p)/n).
// Sandwich check: per training, `sandwichSets` fresh fit sets; empirical Var(ŵ_j) over them against the
// mean sandwich diag(C)_jj (target ratio 1 ± 0.15; the ratio's own sampling error ≈ √(2/(S − 1))).
//
// usage: npx tsc -p tsconfig.json --outDir /tmp/nsbi-dist &&
//   nice -n 10 node scripts/ensemble-coverage-study.mjs --dist /tmp/nsbi-dist
//     [--members 8] [--train 2000] [--fit 2000] [--test 2000] [--kappas 0.05,0.2,0.5] [--experiments 100]
//     [--trainings 2] [--sandwich-sets 100] [--seed 2506] [--toy linear|quadratic] [--json out.json]
//   --paper: the paper's scale: M = 32, N_train = N_fit = 10,000 per class, test mixtures of 10,000,
//     κ ∈ {0.01, 0.02, 0.05, 0.1, 0.2, 0.5}, 300 pseudo-experiments × 10 trainings, 300 sandwich sets
//     (hours on one core). Explicit flags override it.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const paper = args.includes("--paper");
const opt = (name, def, paperDef) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : paper && paperDef !== undefined ? paperDef : def;
};
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(opt("--dist", path.join(here, "..", "dist")));
const load = (f) => import(pathToFileURL(path.join(dist, f)).href);
const { Rng } = await load("engine/rng.js");
const { TwoGaussianToy, TWO_GAUSSIAN_TOY_QUADRATIC } = await load("workflows/ensemble-study/two-gaussian-toy.js");
const { trainLogRatioEnsemble } = await load("workflows/ensemble-study/train-log-ratio-ensemble.js");
const { runPseudoExperiment, fitWeightsOnFreshSet } = await load("workflows/ensemble-study/pseudo-experiment.js");
const { basisValues } = await load("inference/ensemble-weights/basis-values.js");
const { logRatioWithUncertainty } = await load("inference/ensemble-weights/log-ratio-uncertainty.js");

const positive = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got ${v}`);
  return n;
};
const members = positive("--members", opt("--members", "8", "32"));
const nTrain = positive("--train", opt("--train", "2000", "10000"));
const nFit = positive("--fit", opt("--fit", "2000", "10000"));
const nTest = positive("--test", opt("--test", "2000", "10000"));
const kappas = opt("--kappas", "0.05,0.2,0.5", "0.01,0.02,0.05,0.1,0.2,0.5").split(",").map(Number);
if (kappas.some((k) => !(k >= 0 && k <= 1))) throw new Error("--kappas: fractions in [0, 1]");
const experiments = Number(opt("--experiments", "100", "300")); // 0: the sandwich check only
if (!Number.isInteger(experiments) || experiments < 0) throw new Error("--experiments: expected an integer >= 0");
const trainings = positive("--trainings", opt("--trainings", "2", "10"));
const sandwichSets = Number(opt("--sandwich-sets", "100", "300"));
const seed = Number(opt("--seed", "2506"));
const jsonOut = opt("--json", null);

const METHODS = ["exact", "single", "average", "wifi", "wifi-stat"];
const toyName = opt("--toy", "linear");
if (toyName !== "linear" && toyName !== "quadratic") throw new Error("--toy: linear or quadratic");
const toy = new TwoGaussianToy(toyName === "quadratic" ? TWO_GAUSSIAN_TOY_QUADRATIC : undefined);
const master = new Rng(seed);
const t0 = Date.now();
const seconds = () => ((Date.now() - t0) / 1000).toFixed(0);
console.log(
  `w_i f_i coverage study (${toyName} toy): M=${members}, N_train=N_fit=${nTrain}/${nFit} per class, N_test=${nTest}, ` +
    `κ=${kappas.join(",")}, ${experiments} pseudo-experiments × ${trainings} trainings, ${sandwichSets} sandwich sets, seed ${seed}`,
);

// results[training][κ][method] = array of { kappa, sigma, z }
const results = [];
const sandwich = [];
const perX = [];
let notConverged = 0;
for (let t = 0; t < trainings; t++) {
  const rng = master.fork();
  const ensemble = trainLogRatioEnsemble({
    numerator: toy.sample("numerator", nTrain, rng),
    denominator: toy.sample("denominator", nTrain, rng),
    xDim: 2,
    members,
    seed: rng.forkSeed(),
  });
  const epochs = ensemble.members.map((m) => m.history.epochs);
  console.log(
    `training ${t}: ${members} networks, epochs ${Math.min(...epochs)}–${Math.max(...epochs)} (${seconds()} s)`,
  );
  const perKappa = {};
  for (const kappa of experiments > 0 ? kappas : []) {
    const rows = Object.fromEntries(METHODS.map((m) => [m, []]));
    for (let e = 0; e < experiments; e++) {
      const r = runPseudoExperiment({ toy, ensemble, kappa, fitEvents: nFit, testEvents: nTest, rng });
      if (!r.wifi.converged) notConverged++;
      for (const m of ["exact", "single", "average", "wifi"]) rows[m].push(pick(r[m]));
      rows["wifi-stat"].push({
        kappa: r.wifi.kappa,
        sigma: r.wifi.sigmaStatistical,
        z: r.wifi.zStatistical,
        inflation: r.wifi.inflation,
      });
    }
    perKappa[kappa] = rows;
  }
  results.push(perKappa);
  if (sandwichSets > 1) {
    const ws = [],
      diag = [];
    // per-x check at 8 fixed points (4 from n, 4 from d): spread of ŵ·f(x) over the fit sets against √(fᵀCf)
    const points = new Float64Array([...toy.sample("numerator", 4, rng), ...toy.sample("denominator", 4, rng)]);
    const pointBasis = basisValues(ensemble.evaluate(points, 8), { constant: true });
    const truth = toy.logRatio(points, 8);
    const lr = [],
      lrVar = [];
    for (let s = 0; s < sandwichSets; s++) {
      const { fit, sandwich: c } = fitWeightsOnFreshSet({ toy, ensemble, fitEvents: nFit, rng });
      if (!fit.converged) notConverged++;
      ws.push(Array.from(fit.weights));
      diag.push(Array.from({ length: c.size }, (_, j) => c.covariance[j * c.size + j]));
      const u = logRatioWithUncertainty(pointBasis, fit.weights, c.covariance);
      lr.push(Array.from(u.logRatio));
      lrVar.push(Array.from(u.sigma, (v) => v * v));
    }
    const varianceRatio = (rows, predicted) =>
      Array.from({ length: rows[0].length }, (_, j) => {
        const mean = rows.reduce((a, w) => a + w[j], 0) / rows.length;
        const v = rows.reduce((a, w) => a + (w[j] - mean) ** 2, 0) / (rows.length - 1);
        return v / (predicted.reduce((a, d) => a + d[j], 0) / predicted.length);
      });
    const ratio = varianceRatio(ws, diag);
    const pointRatio = varianceRatio(lr, lrVar);
    const bias = truth.map((t, p) => {
      const mean = lr.reduce((a, w) => a + w[p], 0) / lr.length;
      return (mean - t) / Math.sqrt(lrVar.reduce((a, d) => a + d[p], 0) / lrVar.length);
    });
    perX.push({ varianceRatio: pointRatio, biasInSigma: bias });
    sandwich.push(ratio);
  }
  console.log(`training ${t} done (${seconds()} s)`);
}

const pct = (p, n) => `${p.toFixed(3)} ± ${Math.sqrt((p * (1 - p)) / n).toFixed(3)}`;
const summary = (rows) => {
  const n = rows.length,
    cov = rows.filter((r) => Math.abs(r.z) <= 1).length / n;
  const pulls = rows.map((r) => r.z);
  const mean = pulls.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(pulls.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const sigma = rows.reduce((a, r) => a + r.sigma, 0) / n;
  return { n, coverage: cov, coverageError: Math.sqrt((cov * (1 - cov)) / n), zMean: mean, zSd: sd, meanSigma: sigma };
};

const table = {};
if (experiments > 0) printCoverage();
function printCoverage() {
  console.log("\ncoverage (|z| ≤ 1; nominal 0.683) pooled over trainings, ± binomial s.e.; z mean / s.d.; mean σ");
  console.log(["κ".padEnd(6), ...METHODS.map((m) => m.padEnd(38))].join(""));
  for (const kappa of kappas) {
    const line = [String(kappa).padEnd(6)];
    table[kappa] = {};
    for (const m of METHODS) {
      const rows = results.flatMap((r) => r[kappa][m]);
      const s = summary(rows);
      table[kappa][m] = { pooled: s, perTraining: results.map((r) => summary(r[kappa][m]).coverage) };
      line.push(
        `${pct(s.coverage, s.n)} z ${s.zMean.toFixed(2)}/${s.zSd.toFixed(2)} σ ${s.meanSigma.toFixed(4)}`.padEnd(38),
      );
    }
    console.log(line.join(""));
  }
  console.log("\nper training coverage (w_i f_i, Gong–Samaniego), ± binomial s.e. of one training");
  for (const kappa of kappas)
    console.log(`κ=${kappa}: ${table[kappa].wifi.perTraining.map((p) => pct(p, experiments)).join(", ")}`);
  console.log("\npooled over κ and trainings:");
  for (const m of METHODS) {
    const rows = results.flatMap((r) => kappas.flatMap((k) => r[k][m]));
    const s = summary(rows);
    console.log(`  ${m.padEnd(10)} ${pct(s.coverage, s.n)}  (n = ${s.n})`);
  }
  const inflation = results.flatMap((r) => kappas.flatMap((k) => r[k]["wifi-stat"].map((x) => x.inflation)));
  console.log(
    `mean Gong–Samaniego variance inflation 1 + σ²AᵀCA: ${(inflation.reduce((a, b) => a + b, 0) / inflation.length).toFixed(3)}`,
  );
}
if (sandwich.length) {
  console.log(
    `\nsandwich check: empirical Var(ŵ_j) / mean diag(C)_jj over ${sandwichSets} fresh fit sets ` +
      `(target 1 ± 0.15; sampling error of one ratio ≈ ${Math.sqrt(2 / (sandwichSets - 1)).toFixed(2)})`,
  );
  sandwich.forEach((ratio, t) => {
    const sorted = [...ratio].sort((a, b) => a - b);
    const within = ratio.filter((r) => Math.abs(r - 1) <= 0.15).length;
    console.log(
      `  training ${t}: median ${sorted[Math.floor(sorted.length / 2)].toFixed(3)}, range ${sorted[0].toFixed(3)}–${sorted.at(-1).toFixed(3)}, ` +
        `${within}/${ratio.length} within ±15%; mean ${(ratio.reduce((a, b) => a + b, 0) / ratio.length).toFixed(3)}`,
    );
  });
}
for (const [t, p] of perX.entries())
  console.log(
    `  training ${t}, per-x log r at 8 points: Var over fit sets / mean fᵀCf ${p.varianceRatio.map((v) => v.toFixed(2)).join(" ")}; ` +
      `(mean log r̂ − true log r)/σ ${p.biasInSigma.map((v) => v.toFixed(1)).join(" ")}`,
  );
console.log(`\nNewton fits not converged: ${notConverged}; total ${seconds()} s`);
if (jsonOut) {
  const { writeFileAtomic } = await load("node/files.js");
  writeFileAtomic(
    jsonOut,
    JSON.stringify(
      {
        toy: toyName,
        members,
        nTrain,
        nFit,
        nTest,
        kappas,
        experiments,
        trainings,
        sandwichSets,
        seed,
        table,
        sandwich,
        perX,
        notConverged,
      },
      null,
      1,
    ),
  );
}

function pick(m) {
  return { kappa: m.kappa, sigma: m.sigma, z: m.z };
}
