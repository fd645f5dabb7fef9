// Coverage study of template-adapted mixture models (TAMMs; E. Alvarez, L. Benevedes, M. Szewc, J. Thaler,
// arXiv:2604.02219), the unbinned frequentist exponential fit, on the Gaussian TAMM toy (docs/tamm.md):
// true signal N(0, I), true background N((0, 1), [[3, 0.4], [0.4, 3]]), region [−2, 2]², pseudo-data of
// N_s signal + N_b background events (κ = N_s/(N_s + N_b), default 1/11).
//
// Per job: K_max signal and K_max background template Gaussians drawn from the documented recipe, a
// reference sample uniform over the region (--reference-from uniform) or from the equal mixture of the
// job's 2·K_max templates (--reference-from templates, as the authors' code does); each K in --ks uses
// the first K templates of the job (nested).
// Per pseudo-experiment, K and method: fitTamm on the template log-ratios of the method, κ̂ ± σ_sandwich, and
//   pull = (κ̂ − κ)/σ_sandwich (reference sample's share included), and with --profile also
//   zS = the profile-likelihood z of κ rescaled by σ_Hessian/σ_sandwich (a second fit per K).
// Coverage = fraction with |pull| ≤ 1 (and |zS| ≤ 1); ± is the binomial standard error √(p(1 − p)/n), which
// ignores that the pseudo-experiments of one job share its templates (the per-job spread of the mean pull
// is printed for that). K = 1 is the single misspecified template (expected biased).
// Methods (--methods, comma-separated):
//   oracle      exact template log densities (gaussian2LogDensityInRegion) against the uniform reference;
//   classifier  one template classifier per job (trainTammTemplateClassifier: 3 × 64 ReLU conditioned on
//               the one-hot template index, BCE against uniform reference events), --train-events per
//               template; its log-ratios on the pseudo-data and on the reference sample.
//   softmax     the authors' set-up: one 2·K_max-class softmax classifier per job (trainTammSoftmaxClassifier:
//               3 × 64 leaky ReLU, 4 bootstrap members, member-averaged log-ratios ln 𝔰_c/q against the
//               equal mixture q of the templates), --train-events per template; needs --reference-from templates.
//
// usage: npx tsc -p tsconfig.json --outDir /tmp/nsbi-dist &&
//   nice -n 19 node scripts/tamm-coverage-study.mjs --dist /tmp/nsbi-dist
//     [--jobs 3] [--experiments 6] [--ks 1,2,4,6,8,10] [--signal 5000] [--background 50000]
//     [--reference 100000] [--reference-from uniform|templates] [--lambda 1] [--form exponential|linear] [--composition fixed|binomial]
//   --control: a check of the fit itself: per job and K the truth is replaced by the exponential mixture of
//     the job's first K templates at w = v = 1/K (geometricMeanGaussian2), which the TAMM represents exactly.
//     [--seed 2604] [--control] [--profile] [--methods oracle,classifier,softmax] [--train-events 5000] [--members 4]
//     [--json out.json]
import { parseArgs } from "./lib/args.mjs";
import { defaultDist, distLoader } from "./lib/dist-loader.mjs";
import { cover, mean, pullSummary } from "./lib/pull-summary.mjs";

const { opt, has } = parseArgs(import.meta.url);
const profile = has("--profile");
const control = has("--control");
const load = distLoader(opt("--dist", defaultDist));
const { writeFileAtomic } = await load("node/files.js");
const { Rng } = await load("engine/rng.js");
const { drawTammTemplates } = await load("workflows/tamm/gaussian-tamm-toy.js");
const { sampleTammPseudoData, sampleUniformInRegion } = await load("workflows/tamm/tamm-samples.js");
const { sampleTemplateMixtureInRegion } = await load("workflows/tamm/template-mixture-reference.js");
const { oracleTammColumns } = await load("workflows/tamm/tamm-oracle-columns.js");
const { fitTamm } = await load("inference/tamm/fit-tamm.js");
const { trainTammTemplateClassifier } = await load("workflows/tamm/tamm-template-classifier.js");
const { trainTammSoftmaxClassifier } = await load("workflows/tamm/tamm-softmax-classifier.js");
const { sampleGaussian2InRegion } = await load("workflows/tamm/gaussian-tamm-toy.js");
const { geometricMeanGaussian2 } = await load("workflows/tamm/geometric-mean-gaussian2.js");

