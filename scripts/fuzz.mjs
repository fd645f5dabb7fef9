#!/usr/bin/env node
// Fuzzing harness: mutates valid inputs (.npz, .npy, .csv, .csv.bz2, safetensors, config.json,
// observation files) and feeds them to the readers in process and to the CLI as child processes.
// Every outcome must be a success or a clean refusal:
//   - in process: the reader returns, or throws NsbiFormatError / NsbiInputError;
//   - CLI: exit 0, or exit 1 with exactly one stderr line "nsbi: error: …"; never "internal error",
//     never a hang (timeout), never a partial output file or a leftover *.tmp file.
// Failing inputs are kept in runs/fuzz-failures/ with the command that failed.
//
//   npm run build && npm run fuzz -- --budget 60 [--seed 1] [--cli-share 0.5]
//
// --budget is in seconds (default 60; CI uses 60). The run is reproducible per seed up to where the
// budget ends it.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const cli = join(dist, "cli", "main.js");
if (!existsSync(cli)) {
  console.error("fuzz: dist/ is missing; run `npm run build` first");
  process.exit(2);
}

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const budget = arg("budget", 60),
  seed = arg("seed", 1),
  cliShare = arg("cli-share", 0.5);
if (!(budget > 0) || !Number.isFinite(seed) || !(cliShare >= 0 && cliShare <= 1)) {
  console.error("usage: node scripts/fuzz.mjs [--budget SECONDS] [--seed S] [--cli-share 0..1]");
  process.exit(2);
}

const { Rng } = await import(join(dist, "engine", "rng.js"));
const { NsbiFormatError, NsbiInputError } = await import(join(dist, "errors.js"));
const { decodeNpy } = await import(join(dist, "io", "npy.js"));
const { decodeNpz } = await import(join(dist, "io", "npz.js"));
const { parseCsv } = await import(join(dist, "io", "csv.js"));
const { decompressBz2 } = await import(join(dist, "io", "bz2.js"));
const { decodeSafetensors } = await import(join(dist, "io", "safetensors.js"));
const { readMatrixFile } = await import(join(dist, "node", "files.js"));
const { readSimulationsFile } = await import(join(dist, "node", "simulations-file.js"));
const { loadModel } = await import(join(dist, "node", "model-io.js"));

const rng = new Rng(seed);
const work = mkdtempSync(join(tmpdir(), "nsbi-fuzz-"));
const failuresDir = join(root, "runs", "fuzz-failures"); // runs/ is git-ignored
const t0 = performance.now();
const elapsed = () => (performance.now() - t0) / 1000;
let failures = 0;

function nsbi(argv, cwd, timeout = 30_000) {
  return spawnSync(process.execPath, [cli, "--quiet", "--threads", "1", ...argv], { cwd, encoding: "utf8", timeout });
}

// ---- seed inputs: a tiny simulation file and model from the CLI itself, plus the io fixtures ----
const seeds = join(work, "seeds");
mkdirSync(seeds);
for (const a of [
  ["simulate", "--task", "two_moons", "--num-simulations", "300", "--seed", "1", "--out", "sims.npz"],
  [
    "train",
    "npe",
    "--data",
    "sims.npz",
    "--estimator",
    "nsf",
    "--transforms",
    "1",
    "--hidden-features",
    "8",
    "--bins",
    "4",
    "--max-epochs",
    "1",
    "--out",
    "model",
  ],
  [
    "sample",
    "--model",
    "model",
    "--observation",
    "obs.csv",
    "--num-samples",
    "40",
    "--seed",
    "2",
    "--out",
    "samples.csv",
  ],
  [
    "sample",
    "--model",
    "model",
    "--observation",
    "obs.csv",
    "--num-samples",
    "40",
    "--seed",
    "3",
    "--out",
    "samples.npy",
  ],
]) {
  if (a[0] === "sample" && !existsSync(join(seeds, "obs.csv")))
    writeFileSync(join(seeds, "obs.csv"), "data_1,data_2\n0.05,-0.3\n");
  const r = nsbi(a, seeds, 120_000);
  if (r.status !== 0) {
    console.error(`fuzz: preparing seed inputs failed: nsbi ${a.join(" ")}\n${r.stderr}`);
    process.exit(2);
  }
}
{
  const { encodeNpy } = await import(join(dist, "io", "npy.js"));
  writeFileSync(
    join(seeds, "obs.npy"),
    encodeNpy({ dtype: "float32", shape: [2], data: new Float32Array([0.05, -0.3]) }),
  );
}
const fixtures = join(root, "src", "io", "fixtures");
for (const f of [
  "posterior.csv.bz2",
  "multistream.csv.bz2",
  "f32_2x3.npy",
  "fortran_f8_2x3.npy",
  "v3_f4_2.npy",
  "sims_compressed.npz",
])
  copyFileSync(join(fixtures, f), join(seeds, f));
