// `npm run bench`: the network of the T2K tune (Tame-Narvaez et al., arXiv:2603.09778) in nsbi
// (each kernel path) and, where Debian's python3-torch is installed, in PyTorch (1 and 2 threads)
// on the same data, initial weights and batch order, each in its own process. Prints a table with
// ratios to PyTorch 1-thread, then whole `nsbi` processes (bench/cli-processes.mjs) and the
// diagnostics benchmark.
// usage: node bench/run.mjs [--steps N] [--reps N] [--no-torch] [--no-likelihood] [--json out.json]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureData } from "./seed000-data.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const steps = Number(opt("--steps", 2000));
const dataDir = path.join(here, "data");
ensureData(dataDir);

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.error(`${cmd} ${argv.join(" ")} failed:\n${r.stderr}`);
    return null;
  }
  const line = r.stdout.trim().split("\n").pop();
  return JSON.parse(line);
}

const results = [];
for (const [kp, n, threads] of [
  ["wasm-relaxed-simd", steps, 2],
  ["wasm-relaxed-simd", steps, 1],
  ["wasm-simd", steps, 1],
  ["ts", Math.min(steps, 300), 1],
]) {
  process.stderr.write(`bench: nsbi ${kp}, ${threads} thread(s) (${n} steps)...\n`);
  const r = run(process.execPath, [path.join(here, "seed000.mjs"), dataDir, kp, String(n), String(threads)]);
  if (r) results.push(r);
}
const python = "/usr/bin/python3";
const torchOk =
  !args.includes("--no-torch") &&
  fs.existsSync(python) &&
  spawnSync(python, ["-c", "import torch"], { encoding: "utf8" }).status === 0;
let torch1 = null;
if (torchOk) {
  for (const t of [1, 2]) {
    process.stderr.write(`bench: PyTorch ${t} thread(s) (${steps} steps)...\n`);
    const r = run(python, [path.join(here, "torch_reference.py"), dataDir, String(t), String(steps)]);
    if (r) {
      results.push(r);
      if (t === 1) torch1 = r;
    }
  }
} else process.stderr.write("bench: python3-torch not found, PyTorch reference skipped\n");

const fmt = (v, d = 2) => (v === undefined || v === null ? "-" : Number(v).toFixed(d));
const ratio = (a, b, inverse) => (torch1 ? `${fmt(inverse ? b / a : a / b)}x` : "-");
console.log("\nT2K tune network: embedding 58-45-32-20 + MAF 3 x 55 hidden, theta dim 4, batch 512, Adam 1e-3");
console.log(
  "engine                            | steps/s (x torch1) | log-prob 100k s (x) | sample 100k s (x) | peak RSS MB (x) | loss@1 / @100 / @last | test NLL",
);
for (const r of results) {
  const last = Object.keys(r.loss_at)
    .map(Number)
    .sort((a, b) => a - b)
    .pop();
  console.log(
    `${r.engine.padEnd(33)} | ${fmt(r.steps_per_s, 0).padStart(6)} (${ratio(r.steps_per_s, torch1?.steps_per_s)}) | ` +
      `${fmt(r.logprob_100k_s, 3)} (${ratio(r.logprob_100k_s, torch1?.logprob_100k_s, true)}) | ` +
      `${fmt(r.sample_100k_s, 3)} (${ratio(r.sample_100k_s, torch1?.sample_100k_s, true)}) | ` +
      `${fmt(r.peak_rss_mb, 0)} (${ratio(r.peak_rss_mb, torch1?.peak_rss_mb)}) | ` +
      `${fmt(r.loss_at["1"], 3)} / ${fmt(r.loss_at["100"], 3)} / ${fmt(r.loss_at[String(last)], 3)} @${last} | ${fmt(r.test_nll, 3)}`,
  );
}
console.log(
  "ratios: speed columns are torch-time / nsbi-time (higher is faster); memory is nsbi / torch (lower is better)",
);
process.stderr.write("bench: whole nsbi processes...\n");
const cli = run(process.execPath, [path.join(here, "cli-processes.mjs"), "--reps", opt("--reps", "5")]);
if (cli) {
  console.log(
    `\nwhole processes (wall time, median of ${cli.reps}; start-up, model load, threads and output file included)`,
  );
  for (const r of cli.rows) console.log(`${r.command.padEnd(45)} | ${fmt(r.median_s)} s (min ${fmt(r.min_s)})`);
}
const diag = run(process.execPath, [path.join(here, "diagnostics.mjs")]);
if (diag)
  console.log(
    `diagnostics (1000 tests x 1000 draws: SBC, expected coverage, TARP, pulls): ${fmt(diag.diagnostics_seconds)} s (target < 10 s)`,
  );
// NLE / NRE (issue #11): training steps/s and MCMC time on two_moons, beside sbi 0.27 when
// /usr/bin/python3 and ../shared/tools/sbi-reference are present (bench/likelihood.mjs skips sbi otherwise).
let likelihood = null;
if (args.includes("--no-likelihood")) process.stderr.write("bench: likelihood section skipped (--no-likelihood)\n");
else {
  process.stderr.write("bench: NLE / NRE training and MCMC (bench/likelihood.mjs)...\n");
  const argv = ["--experimental-wasm-relaxed-simd", path.join(here, "likelihood.mjs")];
  if (!torchOk) argv.push("--no-sbi");
  likelihood = run(process.execPath, argv);
}
if (likelihood) {
  const l = likelihood,
    s = l.sbi;
  console.log(`\nNLE / NRE on two_moons, 10,000 simulations, ${l.epochs} epochs (steps/s incl. validation)`);
  console.log(
    `NLE MAF 5x50 batch 50: ${fmt(l.nleBatch50.stepsPerSecond, 0)} steps/s; batch 200: ${fmt(l.nleBatch200.stepsPerSecond, 0)}` +
      (s ? ` (sbi ${s.version}: ${fmt(s.nleStepsPerSecond, 0)})` : ""),
  );
  console.log(
    `NRE-A resnet 50 batch 200: ${fmt(l.nreABatch200.stepsPerSecond, 0)} steps/s` +
      (s ? ` (sbi: ${fmt(s.nreStepsPerSecond, 0)})` : ""),
  );
  console.log(
    `MCMC 10,000 samples, slice, 20 chains: NLE ${fmt(l.nleMcmc.medianSeconds, 3)} s` +
      (s ? ` (sbi ${fmt(s.nleSampleSeconds)} s, ${fmt(s.nleSampleSeconds / l.nleMcmc.medianSeconds, 1)}x)` : "") +
      `; NRE-A ${fmt(l.nreAMcmc.medianSeconds, 3)} s` +
      (s ? ` (sbi ${fmt(s.nreSampleSeconds)} s, ${fmt(s.nreSampleSeconds / l.nreAMcmc.medianSeconds, 1)}x)` : "") +
      (l.nleSampleProcess ? `; whole nsbi sample (NLE) ${fmt(l.nleSampleProcess.medianSeconds)} s` : ""),
  );
}
const out = opt("--json");
if (out)
  fs.writeFileSync(out, JSON.stringify({ network: results, processes: cli, diagnostics: diag, likelihood }, null, 1));