const positive = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got ${v}`);
  return n;
};
const jobs = positive("--jobs", opt("--jobs", "3"));
const experiments = positive("--experiments", opt("--experiments", "6"));
const ks = opt("--ks", "1,2,4,6,8,10")
  .split(",")
  .map((k) => positive("--ks", k));
const nSignal = positive("--signal", opt("--signal", "5000"));
const nBackground = positive("--background", opt("--background", "50000"));
const nReference = positive("--reference", opt("--reference", "100000"));
const referenceFrom = opt("--reference-from", "uniform");
if (referenceFrom !== "uniform" && referenceFrom !== "templates")
  throw new Error("--reference-from: uniform or templates");
const lambda = Number(opt("--lambda", "1"));
const form = opt("--form", "exponential");
const composition = opt("--composition", "fixed");
if (composition !== "fixed" && composition !== "binomial") throw new Error("--composition: fixed or binomial");
const seed = Number(opt("--seed", "2604"));
const jsonOut = opt("--json", null);
const methods = opt("--methods", "oracle").split(",");
if (methods.some((m) => m !== "oracle" && m !== "classifier" && m !== "softmax"))
  throw new Error("--methods: oracle, classifier and/or softmax");
if (referenceFrom === "templates" && methods.includes("classifier"))
  throw new Error(
    "--reference-from templates: the classifier's log-ratios are against the uniform reference; use --methods oracle,softmax",
  );
if (referenceFrom !== "templates" && methods.includes("softmax"))
  throw new Error(
    "--methods softmax: its log-ratios are against the templates' mixture; add --reference-from templates",
  );
const members = positive("--members", opt("--members", "4"));
const trainEvents = positive("--train-events", opt("--train-events", "5000"));
const kappaTrue = nSignal / (nSignal + nBackground);
const kMax = Math.max(...ks);

const master = new Rng(seed);
const t0 = Date.now();
const seconds = () => ((Date.now() - t0) / 1000).toFixed(0);
console.log(
  `TAMM coverage study (${methods.join(", ")}; ${form}${control ? "; CONTROL truth = 1/K mixture" : ""}): K=${ks.join(",")}, ${jobs} jobs × ${experiments} pseudo-experiments, ` +
    `N_s=${nSignal}, N_b=${nBackground} (κ=${kappaTrue.toFixed(5)}, ${composition}), reference ${nReference} (${referenceFrom}), λ=${lambda}, seed ${seed}`,
);

const controlTruth = (templates, k) => {
  const w = new Array(k).fill(1 / k);
  return {
    signal: geometricMeanGaussian2(templates.signal.slice(0, k), w),
    background: geometricMeanGaussian2(templates.background.slice(0, k), w),
  };
};
const first = (cols, k) => ({ signal: cols.signal.slice(0, k), background: cols.background.slice(0, k) });
// results[method][K] = [{ job, kappa, sigma, sigmaHessian, sigmaDataOnly, pull, zS, z, converged }]
const failures = [];
const results = Object.fromEntries(methods.map((m) => [m, Object.fromEntries(ks.map((k) => [k, []]))]));
for (let job = 0; job < jobs; job++) {
  const rng = master.fork();
  const templates = drawTammTemplates({ count: kMax, rng });
  const q = referenceFrom === "templates" ? { components: [...templates.signal, ...templates.background] } : undefined;
  const referenceX = q ? sampleTemplateMixtureInRegion(q, nReference, rng) : sampleUniformInRegion(nReference, rng);
  const columnsOf = { oracle: (x) => oracleTammColumns(templates, x, q) };
  if (methods.includes("classifier")) {
    const all = [...templates.signal, ...templates.background];
    const clf = trainTammTemplateClassifier({
      templates: all.map((g) => sampleGaussian2InRegion(g, trainEvents, rng)),
      reference: sampleUniformInRegion(2 * trainEvents, rng),
      xDim: 2,
      seed: rng.forkSeed(),
    });
    console.log(`  job ${job + 1}: classifier trained, ${clf.trained.history.epochs} epochs (${seconds()} s)`);
    columnsOf.classifier = (x) => clf.tammColumns(x, x.length / 2);
  }
  if (methods.includes("softmax")) {
    const all = [...templates.signal, ...templates.background];
    const cpu0 = process.cpuUsage();
    const clf = trainTammSoftmaxClassifier({
      templates: all.map((g) => sampleGaussian2InRegion(g, trainEvents, rng)),
      xDim: 2,
      members,
      seed: rng.forkSeed(),
    });
    const cpu = process.cpuUsage(cpu0);
    const epochs = clf.histories.map((h) => h.epochs).join("/");
    console.log(
      `  job ${job + 1}: softmax classifier trained (${all.length} classes, ${members} members, epochs ${epochs}, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} CPU s)`,
    );
    columnsOf.softmax = (x) => clf.tammColumns(x, x.length / 2);
  }
  const reference = Object.fromEntries(methods.map((m) => [m, columnsOf[m](referenceX)]));
  for (let e = 0; e < experiments; e++) {
    const draw = (truth) => sampleTammPseudoData({ signal: nSignal, background: nBackground, rng, composition, truth });
    // control: one pseudo-data set per K, from that K's exactly representable truth
    const shared = control ? null : draw(undefined);
    const xs = Object.fromEntries(ks.map((k) => [k, shared ?? draw(controlTruth(templates, k))]));
    for (const method of methods) {
      const sharedData = shared ? columnsOf[method](shared) : null;
      for (const k of ks) {
        const data = sharedData ?? columnsOf[method](xs[k]);
        let fit;
        try {
          fit = fitTamm({
            data: first(data, k),
            reference: first(reference[method], k),
            form,
            lambda,
            start: { kappa: kappaTrue },
          });
        } catch (err) {
          failures.push({ method, k, job, experiment: e, error: String(err.message ?? err) });
          continue;
        }
        const z = profile
          ? fit.zScore(kappaTrue)
          : { pull: (fit.kappa - kappaTrue) / fit.sigmaKappa, zSandwich: Number.NaN, z: Number.NaN, converged: true };
        results[method][k].push({
          job,
          kappa: fit.kappa,
          sigma: fit.sigmaKappa,
          sigmaHessian: fit.sigmaKappaHessian,
          sigmaDataOnly: fit.sigmaKappaDataOnly,
          pull: z.pull,
          zS: z.zSandwich,
          z: z.z,
          converged: fit.converged && z.converged,
        });
      }
    }
  }
  console.log(`  job ${job + 1}/${jobs} done (${seconds()} s)`);
}

const header =
  " K | n   | cover |pull|≤1 | cover |zS|≤1  | pull mean ± se   | pull sd | job-mean-pull sd | mean κ̂   | mean σ   | σ_H/σ | σ_data/σ | not conv.";

const summary = {};
for (const method of methods) {
  console.log(`\n${method}\n${header}`);
  summary[method] = {};
  for (const k of ks) {
    const r = results[method][k],
      pulls = r.map((v) => v.pull);
    summary[method][k] = {
      ...pullSummary(r, { jobs, profile }),
      sigmaRatio: mean(r.map((v) => v.sigmaHessian / v.sigma)),
    };
    const s = summary[method][k];
    console.log(
      `${String(k).padStart(2)} | ${String(s.n).padEnd(3)} | ${cover(pulls).padEnd(14)} | ${(profile ? cover(r.map((v) => v.zS)) : "-").padEnd(13)} | ` +
        `${s.pullMean.toFixed(3).padStart(7)} ± ${(s.pullSd / Math.sqrt(s.n)).toFixed(3)}  | ${s.pullSd.toFixed(3).padStart(7)} | ` +
        `${s.jobMeanPullSd.toFixed(3).padStart(16)} | ${s.meanKappa.toFixed(5)} | ${s.meanSigma.toFixed(5)} | ${s.sigmaRatio.toFixed(3)} | ${s.dataOnlyRatio.toFixed(3).padStart(8)} | ${s.notConverged}`,
    );
  }
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
        nSignal,
        nBackground,
        nReference,
        referenceFrom,
        lambda,
        form,
        composition,
        seed,
        methods,
        trainEvents,
        members,
        summary,
        failures,
        results,
      },
      null,
      1,
    )}\n`,
  );
