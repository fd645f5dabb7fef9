// Coverage study of template-adapted mixture models (TAMMs; E. Alvarez, L. Benevedes, M. Szewc, J. Thaler,
// arXiv:2604.02219), the unbinned frequentist fit, on the di-Higgs-like toy (docs/tamm.md, "The di-Higgs-like
// toy"; src/workflows/tamm/dijet-toy.ts). The paper's hh → 4b and QCD samples are not available offline;
// this toy has two dijet-mass-like features on [60, 200]² GeV: signal Gaussian peaks at 125 GeV (15 GeV
// resolution), background e^{−m/40 GeV}, both truncated to the box. Simulated templates are jet-energy-scale
// (JES) variations x → s_k·x of both; the pseudo-data are at a true scale --true-scale that no template has.
//
// Templates: the first K of --scales (default 1,0.96,1.04,0.98,1.02, so K = 1 is the nominal JES alone,
// K = 2 adds 0.96 (both below the truth: extrapolation), K = 3 brackets the truth 1.015, K = 5 adds two
// more). With --jitter σ each job draws every signal and every background template scale independently as
// the grid value + N(0, σ²) (so signal and background templates differ, and jobs differ); without it the
// jobs differ only by the reference sample.
// Per pseudo-experiment (N_s signal + N_b background events at the true scale, κ = N_s/(N_s + N_b)) and K:
// fitTamm on the exact template log-ratios against the uniform reference (oracle columns), κ̂ ± σ_sandwich,
// pull = (κ̂ − κ)/σ_sandwich, coverage = fraction with |pull| ≤ 1 ± binomial √(p(1 − p)/n) (ignores that
// one job's pseudo-experiments share templates and reference: the s.d. of the per-job mean pulls is printed).
// --profile adds zS, the profile-likelihood z of κ rescaled to the sandwich variance.
//
// The template scales come from drawDijetTemplateScales, as in `nsbi study tamm` with simulator "dijet-toy"
// (src/workflows/tamm-study/), the campaign form of this study.
//
// usage: npx tsc -p tsconfig.json --outDir /tmp/dijet/dist && ln -sfn "$PWD/node_modules" /tmp/dijet/dist/node_modules &&
//   nice -n 19 node scripts/tamm-dijet-study.mjs --dist /tmp/dijet/dist
//     [--jobs 3] [--experiments 6] [--ks 1,2,3,5] [--scales 1,0.96,1.04,0.98,1.02] [--true-scale 1.015]
//     [--jitter 0] [--signal 5000] [--background 50000] [--reference 100000] [--lambda 1]
//     [--form exponential|linear] [--composition binomial|fixed] [--seed 125] [--profile] [--json out.json]
// --composition: binomial (default here) draws N_s ~ Binomial(N_s + N_b, κ), the iid sampling model the
//   sandwich assumes; fixed (the Gaussian study's default) keeps N_s exactly and then over-covers, because the
//   count fluctuation √(Nκ(1 − κ)) is a large share of σ(κ̂) when signal and background are well separated.
import { parseArgs } from "./lib/args.mjs";
import { defaultDist, distLoader } from "./lib/dist-loader.mjs";
import { cover, mean, pullSummary } from "./lib/pull-summary.mjs";

const { opt, has } = parseArgs(import.meta.url);
const profile = has("--profile");
const load = distLoader(opt("--dist", defaultDist));
const { writeFileAtomic } = await load("node/files.js");
const { Rng } = await load("engine/rng.js");
const {
  DIJET_JES_GRID,
  DIJET_TRUE_SCALE,
  dijetOracleColumns,
  drawDijetTemplateScales,
  sampleDijetPseudoData,
  sampleUniformInDijetBox,
} = await load("workflows/tamm/dijet-toy.js");
const { fitTamm } = await load("inference/tamm/fit-tamm.js");