const seedBytes = (name) => new Uint8Array(readFileSync(join(seeds, name)));

// ---- mutations ----
const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x30, 0x39, 0x2c, 0x0a, 0x2d, 0x65];
function mutateBytes(src) {
  let b = src.slice();
  const n = 1 + rng.int(4);
  for (let k = 0; k < n; k++) {
    const op = rng.int(7);
    const at = b.length ? rng.int(b.length) : 0;
    if (op === 0 && b.length)
      b[at] ^= 1 << rng.int(8); // bit flip
    else if (op === 1 && b.length) b[at] = INTERESTING[rng.int(INTERESTING.length)];
    else if (op === 2)
      b = b.slice(0, rng.int(b.length + 1)); // truncate
    else if (op === 3) {
      // insert random bytes
      const ins = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
      b = concat(b.subarray(0, at), ins, b.subarray(at));
    } else if (op === 4 && b.length) {
      // delete a span
      b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.int(32))));
    } else if (op === 5 && b.length >= 4) {
      // overwrite a 32-bit field with a large or odd value
      const v = [0xffffffff, 0x7fffffff, 0x80000000, 0x40000000, 0, 1][rng.int(6)];
      new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(Math.min(at, b.length - 4), v, true);
    } else if (op === 6 && b.length) {
      // duplicate a span
      const end = Math.min(b.length, at + 1 + rng.int(64));
      b = concat(b.subarray(0, end), b.subarray(at, end), b.subarray(end));
    }
  }
  return b;
}
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const TOKENS = [
  "nan",
  "inf",
  "-inf",
  "1e308",
  "1e-320",
  "-0",
  "",
  " ",
  '"',
  "#",
  ",",
  ",,",
  "\n",
  "\r\n",
  "1e999",
  "0x10",
  "abc",
  "9".repeat(400),
];
function mutateText(src) {
  const text = new TextDecoder().decode(src);
  if (rng.uniform() < 0.3) return mutateBytes(src);
  const cells = text.split(/([,\n])/);
  const n = 1 + rng.int(3);
  for (let k = 0; k < n; k++) cells[rng.int(cells.length)] = TOKENS[rng.int(TOKENS.length)];
  return new TextEncoder().encode(cells.join(""));
}
/** config.json: replace a random number, string or array with a hostile value, or drop a key. */
function mutateJson(src) {
  let v;
  try {
    v = JSON.parse(new TextDecoder().decode(src));
  } catch {
    return mutateBytes(src);
  }
  const paths = [];
  const walk = (o, p) => {
    if (o && typeof o === "object")
      for (const k of Object.keys(o)) {
        paths.push([...p, k]);
        walk(o[k], [...p, k]);
      }
  };
  walk(v, []);
  if (!paths.length || rng.uniform() < 0.15) return mutateBytes(src);
  const HOSTILE = [1e9, -1, 0, 1e308, 100000, 2.5, "x", null, [], {}, true, Number.MAX_SAFE_INTEGER, [1e9, 1e9]];
  const p = paths[rng.int(paths.length)];
  let parent = v;
  for (const k of p.slice(0, -1)) parent = parent[k];
  if (rng.uniform() < 0.2) delete parent[p.at(-1)];
  else parent[p.at(-1)] = HOSTILE[rng.int(HOSTILE.length)];
  return new TextEncoder().encode(JSON.stringify(v));
}

