// Calibration-diagnostics benchmark: the T2K tune network shape (theta dim 4, x dim 58, embedding
// 58-45-32-20, MAF 3 transforms x 55 hidden) trained briefly on the synthetic benchmark data, then
// runDiagnostics on 1,000 test observations x 1,000 posterior draws (SBC + rank/ECDF bands + DAP,
// HPD and central coverage, TARP, pulls, verdicts). Prints one JSON line; the target is < 10 s
// for runDiagnostics on a 2-core machine. Needs dist/ (npm run build).
// usage: node bench/diagnostics.mjs [--tests N] [--samples L] [--epochs E] [--kernels PATH]
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BoxUniform, NPE, runDiagnostics } from "../dist/node.js";
import { SEED000, ensureData, readF32 } from "./seed000-data.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const nTests = Number(opt("--tests", 1000)),
  nSamples = Number(opt("--samples", 1000)),
  epochs = Number(opt("--epochs", 2));
const kernels = opt("--kernels", "auto");
const dataDir = path.join(here, "data");
ensureData(dataDir);
const { thetaDim: P, xDim: D } = SEED000;
const trainTheta = readF32(dataDir, "train_theta.f32"),
  trainX = readF32(dataDir, "train_x.f32");
const testTheta = readF32(dataDir, "test_theta.f32").subarray(0, nTests * P),
  testX = readF32(dataDir, "test_x.f32").subarray(0, nTests * D);

// the benchmark prior U(-sqrt 3, sqrt 3)^4 and network shape
const s3 = Math.sqrt(3);
const prior = new BoxUniform(Array(P).fill(-s3), Array(P).fill(s3));
const npe = new NPE({ prior, estimator: "maf", transforms: 3, hiddenFeatures: 55, embedding: [45, 32, 20], kernels });
let t0 = performance.now();
npe
  .appendSimulations(trainTheta, trainX)
  .train({ seed: 0, batchSize: 512, learningRate: 1e-3, maxEpochs: epochs, stopAfterEpochs: epochs + 1 });
const trainSeconds = (performance.now() - t0) / 1e3;
const posterior = npe.buildPosterior();

const load = os.loadavg();
t0 = performance.now();
const report = runDiagnostics(posterior, testTheta, testX, { numSamples: nSamples, seed: 1 });
const seconds = (performance.now() - t0) / 1e3;
t0 = performance.now();
const jsonBytes = JSON.stringify(report).length;
const jsonSeconds = (performance.now() - t0) / 1e3;

console.log(
  JSON.stringify({
    bench: "diagnostics",
    kernels: npe.metadata?.kernelPath,
    tests: nTests,
    samples: nSamples,
    train_epochs: epochs,
    train_seconds: trainSeconds,
    diagnostics_seconds: seconds,
    breakdown: report.seconds,
    json_mb: jsonBytes / 1e6,
    json_seconds: jsonSeconds,
    overall: report.overall,
    acceptance_mean: report.acceptance.mean,
    verdicts: report.verdicts.map((v) => `${v.diagnostic}${v.parameter ? `:${v.parameter}` : ""}=${v.verdict}`),
    loadavg_before: load.map((v) => Math.round(v * 100) / 100),
    loadavg_after: os.loadavg().map((v) => Math.round(v * 100) / 100),
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }),
);
