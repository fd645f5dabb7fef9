// What runMcmc's onProgress costs: interleaved timing of the same runs (same seeds) with and without
// an onProgress callback, on a target whose potential is nearly free (so the samplers' own
// bookkeeping, hooks included, is all there is to time): the correlated 2-D Gaussian of docs/mcmc.md
// "Speed" (σ = (1, 0.5), ρ = 0.8, box prior [−10, 10]², logit coordinates), 20 chains, warm-up 100,
// 10,000 samples. Each repetition runs every variant once, in rotating order; medians are compared.
// With --baseline, also runs without onProgress from another build (e.g. one made before the
// progress hooks) to show what the unused hook costs. Checks that the draws are bit-identical.
//
// usage: npx tsc -p tsconfig.json --outDir /tmp/new/dist && \
//        node scripts/mcmc-progress-overhead.mjs [--method nuts[,hmc,slice]] [--reps 15]
//          [--dist /tmp/new/dist] [--baseline /tmp/old/dist]
// (a build outside the repository needs node_modules beside it: ln -s $PWD/node_modules /tmp/new/)
import { distLoader } from "./lib/dist-loader.mjs";

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const methods = opt("--method", "nuts").split(",");
const reps = Number(opt("--reps", 15));
const dists = [opt("--dist", undefined), opt("--baseline", undefined)];

async function library(dist) {
  const load = distLoader(dist);
  const [{ runMcmc }, { Rng }, { BoxUniform }, { gaussianPotential }] = await Promise.all([
    load("inference/mcmc/run-mcmc.js"),
    load("engine/rng.js"),
    load("flows/priors/box-uniform.js"),
    load("inference/mcmc/test-targets.js"),
  ]);
  return { runMcmc, Rng, BoxUniform, gaussianPotential };
}

const current = await library(dists[0]);
const baseline = dists[1] ? await library(dists[1]) : null;
for (const d of dists.filter((d, i) => i === 0 || d !== undefined))
  (await distLoader(d)("logging.js")).setWarningHandler(() => {});

const sd = [1, 0.5],
  rho = 0.8;
const cov = [
  [sd[0] ** 2, rho * sd[0] * sd[1]],
  [rho * sd[0] * sd[1], sd[1] ** 2],
];

/**
 * One timed run: CPU milliseconds of this process (user + system; less disturbed than wall time by the
 * other processes of a shared machine), onProgress calls, a checksum of the draws' bytes.
 */
function run(lib, method, seed, withProgress) {
  const lower = [-10, -10],
    upper = [10, 10];
  let reports = 0;
  const t0 = process.cpuUsage();
  const r = lib.runMcmc({
    potential: lib.gaussianPotential([0, 0], cov, lower, upper),
    prior: new lib.BoxUniform(lower, upper),
    numSamples: 10_000,
    chains: 20,
    warmup: 100,
    method,
    rng: new lib.Rng(seed),
    onProgress: withProgress ? () => reports++ : undefined,
  });
  const dt = process.cpuUsage(t0),
    ms = (dt.user + dt.system) / 1000;
  let h = 0;
  for (const b of new Uint8Array(r.chains.buffer)) h = (h * 31 + b) >>> 0;
  return { ms, reports, checksum: h };
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};

for (const method of methods) {
  const variants = [
    { name: "without onProgress", lib: current, progress: false },
    { name: "with onProgress", lib: current, progress: true },
  ];
  if (baseline) variants.push({ name: "baseline build, without", lib: baseline, progress: false });
  for (const v of variants) run(v.lib, method, 1000, v.progress); // JIT warm-up, untimed
  const times = variants.map(() => []);
  let reports = 0,
    identical = true;
  for (let rep = 0; rep < reps; rep++) {
    const sums = [];
    for (let k = 0; k < variants.length; k++) {
      const i = (rep + k) % variants.length,
        v = variants[i];
      const r = run(v.lib, method, rep + 1, v.progress);
      times[i].push(r.ms);
      sums[i] = r.checksum;
      if (v.progress) reports = r.reports;
    }
    if (sums.some((s) => s !== sums[0])) identical = false;
  }
  const med = times.map(median);
  console.log(`${method}: ${reps} repetitions, median CPU ms per run of 10,000 samples (20 chains, warm-up 100)`);
  variants.forEach((v, i) => {
    console.log(
      `  ${v.name.padEnd(26)} ${med[i].toFixed(1).padStart(8)} ms   ratio to without ${(med[i] / med[0]).toFixed(3)}`,
    );
  });
  // paired ratios (same seed, same repetition) are less noisy than the ratio of medians
  const paired = times[1].map((t, r) => t / times[0][r]);
  console.log(
    `  paired ratio with/without: median ${median(paired).toFixed(3)} (min ${Math.min(...paired).toFixed(3)}, max ${Math.max(...paired).toFixed(3)})`,
  );
  console.log(`  onProgress calls per run: ${reports}; draws bit-identical across variants: ${identical}`);
}
