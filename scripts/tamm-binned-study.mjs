// Coverage study of the binned Bayesian TAMM (template-adapted mixture models, linear form; Alvarez,
// Benevedes, Szewc, Thaler, arXiv 2604.02219) on the paper's Gaussian toy (src/workflows/tamm/
// gaussian-tamm-toy.ts): true signal N(0, I), true background N((0, 1), [[3, 0.4], [0.4, 3]]), both
// truncated to the region [−2, 2]². docs/tamm-binned.md describes it and holds the measured numbers.
//
// Per job and K: K signal and K background template Gaussians are drawn from the toy's template
// population and binned EXACTLY on a regular grid over the region (Gauss–Legendre quadrature of the
// truncated densities, 8 × 8 nodes per bin: no template statistical uncertainty). Per pseudo-experiment
// N_s ~ Poisson(5,000) signal and N_b ~ Poisson(50,000) background events are drawn from the true
// densities in the region and histogrammed, so the true signal fraction is κ = 5,000 / 55,000 = 1/11
// (μ = 0.1); fitBinnedTamm samples the posterior of (κ, w, v) by NUTS (uniform priors on κ and on both
// simplices). Per K it prints the coverage of the central 68 % credible interval of κ with its binomial
// standard error √(p(1−p)/n) and the between-job one (s.d. of per-job coverages / √jobs: the experiments
// of one job share templates), the pull (mean − κ)/sd: its mean and width (s.d.) with standard errors,
// the mean posterior sd, and how many fits had R̂(κ) > 1.01 or any MCMC warning. K = 1 is a single
// misspecified template per class (expected biased). K = truth (a control, on by default) fits with the
// true densities as the only templates, binned the same way: the model is then correct, so coverage 0.683
// and pulls N(0, 1) are expected, which checks the pipeline (sampling, binning, likelihood, MCMC).
// Asimov column: per job and K, one fit to the expected histogram of the truth (exactly binned) scaled to
// `--asimov-scale` (default 10) times the events, rounded: its posterior mean is close to the pseudo-true
// κ* of the templates (the κ of the mixture closest to the truth in Kullback–Leibler divergence), so
// κ* − κ is the bias that remains with unlimited data. Printed: mean and s.d. over jobs of κ* − κ.
//
// usage: npx tsc -p tsconfig.json --outDir /tmp/tammb/dist && ln -sfn "$PWD/node_modules" /tmp/tammb/node_modules &&
//   nice -n 19 node scripts/tamm-binned-study.mjs --dist /tmp/tammb/dist
//     [--ks truth,1,2,4,6,8,10] [--jobs 4] [--experiments 3] [--bins 10] [--signal 5000] [--background 50000]
//     [--samples 2000] [--chains 4] [--warmup 300] [--asimov-scale 100] [--seed 2604] [--json out.json]
import fs from "node:fs";
import { parseArgs } from "./lib/args.mjs";
import { defaultDist, distLoader } from "./lib/dist-loader.mjs";

const { opt } = parseArgs(import.meta.url);
const load = distLoader(opt("--dist", defaultDist));
const { Rng } = await load("engine/rng.js");
const { setWarningHandler } = await load("logging.js");
const { samplePoisson } = await load("workflows/t2k/poisson.js");
const { TAMM_TOY_TRUTH, TAMM_TOY_REGION, drawTammTemplates, sampleGaussian2InRegion, gaussian2LogDensityInRegion } =
  await load("workflows/tamm/gaussian-tamm-toy.js");
const { histogramCounts } = await load("inference/tamm-binned/histogram-grid.js");
const { binIntegralsByQuadrature } = await load("inference/tamm-binned/bin-quadrature.js");
const { binProbabilities } = await load("inference/tamm-binned/bin-probabilities.js");
const { fitBinnedTamm } = await load("inference/tamm-binned/fit-binned-tamm.js");

