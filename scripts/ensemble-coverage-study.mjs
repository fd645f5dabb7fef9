// Coverage study of w_i f_i ensembles (Benevedes, Thaler, arXiv 2506.00113) on the mixture-fraction
// task p(x|κ) = κ n(x) + (1 − κ) d(x), with a 2-D two-Gaussian toy whose log ratio is known in closed form
// (the quark/gluon jets of the paper are not available offline). docs/ensembles.md describes it.
//
// A thin wrapper of the library's study (src/workflows/ensemble-study/: the jobs, the statistics, the
// text summary): the same jobs as `nsbi study wifi`, run one after another in this process with the
// results kept in memory (no study folder, no resume, no report; use `nsbi study wifi` for those).
// Per training, per κ, pseudo-experiments each redraw D_fit and a test mixture and estimate κ with the
// exact ratio, network 0 alone, the plain average, and w_i f_i with the Gong–Samaniego error (and with the
// statistical error only); coverage = fraction with |z| ≤ 1, ± the binomial s.e. Sandwich check: per
// training, fresh fit sets; empirical Var(ŵ_j) against the mean sandwich diag(C)_jj.
//
// usage: npx tsc -p tsconfig.json --outDir /tmp/nsbi-dist &&
//   nice -n 10 node scripts/ensemble-coverage-study.mjs --dist /tmp/nsbi-dist [--scale quick|default|paper]
//     [--members M] [--train N] [--fit N] [--test N] [--kappas 0.05,0.2,0.5] [--experiments n]
//     [--experiments-per-job n] [--trainings T] [--sandwich-sets S] [--max-epochs E] [--partition]
//     [--seed 2506] [--toy linear|quadratic] [--json out.json]
//   --scale: the presets of `nsbi study wifi` (default quick); --paper is --scale paper. Explicit flags
//   override the preset; --experiments 0 runs the sandwich check only. --json writes results.json's numbers.
import { parseArgs } from "./lib/args.mjs";
import { distLoader } from "./lib/dist-loader.mjs";

const args = parseArgs(import.meta.url);
const load = distLoader(args.opt("--dist", undefined));
const { parseWifiStudyConfig } = await load("workflows/ensemble-study/study-config.js");
const { runWifiStudy } = await load("workflows/ensemble-study/run-study.js");
const { jobKinds } = await load("workflows/ensemble-study/study-kinds.js");
const { wifiStudySummaryLines } = await load("workflows/ensemble-study/study-summary-text.js");
const { InProcessExecutor } = await load("campaigns/in-process-executor.js");
const { MemoryCampaignStore } = await load("campaigns/memory-store.js");
const { JobKindRegistry } = await load("campaigns/job-kind.js");

// flag → config field; values are parsed as numbers where the field is numeric (the config validates them)
const input = {};
const numeric = {
  "--members": "members",
  "--train": "trainEvents",
  "--fit": "fitEvents",
  "--test": "testEvents",
  "--experiments": "experiments",
  "--experiments-per-job": "experimentsPerJob",
  "--trainings": "trainings",
  "--sandwich-sets": "sandwichSets",
  "--max-epochs": "maxEpochs",
  "--seed": "seed",
};
for (const [flag, field] of Object.entries(numeric)) {
  const v = args.opt(flag, undefined);
  if (v !== undefined) input[field] = Number(v);
}
const kappas = args.opt("--kappas", undefined);
if (kappas !== undefined) input.kappas = kappas.split(",").map(Number);
const toy = args.opt("--toy", undefined);
if (toy !== undefined) input.toy = toy;
if (args.has("--partition")) input.resampling = "partition";
const scale = args.has("--paper") ? "paper" : args.opt("--scale", undefined);
let config;
try {
  config = parseWifiStudyConfig(input, "command line", { scale });
} catch (e) {
  console.error(`ensemble-coverage-study: ${e.message}`);
  process.exit(1);
}

const c = config;
console.log(
  `w_i f_i coverage study (${c.toy} toy, ${c.scale} scale): M=${c.members}, N_train=N_fit=${c.trainEvents}/${c.fitEvents} per class, N_test=${c.testEvents}, ` +
    `κ=${c.kappas.join(",")}, ${c.experiments} pseudo-experiments × ${c.trainings} trainings, ${c.sandwichSets} sandwich sets, seed ${c.seed}`,
);
const t0 = Date.now();
const { results, summary } = await runWifiStudy({
  config,
  store: new MemoryCampaignStore(),
  executor: new InProcessExecutor(new JobKindRegistry(jobKinds)),
  kindsModule: "(in process)",
  onProgress: (_p, e) => {
    if (e.type === "done" && e.label?.startsWith("train"))
      console.log(`${e.label} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    if (e.type === "failed") console.log(`failed: ${e.label}: ${e.error}`);
  },
});
console.log("");
for (const line of wifiStudySummaryLines(results)) console.log(line);
console.log(`${summary.done}/${summary.total} jobs; total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
if (args.opt("--json", undefined)) {
  const { writeFileAtomic } = await load("node/files.js");
  writeFileAtomic(args.opt("--json"), `${JSON.stringify(results, null, 1)}\n`);
}