// ---- in-process targets ----
const READERS = [
  ["sims.npz", mutateBytes, (b) => decodeNpz(b, "f.npz")],
  ["sims_compressed.npz", mutateBytes, (b) => decodeNpz(b, "f.npz")],
  ["samples.npy", mutateBytes, (b) => decodeNpy(b, "f.npy")],
  ["fortran_f8_2x3.npy", mutateBytes, (b) => decodeNpy(b, "f.npy")],
  ["v3_f4_2.npy", mutateBytes, (b) => decodeNpy(b, "f.npy")],
  ["samples.csv", mutateText, (b) => parseCsv(new TextDecoder().decode(b), "f.csv")],
  ["posterior.csv.bz2", mutateBytes, (b) => decompressBz2(b, "f.csv.bz2")],
  ["multistream.csv.bz2", mutateBytes, (b) => decompressBz2(b, "f.csv.bz2")],
  ["model/model.safetensors", mutateBytes, (b) => decodeSafetensors(b, "f.safetensors")],
];
/** File-level readers: the mutated bytes are written to `name` in a scratch folder first. */
const FILE_READERS = [
  ["sims.npz", "sims.npz", mutateBytes, (p) => readSimulationsFile(p)],
  ["samples.csv", "m.csv", mutateText, (p) => readMatrixFile(p, "samples")],
  ["posterior.csv.bz2", "m.csv.bz2", mutateBytes, (p) => readMatrixFile(p, "reference")],
  ["obs.npy", "m.npy", mutateBytes, (p) => readMatrixFile(p, "observation")],
  ["model/config.json", "model/config.json", mutateJson, (p) => loadModel(dirname(p), { kernels: "ts" })],
  ["model/model.safetensors", "model/model.safetensors", mutateBytes, (p) => loadModel(dirname(p), { kernels: "ts" })],
];

function keepFailure(kind, detail, files) {
  failures++;
  const d = join(failuresDir, `${kind}-${failures}`);
  mkdirSync(d, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(d, name)), { recursive: true });
    writeFileSync(join(d, name), bytes);
  }
  writeFileSync(join(d, "README.txt"), `${detail}\n`);
  console.error(`fuzz: FAILURE ${kind} #${failures}: ${detail.split("\n")[0]}\n  input kept in ${d}`);
}

const SLOW_SECONDS = 5;
function runInProcess(label, fn, files) {
  const t = performance.now();
  try {
    fn();
  } catch (e) {
    if (!(e instanceof NsbiFormatError || e instanceof NsbiInputError)) {
      keepFailure("reader", `${label}: ${e?.constructor?.name}: ${e?.stack ?? e}`, files);
    }
  }
  const s = (performance.now() - t) / 1000;
  if (s > SLOW_SECONDS) keepFailure("reader-slow", `${label}: took ${s.toFixed(1)} s`, files);
}

let inProcessRuns = 0;
const scratch = join(work, "scratch");
function inProcessRound() {
  const [name, mutate, read] = READERS[rng.int(READERS.length)];
  const bytes = mutate(seedBytes(name));
  runInProcess(`${name} (in memory)`, () => read(bytes), { [name.replace("/", "_")]: bytes });
  const [src, target, mutateF, readF] = FILE_READERS[rng.int(FILE_READERS.length)];
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(join(scratch, "model"), { recursive: true });
  copyFileSync(join(seeds, "model", "config.json"), join(scratch, "model", "config.json"));
  copyFileSync(join(seeds, "model", "model.safetensors"), join(scratch, "model", "model.safetensors"));
  const mutated = mutateF(seedBytes(src));
  writeFileSync(join(scratch, target), mutated);
  runInProcess(`${target} (file)`, () => readF(join(scratch, target)), { [target.replace("/", "_")]: mutated });
  inProcessRuns += 2;
}

