// Whole `nsbi` processes, as a user runs them (start-up, model load, worker threads, writing the
// output included): `nsbi sample` of 100,000 and 1,000,000 draws from the T2K-sized network with
// --threads 1 and 2, and `nsbi --help`. Each command runs REPS times, interleaved, and the median
// wall time is reported. Prints one JSON line. Needs dist/ (npm run build).
// usage: node bench/cli-processes.mjs [--reps N] [--dist DIR]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SEED000, ensureData, readF32 } from "./seed000-data.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const reps = Number(opt("--reps", 5));
const dist = path.resolve(opt("--dist", path.join(here, "..", "dist")));
const dataDir = path.join(here, "data");
ensureData(dataDir);

// The T2K-sized model (θ 4, x 58, embedding 58-45-32-20, MAF 3 × 55), trained for one epoch on
// the synthetic benchmark data so that its posterior is a realistic one; written once.
const modelDir = path.join(dataDir, "model"),
  obsFile = path.join(dataDir, "observation.csv");
if (!fs.existsSync(path.join(modelDir, "config.json"))) {
  const { BoxUniform, NPE, saveModel } = await import(path.join(dist, "node.js"));
  const { thetaDim: P } = SEED000,
    s3 = Math.sqrt(3);
  const npe = new NPE({
    prior: new BoxUniform(Array(P).fill(-s3), Array(P).fill(s3)),
    estimator: "maf",
    transforms: 3,
    hiddenFeatures: 55,
    embedding: [45, 32, 20],
  });
  npe
    .appendSimulations(readF32(dataDir, "train_theta.f32"), readF32(dataDir, "train_x.f32"))
    .train({ seed: 0, batchSize: 512, maxEpochs: 1 });
  saveModel(npe.buildPosterior(), modelDir);
  fs.writeFileSync(obsFile, `${Array.from(readF32(dataDir, "xo.f32")).join(",")}\n`);
}

const cli = path.join(dist, "cli", "main.js"),
  outDir = fs.mkdtempSync(path.join(dataDir, "out-"));
const sample = (n, threads) => ({
  name: `nsbi sample ${n.toLocaleString("en")} draws, --threads ${threads}`,
  argv: [
    cli,
    "--threads",
    String(threads),
    "-q",
    "sample",
    "--model",
    modelDir,
    "--observation",
    obsFile,
    "--num-samples",
    String(n),
    "--seed",
    "1",
    "--out",
    path.join(outDir, `s-${n}-${threads}.npy`),
  ],
});
const commands = [
  { name: "nsbi --help", argv: [cli, "--help"] },
  sample(100_000, 1),
  sample(100_000, 2),
  sample(1_000_000, 1),
  sample(1_000_000, 2),
];
for (const c of commands) c.seconds = [];
for (let r = 0; r < reps; r++) {
  for (const c of commands) {
    const t0 = performance.now();
    const p = spawnSync(process.execPath, c.argv, { encoding: "utf8" });
    c.seconds.push((performance.now() - t0) / 1e3);
    if (p.status !== 0) {
      console.error(`${c.name} failed:\n${p.stderr}`);
      process.exit(1);
    }
  }
}
fs.rmSync(outDir, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(
  JSON.stringify({
    bench: "cli-processes",
    reps,
    rows: commands.map((c) => ({ command: c.name, median_s: median(c.seconds), min_s: Math.min(...c.seconds) })),
  }),
);