const positive = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got ${v}`);
  return n;
};
const ks = opt("--ks", "truth,1,2,4,6,8,10")
  .split(",")
  .map((k) => (k === "truth" ? k : positive("--ks", k)));
const jobs = positive("--jobs", opt("--jobs", "4"));
const experiments = positive("--experiments", opt("--experiments", "3"));
const nBins = positive("--bins", opt("--bins", "10"));
const meanSignal = positive("--signal", opt("--signal", "5000"));
const meanBackground = positive("--background", opt("--background", "50000"));
const numSamples = positive("--samples", opt("--samples", "2000"));
const chains = positive("--chains", opt("--chains", "4"));
const warmup = positive("--warmup", opt("--warmup", "300"));
const asimovScale = positive("--asimov-scale", opt("--asimov-scale", "10"));
const seed = Number(opt("--seed", "2604"));
const jsonOut = opt("--json", null);
const kappaTrue = meanSignal / (meanSignal + meanBackground);

const grid = { min: [...TAMM_TOY_REGION.min], max: [...TAMM_TOY_REGION.max], bins: [nBins, nBins] };
const exactTemplate = (g) =>
  binProbabilities(
    binIntegralsByQuadrature({ grid, logDensity: (x) => gaussian2LogDensityInRegion(g, x) }).integrals,
    "template",
  );

const trueSignal = exactTemplate(TAMM_TOY_TRUTH.signal),
  trueBackground = exactTemplate(TAMM_TOY_TRUTH.background);
const asimovCounts = Array.from(trueSignal, (s, j) =>
  Math.round(asimovScale * (meanSignal * s + meanBackground * trueBackground[j])),
);

let mcmcWarnings = 0;
const warningKinds = {};
setWarningHandler((m) => {
  mcmcWarnings++;
  const kind = /R-hat/.test(m)
    ? "R̂ > 1.01 (some coordinate)"
    : /bulk ESS/.test(m)
      ? "low bulk ESS"
      : /diverged/.test(m)
        ? "divergences"
        : m.slice(0, 60);
  warningKinds[kind] = (warningKinds[kind] ?? 0) + 1;
});

const t0 = Date.now();
const seconds = () => ((Date.now() - t0) / 1000).toFixed(0);
console.log(
  `binned TAMM coverage study: K = ${ks.join(",")}, ${jobs} jobs × ${experiments} pseudo-experiments, ` +
    `${nBins}×${nBins} bins on [−2, 2]², N_s ~ Poisson(${meanSignal}), N_b ~ Poisson(${meanBackground}) ` +
    `(κ = ${kappaTrue.toFixed(5)}), NUTS ${chains} chains × ${numSamples / chains} draws after ${warmup} warm-up, seed ${seed}`,
);

const master = new Rng(seed);
let jobsDone = 0;
// results[K] = per fit { job, covered, pull, mean, sd, rhat, ess, warned }
const results = Object.fromEntries(ks.map((K) => [K, []]));
const asimov = Object.fromEntries(ks.map((K) => [K, []]));
for (let job = 0; job < jobs; job++) {
  const rng = master.fork();
  // one template population per job; K templates are its first K draws, so the K's of a job are nested
  const maxK = Math.max(1, ...ks.filter((K) => K !== "truth"));
  const pool = drawTammTemplates({ count: maxK, rng });
  const signalPool = pool.signal.map(exactTemplate),
    backgroundPool = pool.background.map(exactTemplate);
  const templatesOf = (K) =>
    K === "truth"
      ? { signalTemplates: [trueSignal], backgroundTemplates: [trueBackground] }
      : { signalTemplates: signalPool.slice(0, K), backgroundTemplates: backgroundPool.slice(0, K) };
  for (const K of ks) {
    const fit = fitBinnedTamm({
      counts: asimovCounts,
      ...templatesOf(K),
      mcmc: { numSamples, chains, warmup },
      rng: rng.fork(),
    });
    asimov[K].push({ job, kappa: fit.kappa.mean, sd: fit.kappa.sd, rhat: fit.kappaRhat });
  }
  for (let e = 0; e < experiments; e++) {
    const ns = samplePoisson(meanSignal, rng),
      nb = samplePoisson(meanBackground, rng);
    const events = new Float64Array(2 * (ns + nb));
    events.set(sampleGaussian2InRegion(TAMM_TOY_TRUTH.signal, ns, rng), 0);
    events.set(sampleGaussian2InRegion(TAMM_TOY_TRUTH.background, nb, rng), 2 * ns);
    const { counts, outside } = histogramCounts(grid, events);
    if (outside !== 0) throw new Error(`${outside} events outside the grid`);
    for (const K of ks) {
      const before = mcmcWarnings;
      const fit = fitBinnedTamm({
        counts,
        ...templatesOf(K),
        mcmc: { numSamples, chains, warmup },
        rng: rng.fork(),
      });
      results[K].push({
        job,
        covered: fit.kappa.lower <= kappaTrue && kappaTrue <= fit.kappa.upper,
        pull: (fit.kappa.mean - kappaTrue) / fit.kappa.sd,
        mean: fit.kappa.mean,
        sd: fit.kappa.sd,
        rhat: fit.kappaRhat,
        ess: fit.kappaEss,
        maxRhat: fit.mcmc.diagnostics.maxRhat,
        warned: mcmcWarnings > before,
      });
    }
  }
  console.log(`  job ${job + 1}/${jobs} done (${seconds()} s)`);
  jobsDone = job + 1;
  // the JSON holds the summary of the jobs done so far: a long run stopped early still has its numbers
  writeJson(jobsDone, summarize(jobsDone, false));
}
writeJson(jobsDone, summarize(jobsDone, true));

function meanOf(a) {
  return a.reduce((s, x) => s + x, 0) / a.length;
}
function sdOf(a) {
  const m = meanOf(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1));
}

/** Per-K summary of the fits so far; printed as a markdown table when `print`. */
function summarize(jobsDone, print) {
  const log = print ? console.log : () => {};
  const summary = [];
  log(
    "\n| K | fits | coverage (68 %) ± binomial ± between-job | pull mean ± se | pull width ± se | mean κ̂ | mean sd(κ) | R̂(κ) > 1.01 | fits with MCMC warnings | median ESS(κ) | Asimov κ* − κ: mean ± s.d. over jobs |",
  );
  log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const K of ks) {
    const r = results[K],
      n = r.length;
    const cov = r.filter((x) => x.covered).length / n;
    const perJob = [...new Set(r.map((x) => x.job))].map((j) =>
      meanOf(r.filter((x) => x.job === j).map((x) => (x.covered ? 1 : 0))),
    );
    const pulls = r.map((x) => x.pull);
    const width = sdOf(pulls);
    const ess = r.map((x) => x.ess).sort((a, b) => a - b);
    const row = {
      K,
      fits: n,
      coverage: cov,
      coverageSe: Math.sqrt((cov * (1 - cov)) / n),
      coverageBetweenJobSe: perJob.length > 1 ? sdOf(perJob) / Math.sqrt(perJob.length) : Number.NaN,
      pullMean: meanOf(pulls),
      pullMeanSe: width / Math.sqrt(n),
      pullWidth: width,
      pullWidthSe: width / Math.sqrt(2 * (n - 1)),
      meanKappa: meanOf(r.map((x) => x.mean)),
      meanSd: meanOf(r.map((x) => x.sd)),
      rhatAbove: r.filter((x) => x.rhat > 1.01).length,
      warned: r.filter((x) => x.warned).length,
      medianEss: ess[Math.floor(n / 2)],
      asimovBias: meanOf(asimov[K].map((a) => a.kappa - kappaTrue)),
      asimovBiasSd: asimov[K].length > 1 ? sdOf(asimov[K].map((a) => a.kappa)) : Number.NaN,
    };
    summary.push(row);
    log(
      `| ${K} | ${n} | ${row.coverage.toFixed(3)} ± ${row.coverageSe.toFixed(3)} ± ${row.coverageBetweenJobSe.toFixed(3)} | ` +
        `${row.pullMean.toFixed(2)} ± ${row.pullMeanSe.toFixed(2)} | ${row.pullWidth.toFixed(2)} ± ${row.pullWidthSe.toFixed(2)} | ` +
        `${row.meanKappa.toFixed(4)} | ${row.meanSd.toFixed(4)} | ${row.rhatAbove} | ${row.warned} | ${row.medianEss.toFixed(0)} | ` +
        `${row.asimovBias.toFixed(4)} ± ${row.asimovBiasSd.toFixed(4)} |`,
    );
  }
  log(
    `\n${jobsDone} of ${jobs} jobs; true κ = ${kappaTrue.toFixed(5)}; MCMC warnings (all fits, Asimov ones included): ${JSON.stringify(warningKinds)}; ${seconds()} s`,
  );
  return summary;
}

function writeJson(jobsDone, summary) {
  if (jsonOut === null) return;
  const tmp = `${jsonOut}.tmp-${process.pid}`;
  fs.writeFileSync(
    tmp,
    JSON.stringify(
      {
        settings: {
          ks,
          jobs,
          experiments,
          nBins,
          meanSignal,
          meanBackground,
          numSamples,
          chains,
          warmup,
          seed,
          kappaTrue,
        },
        jobsDone,
        summary,
        results,
        asimov,
      },
      null,
      1,
    ),
  );
  fs.renameSync(tmp, jsonOut);
}
