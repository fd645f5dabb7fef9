// NLE / NRE speed (issue #11 §7) on two_moons with 10,000 simulations:
//  - training steps/s (validation passes included, as history.seconds counts them): NLE (MAF 5 × 50)
//    at batch 50 (sbibm's protocol) and 200 (sbi 0.27's default), NRE-A (resnet 50 × 2 blocks) at
//    batch 200 (sbi's default), each for --epochs epochs;
//  - MCMC: 10,000 posterior samples of one observation from the NLE model (and the NRE-A model),
//    runMcmc with its defaults (vectorized slice sampler, 20 chains), the whole call timed;
//  - where helper-built `nsbi sample` understands NLE model folders: the whole process (start-up,
//    model load, MCMC, output file);
//  - where /usr/bin/python3 with torch and ../shared/tools/sbi-reference are present: sbi 0.27 in
//    the same run (its smoke.py: NLE and NRE_A trained for the same number of epochs at batch
//    200, then `posterior.sample((10000,))` with sbi's default MCMC, slice_np_vectorized, 20 chains,
//    200 warm-up, resample init; NRE_A with the same settings). The nsbi MCMC uses sbi's
//    observation (θ_o = (0.3, −0.2) simulated by smoke.py) when sbi ran, else one of our own.
// Prints one JSON line (last line of stdout).
// usage: node --experimental-wasm-relaxed-simd bench/likelihood.mjs [--help] [--dist DIR] [--epochs 20] [--no-sbi] [--reps 3]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "../scripts/lib/args.mjs";
import { defaultDist, distLoader } from "../scripts/lib/dist-loader.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const { opt, has } = parseArgs(import.meta.url);
const dist = path.resolve(opt("--dist", defaultDist));
const epochs = Number(opt("--epochs", 20));
const reps = Number(opt("--reps", 3));
const load = distLoader(dist);
const { NLE } = await load("inference/nle.js");
const { NRE } = await load("inference/nre.js");
const { nlePotential } = await load("inference/nle-potential.js");
const { nrePotential } = await load("inference/nre-potential.js");
const { runMcmc } = await load("inference/mcmc/run-mcmc.js");
const { serializeNle } = await load("inference/nle-model-file.js");
const { Rng } = await load("engine/rng.js");
const { TwoMoons } = await load("workflows/tasks/two-moons.js");
const log = (s) => process.stderr.write(`bench likelihood: ${s}\n`);
const result = { node: process.version, epochs, loadBefore: os.loadavg().map((v) => +v.toFixed(2)) };

// --- sbi 0.27 (optional) -------------------------------------------------------------------------
const python = "/usr/bin/python3",
  sbiRef = path.resolve(here, "..", "..", "shared", "tools", "sbi-reference");
let sbi = null;
if (has("--no-sbi")) log("sbi skipped (--no-sbi)");
else if (!fs.existsSync(python) || !fs.existsSync(path.join(sbiRef, "smoke.py")))
  log("python3 or sbi-reference missing; sbi skipped");
else {
  log(`sbi 0.27: NLE and NRE_A, ${epochs} epochs, 10,000 samples each...`);
  // run from a temporary folder: sbi writes tensorboard logs into ./sbi-logs
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "nsbi-sbi-"));
  const r = spawnSync(
    python,
    [path.join(sbiRef, "smoke.py"), "--methods", "NLE,NRE_A", "--max-epochs", String(epochs), "--num-samples", "10000"],
    { cwd, encoding: "utf8", env: { ...process.env, PYTHONPATH: path.join(sbiRef, "site") }, maxBuffer: 1 << 24 },
  );
  fs.rmSync(cwd, { recursive: true, force: true });
  const line = (r.stdout ?? "").split("\n").find((l) => l.startsWith("SMOKE_JSON "));
  if (r.status !== 0 || !line) log(`sbi run failed; skipped:\n${(r.stderr ?? "").slice(-2000)}`);
  else {
    const s = JSON.parse(line.slice("SMOKE_JSON ".length));
    // sbi's steps per epoch: 90 % of 10,000 rows in batches of 200 (its validation fraction 0.1)
    const stepsPerEpoch = Math.ceil((0.9 * s.num_simulations) / 200);
    sbi = {
      version: s.sbi_version,
      torch: s.torch_version,
      threads: s.torch_threads,
      x_o: s.x_o,
      nleTrainSeconds: s.NLE_train_s,
      nleEpochs: s.NLE_epochs,
      nleStepsPerSecond: +((s.NLE_epochs * stepsPerEpoch) / s.NLE_train_s).toFixed(1),
      nleSampleSeconds: s.NLE_default_sample_s,
      nleMcmc: s.NLE_default_mcmc,
      nreTrainSeconds: s.NRE_A_train_s,
      nreEpochs: s.NRE_A_epochs,
      nreStepsPerSecond: +((s.NRE_A_epochs * stepsPerEpoch) / s.NRE_A_train_s).toFixed(1),
      nreSampleSeconds: s.NRE_A_sample_s,
    };
    result.sbi = sbi;
    log(`sbi: ${JSON.stringify(sbi)}`);
  }
}