// ---- CLI targets: commands whose input files are mutated ----
const CLI = [
  {
    file: "obs.csv",
    mutate: mutateText,
    argv: ["sample", "--model", "model", "--observation", "obs.csv", "--num-samples", "20", "--out", "out.csv"],
    out: "out.csv",
  },
  {
    file: "obs.npy",
    mutate: mutateBytes,
    argv: ["sample", "--model", "model", "--observation", "obs.npy", "--num-samples", "20", "--out", "out.npy"],
    out: "out.npy",
  },
  {
    file: "model/config.json",
    mutate: mutateJson,
    argv: ["sample", "--model", "model", "--observation", "obs.csv", "--num-samples", "20", "--out", "out.csv"],
    out: "out.csv",
    timeout: 60_000,
  },
  {
    file: "model/model.safetensors",
    mutate: mutateBytes,
    argv: ["sample", "--model", "model", "--observation", "obs.csv", "--num-samples", "20", "--out", "out.csv"],
    out: "out.csv",
  },
  {
    file: "sims.npz",
    mutate: mutateBytes,
    argv: [
      "train",
      "npe",
      "--data",
      "sims.npz",
      "--estimator",
      "maf",
      "--transforms",
      "1",
      "--hidden-features",
      "4",
      "--max-epochs",
      "1",
      "--out",
      "m-out",
    ],
    out: "m-out",
  },
  {
    file: "samples.csv",
    mutate: mutateText,
    argv: ["c2st", "--reference", "samples.npy", "--samples", "samples.csv"],
    out: null,
  },
  {
    file: "posterior.csv.bz2",
    mutate: mutateBytes,
    argv: ["plot", "pair", "--samples", "samples.csv", "--reference", "posterior.csv.bz2", "--out", "out.svg"],
    out: "out.svg",
  },
  {
    file: "samples.npy",
    mutate: mutateBytes,
    argv: ["plot", "pair", "--samples", "samples.npy", "--out", "out.svg"],
    out: "out.svg",
  },
];

let cliRuns = 0;
function cliRound() {
  const c = CLI[rng.int(CLI.length)];
  const d = join(work, "cli");
  rmSync(d, { recursive: true, force: true });
  mkdirSync(join(d, "model"), { recursive: true });
  for (const f of [
    "obs.csv",
    "obs.npy",
    "sims.npz",
    "samples.csv",
    "samples.npy",
    "posterior.csv.bz2",
    "model/config.json",
    "model/model.safetensors",
  ])
    copyFileSync(join(seeds, f), join(d, f));
  const mutated = c.mutate(seedBytes(c.file));
  writeFileSync(join(d, c.file), mutated);
  const before = new Set(listFiles(d));
  const r = nsbi(c.argv, d, c.timeout ?? 30_000);
  cliRuns++;
  const cmd = `nsbi --quiet --threads 1 ${c.argv.join(" ")}  (mutated: ${c.file})`;
  const files = { [c.file.replace("/", "_")]: mutated };
  const problems = [];
  if (r.error?.code === "ETIMEDOUT" || r.signal) problems.push(`no exit within the timeout (signal ${r.signal})`);
  else if (r.status === 1) {
    const lines = r.stderr.trimEnd().split("\n");
    if (lines.length !== 1 || !lines[0].startsWith("nsbi: error: "))
      problems.push(`exit 1 without a one-line "nsbi: error:" message:\n${r.stderr}`);
    if (c.out && existsSync(join(d, c.out))) problems.push(`failed but left its output ${c.out}`);
  } else if (r.status !== 0) problems.push(`exit ${r.status}:\n${r.stderr}`);
  if (/internal error/.test(r.stderr)) problems.push(`internal error:\n${r.stderr}`);
  const leftovers = listFiles(d).filter((f) => !before.has(f) && f.endsWith(".tmp"));
  if (leftovers.length) problems.push(`left temporary files ${leftovers.join(", ")}`);
  if (problems.length) keepFailure("cli", `${cmd}\n${problems.join("\n")}`, files);
}

function listFiles(d) {
  return readdirSync(d, { recursive: true }).map(String);
}

// ---- run: CLI rounds and in-process rounds interleaved so that both get their share of the budget ----
const prepared = elapsed();
let cliSeconds = 0;
try {
  while (elapsed() < budget) {
    if (cliSeconds < cliShare * (elapsed() - prepared)) {
      const t = elapsed();
      cliRound();
      cliSeconds += elapsed() - t;
    } else {
      for (let k = 0; k < 20 && elapsed() < budget; k++) inProcessRound();
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(
  `fuzz: ${inProcessRuns} reader runs and ${cliRuns} CLI runs in ${elapsed().toFixed(0)} s (seed ${seed}): ${failures} failure(s)`,
);
process.exit(failures ? 1 : 0);