const positive = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got ${v}`);
  return n;
};
const positiveNumber = (name, v) => {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`${name}: expected a number > 0, got ${v}`);
  return n;
};
const jobs = positive("--jobs", opt("--jobs", "3"));
const experiments = positive("--experiments", opt("--experiments", "6"));
const ks = opt("--ks", "1,2,3,5")
  .split(",")
  .map((k) => positive("--ks", k));
const grid = opt("--scales", DIJET_JES_GRID.join(","))
  .split(",")
  .map((s) => positiveNumber("--scales", s));
const trueScale = positiveNumber("--true-scale", opt("--true-scale", String(DIJET_TRUE_SCALE)));
const jitter = Number(opt("--jitter", "0"));
if (!(jitter >= 0)) throw new Error(`--jitter: expected a number ≥ 0, got ${opt("--jitter")}`);
const nSignal = positive("--signal", opt("--signal", "5000"));
const nBackground = positive("--background", opt("--background", "50000"));
const nReference = positive("--reference", opt("--reference", "100000"));
const lambda = Number(opt("--lambda", "1"));
const form = opt("--form", "exponential");
const seed = Number(opt("--seed", "125"));
const composition = opt("--composition", "binomial");
if (composition !== "fixed" && composition !== "binomial") throw new Error("--composition: fixed or binomial");
const jsonOut = opt("--json", null);
const kMax = Math.max(...ks);
if (kMax > grid.length) throw new Error(`--ks: K = ${kMax} needs at least ${kMax} --scales, got ${grid.length}`);
const kappaTrue = nSignal / (nSignal + nBackground);

const master = new Rng(seed);
const t0 = Date.now();
const seconds = () => ((Date.now() - t0) / 1000).toFixed(0);
console.log(
  `TAMM di-Higgs-like study (oracle; ${form}): K=${ks.join(",")}, template JES ${grid.slice(0, kMax).join(", ")}` +
    `${jitter > 0 ? ` + N(0, ${jitter}²) per template and job` : ""}, true JES ${trueScale}; ${jobs} jobs × ${experiments} ` +
    `pseudo-experiments, N_s=${nSignal}, N_b=${nBackground} (κ=${kappaTrue.toFixed(5)}, ${composition}), reference ${nReference}, λ=${lambda}, seed ${seed}`,
);

const failures = [];
const results = Object.fromEntries(ks.map((k) => [k, []]));
const jobScales = [];
for (let job = 0; job < jobs; job++) {
  const rng = master.fork();
  const scales = drawDijetTemplateScales({ grid, count: kMax, jitter, rng });
  jobScales.push(scales);
  const reference = dijetOracleColumns(scales, sampleUniformInDijetBox(nReference, rng));
  for (let e = 0; e < experiments; e++) {
    const x = sampleDijetPseudoData({ signal: nSignal, background: nBackground, scale: trueScale, composition, rng });
    const data = dijetOracleColumns(scales, x);
    for (const k of ks) {
      const first = (c) => ({ signal: c.signal.slice(0, k), background: c.background.slice(0, k) });
      let fit;
      try {
        fit = fitTamm({ data: first(data), reference: first(reference), form, lambda, start: { kappa: kappaTrue } });
      } catch (err) {
        failures.push({ k, job, experiment: e, error: String(err.message ?? err) });
        continue;
      }
      const z = profile
        ? fit.zScore(kappaTrue)
        : { pull: (fit.kappa - kappaTrue) / fit.sigmaKappa, zSandwich: Number.NaN, converged: true };
      results[k].push({
        job,
        kappa: fit.kappa,
        sigma: fit.sigmaKappa,
        sigmaDataOnly: fit.sigmaKappaDataOnly,
        pull: z.pull,
        zS: z.zSandwich,
        converged: fit.converged && z.converged,
        signalWeights: Array.from(fit.signalWeights),
        backgroundWeights: Array.from(fit.backgroundWeights),
      });
    }
  }
  console.log(`  job ${job + 1}/${jobs} done (${seconds()} s)`);
}

console.log(
  "\n K | n   | cover |pull|≤1 | cover |zS|≤1  | pull mean ± se   | pull sd | job-mean-pull sd | mean κ̂   | mean σ   | σ_data/σ | not conv. | mean ŵ (signal)",
);
const summary = {};
for (const k of ks) {
  const r = results[k];
  if (r.length === 0) {
    console.log(`${String(k).padStart(2)} | 0 fits`);
    continue;
  }
  const pulls = r.map((v) => v.pull),
    meanWeights = Array.from({ length: k }, (_, i) => mean(r.map((v) => v.signalWeights[i])));
  const s = { ...pullSummary(r, { jobs, profile }), meanSignalWeights: meanWeights };
  summary[k] = s;
  console.log(
    `${String(k).padStart(2)} | ${String(s.n).padEnd(3)} | ${cover(pulls).padEnd(14)} | ${(profile ? cover(r.map((v) => v.zS)) : "-").padEnd(13)} | ` +
      `${s.pullMean.toFixed(3).padStart(7)} ± ${(s.pullSd / Math.sqrt(s.n)).toFixed(3)}  | ${s.pullSd.toFixed(3).padStart(7)} | ` +
      `${s.jobMeanPullSd.toFixed(3).padStart(16)} | ${s.meanKappa.toFixed(5)} | ${s.meanSigma.toFixed(5)} | ${s.dataOnlyRatio.toFixed(3).padStart(8)} | ` +
      `${String(s.notConverged).padStart(9)} | ${meanWeights.map((w) => w.toFixed(2)).join(", ")}`,
  );
}
console.log(`\n${failures.length} fits threw${failures.length ? `; first: ${failures[0].error}` : ""}`);
console.log(`(${seconds()} s)`);
if (jsonOut)
  writeFileAtomic(
    jsonOut,
    `${JSON.stringify(
      {
        jobs,
        experiments,
        ks,
        grid,
        trueScale,
        jitter,
        nSignal,
        nBackground,
        nReference,
        lambda,
        form,
        composition,
        seed,
        jobScales,
        summary,
        failures,
        results,
      },
      null,
      1,
    )}\n`,
  );