// --- nsbi training -------------------------------------------------------------------------------
const task = new TwoMoons(),
  rng = new Rng(1),
  n = 10_000;
const theta = task.prior.sample(n, rng);
const x = task.simulate(theta, n, rng);
const fixed = { seed: 1, maxEpochs: epochs, stopAfterEpochs: 1_000_000 };
const rate = (h) => +(h.steps / h.seconds).toFixed(1);

log(`nsbi NLE batch 50, ${epochs} epochs...`);
const nle50 = new NLE({ prior: task.prior }).appendSimulations(theta, x);
const h50 = nle50.train({ ...fixed, batchSize: 50 });
result.nleBatch50 = { steps: h50.steps, seconds: +h50.seconds.toFixed(2), stepsPerSecond: rate(h50) };
log(`nsbi NLE batch 200, ${epochs} epochs...`);
const nle = new NLE({ prior: task.prior }).appendSimulations(theta, x);
const h200 = nle.train({ ...fixed, batchSize: 200 });
result.nleBatch200 = { steps: h200.steps, seconds: +h200.seconds.toFixed(2), stepsPerSecond: rate(h200) };
log(`nsbi NRE-A batch 200, ${epochs} epochs...`);
const nre = new NRE({ prior: task.prior, loss: "nre-a" }).appendSimulations(theta, x);
const hr = nre.train({ ...fixed, batchSize: 200 });
result.nreABatch200 = { steps: hr.steps, seconds: +hr.seconds.toFixed(2), stepsPerSecond: rate(hr) };

// --- nsbi MCMC -----------------------------------------------------------------------------------
let xo;
if (sbi) xo = Float32Array.from(sbi.x_o);
else xo = task.simulate(Float32Array.of(0.3, -0.2), 1, new Rng(2));
result.x_o = Array.from(xo, (v) => +v.toFixed(4));
const likelihood = nle.buildLikelihood(),
  ratio = nre.ratio();
function timeMcmc(makePotential) {
  const runs = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const res = runMcmc({ potential: makePotential(), prior: task.prior, numSamples: 10_000, rng: new Rng(10 + r) });
    const s = (performance.now() - t0) / 1e3;
    const d = res.diagnostics;
    runs.push({
      seconds: s,
      calls: d.potentialCalls,
      rows: d.potentialEvaluations,
      maxRhat: d.maxRhat,
      minEss: d.minEss,
    });
  }
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds),
    med = sorted[Math.floor(reps / 2)];
  return {
    medianSeconds: +med.seconds.toFixed(3),
    minSeconds: +sorted[0].seconds.toFixed(3),
    potentialCalls: med.calls,
    potentialRows: med.rows,
    maxRhat: +med.maxRhat.toFixed(3),
    minEss: Math.round(med.minEss),
  };
}
log(`nsbi MCMC, NLE, 10,000 samples x ${reps}...`);
result.nleMcmc = timeMcmc(() => nlePotential({ likelihood, prior: task.prior, observations: xo }));
log(`nsbi MCMC, NRE-A, 10,000 samples x ${reps}...`);
result.nreAMcmc = timeMcmc(() => nrePotential({ ratio, prior: task.prior, observations: xo }));

// --- whole `nsbi sample` process for the NLE model (when the CLI supports NLE model folders) -----
const cli = path.join(dist, "cli", "main.js");
if (fs.existsSync(cli)) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nsbi-nle-")),
    modelDir = path.join(dir, "model");
  fs.mkdirSync(modelDir);
  const files = serializeNle(nle.buildModel());
  fs.writeFileSync(path.join(modelDir, "config.json"), files.config);
  fs.writeFileSync(path.join(modelDir, "model.safetensors"), files.weights);
  fs.writeFileSync(path.join(dir, "xo.csv"), `x_1,x_2\n${Array.from(xo).join(",")}\n`);
  const argv = [
    "--experimental-wasm-relaxed-simd",
    cli,
    "-q",
    "sample",
    "--model",
    modelDir,
    "--observation",
    path.join(dir, "xo.csv"),
    "--num-samples",
    "10000",
    "--seed",
    "1",
    "--out",
    path.join(dir, "samples.csv"),
  ];
  const times = [];
  let failure = "";
  for (let r = 0; r < reps && !failure; r++) {
    const t0 = performance.now();
    const p = spawnSync(process.execPath, argv, { encoding: "utf8" });
    if (p.status !== 0) failure = (p.stderr || p.stdout).trim().split("\n").pop();
    else times.push((performance.now() - t0) / 1e3);
  }
  if (failure) log(`nsbi sample of an NLE model not available (${failure}); whole-process row skipped`);
  else {
    times.sort((a, b) => a - b);
    result.nleSampleProcess = {
      medianSeconds: +times[Math.floor(times.length / 2)].toFixed(3),
      command: `nsbi ${argv.slice(2).join(" ")}`,
    };
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
result.loadAfter = os.loadavg().map((v) => +v.toFixed(2));
console.log(JSON.stringify(result));
