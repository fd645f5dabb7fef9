// `npm run quickstart`: the README's main job, as the CLI commands a user would type.
// Simulates two_moons, trains NPE, samples the posterior of sbibm observation 1, prints a
// summary table, a pair plot and the C2ST against sbibm's reference posterior. Output: runs/quickstart/.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "runs", "quickstart");
fs.mkdirSync(out, { recursive: true });
const cli = path.join(root, "dist", "cli", "main.js");

function nsbi(...args) {
  process.stderr.write(`\n$ nsbi ${args.join(" ")}\n`);
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: out,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  process.stdout.write(r.stdout ?? "");
  if (r.status !== 0) process.exit(r.status ?? 1);
  return r.stdout;
}

nsbi("simulate", "--task", "two_moons", "--num-simulations", "10000", "--seed", "1", "--out", "sims.npz");
nsbi("train", "npe", "--data", "sims.npz", "--estimator", "nsf", "--seed", "1", "--out", "model");
nsbi("reference", "--task", "two_moons", "--observation", "1", "--out", "reference");
const table = nsbi(
  "sample",
  "--model",
  "model",
  "--observation",
  "reference/observation.csv",
  "--num-samples",
  "10000",
  "--seed",
  "1",
  "--out",
  "samples.csv",
);
nsbi("plot", "pair", "--samples", "samples.csv", "--truth", "reference/true_parameters.csv", "--out", "pair.png");
const c2st = nsbi(
  "c2st",
  "--reference",
  "reference/reference_posterior_samples.csv",
  "--samples",
  "samples.csv",
  "--seed",
  "1",
).trim();
fs.writeFileSync(
  path.join(out, "summary.md"),
  `# two_moons, observation 1 (10,000 simulations, NPE with a neural spline flow)\n\n` +
    "```\n" +
    table +
    "```\n\n" +
    `C2ST against sbibm's reference posterior: ${c2st} (0.5 = indistinguishable; sbi's NPE at 10k: 0.61 on average)\n`,
);
process.stderr.write(
  `\nC2ST vs the reference posterior: ${c2st}\nwrote ${path.relative(root, out)}/{samples.csv,pair.png,summary.md,model/}\n`,
);
