// The `nsbi` command line end to end, run against the build (`npm test` builds first): the
// simulate → train npe → sample pipeline and `reference` produce the promised files reproducibly,
// bad input exits 1 with a one-line reason naming the culprit, and failures leave no partial output.
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { parseCsv } from "../io/csv.js";
import { decodeNpy } from "../io/npy.js";
import { decodeNpz } from "../io/npz.js";
import { loadModel } from "../node/model-io.js";
import { readSimulationsFile } from "../node/simulations-file.js";
import { loadObservation, loadReferenceSamples, loadTrueParameters } from "../workflows/tasks/sbibm-reference.js";

const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "nsbi-cli-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nsbi(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", timeout: 60_000 });
}

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs many commands, a few at a time (each is mostly Node start-up), in input order. */
async function nsbiMany(commands: string[][], parallel = 4): Promise<RunResult[]> {
  const results: RunResult[] = new Array(commands.length);
  let next = 0;
  const worker = async () => {
    while (next < commands.length) {
      const i = next++;
      results[i] = await new Promise<RunResult>((resolve, reject) => {
        const child = spawn(process.execPath, [cli, ...commands[i]], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "",
          stderr = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => {
          stdout += d;
        });
        child.stderr.setEncoding("utf8").on("data", (d: string) => {
          stderr += d;
        });
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

/** Runs and requires success, showing stderr on failure. */
function ok(...args: string[]): SpawnSyncReturns<string> {
  const r = nsbi(...args);
  expect(r.status, `nsbi ${args.join(" ")}\n${r.stderr}`).toBe(0);
  return r;
}

/** Runs independent commands side by side and requires each to succeed. */
async function okMany(...commands: string[][]): Promise<RunResult[]> {
  const results = await nsbiMany(commands);
  results.forEach((r, i) => {
    expect(r.status, `nsbi ${commands[i].join(" ")}\n${r.stderr}`).toBe(0);
  });
  return results;
}

/** Every file below `dir` (relative paths), with sizes, to detect any leftover output. */
function listing(): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      const s = statSync(p);
      out.set(relative(dir, p) + (s.isDirectory() ? "/" : ""), s.isDirectory() ? 0 : s.size);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

const read = (f: string) => readFileSync(join(dir, f));
const csvLines = (f: string) => read(f).toString("utf8").trimEnd().split("\n");

const train = (out: string, ...extra: string[]) => [
  "train",
  "npe",
  "--data",
  "sims.npz",
  "--estimator",
  "maf",
  "--transforms",
  "2",
  "--hidden-features",
  "8",
  "--max-epochs",
  "3",
  "--seed",
  "1",
  "--out",
  out,
  ...extra,
];
const sample = (out: string, seed = "2", obs = "obs.csv") => [
  "sample",
  "--model",
  "model",
  "--observation",
  obs,
  "--num-samples",
  "200",
  "--seed",
  seed,
  "--out",
  out,
];

beforeAll(() => {
  // the build must be current: `npm test` runs `npm run build` first
  expect(existsSync(cli), `${cli} is missing; run npm run build`).toBe(true);
  writeFileSync(join(dir, "obs.csv"), "data_1,data_2\n0.05,-0.3\n");
});

describe("simulate → train npe → sample", () => {
  test("simulate writes float32 theta [600, 2] and x [600, 2], the same bytes for the same seed", async () => {
    const simulate = (seed: string, out: string) => [
      "simulate",
      "--task",
      "two_moons",
      "--num-simulations",
      "600",
      "--seed",
      seed,
      "--out",
      out,
    ];
    const [r] = await okMany(
      simulate("3", "sims.npz"),
      simulate("3", "sims-again.npz"),
      simulate("4", "sims-other.npz"),
    );
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/wrote 600 simulations of two_moons/);
    const arrays = decodeNpz(new Uint8Array(read("sims.npz")), "sims.npz");
    expect(arrays.get("theta")!.dtype).toBe("float32");
    expect(arrays.get("theta")!.shape).toEqual([600, 2]);
    expect(arrays.get("x")!.dtype).toBe("float32");
    expect(arrays.get("x")!.shape).toEqual([600, 2]);
    const s = readSimulationsFile(join(dir, "sims.npz"));
    expect([s.n, s.thetaDim, s.xDim]).toEqual([600, 2, 2]);
    expect(s.meta.task).toBe("two_moons");
    expect(s.meta.seed).toBe(3);
    expect(s.meta.prior).toEqual({ type: "box_uniform", low: [-1, -1], high: [1, 1] });
    // theta from the prior box, x finite and not constant
    for (const v of s.theta) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    for (const v of s.x) expect(Number.isFinite(v)).toBe(true);
    const mean = (a: Float32Array, c: number) => a.filter((_, i) => i % 2 === c).reduce((t, v) => t + v, 0) / 600;
    expect(Math.abs(mean(s.theta, 0))).toBeLessThan(0.1);
    expect(new Set(s.x).size).toBeGreaterThan(1000);

    expect(read("sims-again.npz").equals(read("sims.npz"))).toBe(true);
    expect(read("sims-other.npz").equals(read("sims.npz"))).toBe(false);
  });

  test("train npe writes a model folder, reproducibly", async () => {
    const [r] = await okMany(["--quiet", ...train("model")], ["--quiet", ...train("model-again")]);
    expect(r.stderr).toBe("");
    expect(readdirSync(join(dir, "model")).sort()).toEqual(["config.json", "model.safetensors"]);
    const cfg = JSON.parse(read("model/config.json").toString("utf8"));
    expect(cfg.network.flow).toMatchObject({ type: "maf", transforms: 2, hiddenFeatures: 8 });
    expect(cfg.training.epochs).toBe(3);
    expect(cfg.prior).toEqual({ type: "box_uniform", low: [-1, -1], high: [1, 1] });
    expect(read("model-again/model.safetensors").equals(read("model/model.safetensors"))).toBe(true);
  });

  test("train npe --estimator nsf --bins --tail-bound land in config.json", () => {
    ok(
      "--quiet",
      "train",
      "npe",
      "--data",
      "sims.npz",
      "--estimator",
      "nsf",
      "--bins",
      "4",
      "--tail-bound",
      "2.5",
      "--transforms",
      "1",
      "--hidden-features",
      "8",
      "--max-epochs",
      "1",
      "--out",
      "model-nsf",
    );
    const cfg = JSON.parse(read("model-nsf/config.json").toString("utf8"));
    expect(cfg.network.flow.univariate).toMatchObject({ type: "rational_quadratic", bins: 4, tailBound: 2.5 });
  });

  test("sample writes 200 rows inside the prior box with a parameter header; same seed, same file", async () => {
    const [r, big] = await okMany(
      sample("s.csv"),
      ["sample", "--model", "model", "--observation", "obs.csv", "--num-samples", "20000", "--out", "s-big.npy"],
      ["--quiet", ...sample("s-again.csv")],
      ["--quiet", ...sample("s-other.csv", "5")],
      ["--quiet", ...sample("s.npy")],
    );
    expect(r.stdout).toMatch(/parameter_1/);
    const lines = csvLines("s.csv");
    expect(lines[0]).toBe("parameter_1,parameter_2");
    expect(lines).toHaveLength(201);
    const values = lines.slice(1).map((l) => l.split(",").map(Number));
    for (const row of values) {
      expect(row).toHaveLength(2);
      for (const v of row) {
        expect(Number.isFinite(v)).toBe(true);
        expect(Math.abs(v)).toBeLessThanOrEqual(1);
      }
    }
    // a real spread of samples, not one repeated point
    expect(new Set(values.map((row) => row[0])).size).toBeGreaterThan(150);
    // the reported acceptance is inside / flow draws (sampleWithInfo's definition), not accepted
    // draws over all draws including the sampler's 1.2× over-draw (which would read ~0.83 × the rate);
    // compared with an in-process estimate from 20,000 draws of another seed (standard error ~0.003)
    const reported = Number(/(\d+\.\d)% of flow draws were inside the prior support/.exec(big.stderr)?.[1]) / 100;
    const posterior = loadModel(join(dir, "model"), { kernels: "ts" });
    const obs = parseCsv(read("obs.csv").toString("utf8"), "obs.csv");
    const truth = posterior.sampleWithInfo(20_000, Float32Array.from(obs.data), { rng: new Rng(11) }).acceptanceRate;
    expect(Math.abs(reported - truth), `reported ${reported}, estimated ${truth}`).toBeLessThan(0.02);

    expect(read("s-again.csv").toString("utf8")).toBe(read("s.csv").toString("utf8"));
    expect(read("s-other.csv").toString("utf8")).not.toBe(read("s.csv").toString("utf8"));
  });

  test("sample to .npy (written above) holds the same float32 values as the CSV", () => {
    const a = decodeNpy(new Uint8Array(read("s.npy")), "s.npy");
    expect(a.dtype).toBe("float32");
    expect(a.shape).toEqual([200, 2]);
    const csv = parseCsv(read("s.csv").toString("utf8"), "s.csv");
    expect(Array.from(a.data as Float32Array)).toEqual(Array.from(Float32Array.from(csv.data)));
  });

  test("reference writes the three sbibm CSVs, and its observation.csv feeds sample", () => {
    ok("--quiet", "reference", "--task", "two_moons", "--observation", "1", "--out", "ref");
    expect(readdirSync(join(dir, "ref")).sort()).toEqual([
      "observation.csv",
      "reference_posterior_samples.csv",
      "true_parameters.csv",
    ]);
    const obs = csvLines("ref/observation.csv");
    expect(obs[0]).toBe("data_1,data_2");
    expect(obs).toHaveLength(2);
    expect(Float32Array.from(obs[1].split(",").map(Number))).toEqual(loadObservation("two_moons", 1));
    const truth = csvLines("ref/true_parameters.csv");
    expect(truth[0]).toBe("parameter_1,parameter_2");
    expect(Float32Array.from(truth[1].split(",").map(Number))).toEqual(loadTrueParameters("two_moons", 1));
    const ref = csvLines("ref/reference_posterior_samples.csv");
    expect(ref[0]).toBe("parameter_1,parameter_2");
    expect(ref).toHaveLength(10_001);
    const shipped = loadReferenceSamples("two_moons", 1);
    // float32 values written in CSV read back exactly
    expect(Float32Array.from(ref[1].split(",").map(Number))).toEqual(shipped.data.subarray(0, 2));
    expect(Float32Array.from(ref[10_000].split(",").map(Number))).toEqual(shipped.data.subarray(2 * 9999, 2 * 10_000));

    ok("--quiet", ...sample("s-ref.csv", "2", "ref/observation.csv"));
    expect(csvLines("s-ref.csv")).toHaveLength(201);

    // c2st of 200 samples against the 10,000 reference rows: the reference is subsampled to 200
    // (seeded, reported, with a warning), so that the majority share 10,000/10,200 cannot pass as a score
    const c = ok("c2st", "--reference", "ref/reference_posterior_samples.csv", "--samples", "s-ref.csv", "--json");
    expect(c.stderr).toMatch(
      /^nsbi: warning: c2st: reference has 10000 rows and the other set 200; using a random subset of 200 rows of the reference/,
    );
    const res = JSON.parse(c.stdout);
    expect(res).toMatchObject({
      nReference: 200,
      nSamples: 200,
      subsampled: { set: "reference", from: 10000, to: 200 },
    });
  });
});

describe("bad input exits 1 with a one-line reason and no output", () => {
  const cases: [string, string[], RegExp][] = [
    ["missing --out", ["simulate", "--task", "two_moons", "--num-simulations", "5"], /--out/],
    [
      "--num-simulations -5",
      ["simulate", "--task", "two_moons", "--num-simulations", "-5", "--out", "n.npz"],
      /--num-simulations.*'-5'.*positive integer/,
    ],
    [
      "--num-simulations abc",
      ["simulate", "--task", "two_moons", "--num-simulations", "abc", "--out", "n.npz"],
      /--num-simulations.*'abc'.*positive integer/,
    ],
    [
      "--num-simulations 0",
      ["simulate", "--task", "two_moons", "--num-simulations", "0", "--out", "n.npz"],
      /--num-simulations.*'0'/,
    ],
    [
      "unknown task",
      ["simulate", "--task", "no_such_task", "--num-simulations", "5", "--out", "n.npz"],
      /--task.*no_such_task.*two_moons/,
    ],
    [
      "simulate --out with a wrong extension",
      ["simulate", "--task", "two_moons", "--num-simulations", "5", "--out", "n.csv"],
      /n\.csv.*\.npz/,
    ],
    [
      "simulate --out in a missing folder",
      ["simulate", "--task", "two_moons", "--num-simulations", "5", "--out", "nodir/n.npz"],
      /nodir\/n\.npz/,
    ],
    [
      "nonexistent --data",
      ["train", "npe", "--data", "missing.npz", "--out", "m-missing"],
      /missing\.npz.*does not exist/,
    ],
    [
      "--data that is not an npz",
      ["train", "npe", "--data", "not-npz.npz", "--out", "m-bad"],
      /not-npz\.npz: not a zip archive/,
    ],
    [
      "train --estimator foo",
      ["train", "npe", "--data", "sims.npz", "--estimator", "foo", "--out", "m-foo"],
      /--estimator.*'foo'/,
    ],
    [
      "train --tail-bound 0",
      ["train", "npe", "--data", "sims.npz", "--tail-bound", "0", "--out", "m-tb"],
      /--tail-bound.*'0'/,
    ],
    [
      "train --embedding 3,x",
      ["train", "npe", "--data", "sims.npz", "--embedding", "3,x", "--out", "m-emb"],
      /--embedding.*'3,x'/,
    ],
    [
      "observation with 3 values",
      ["sample", "--model", "model", "--observation", "obs3.csv", "--num-samples", "5", "--out", "b.csv"],
      /--observation 'obs3\.csv': 3 values.*2/,
    ],
    [
      "observation with 2 rows",
      ["sample", "--model", "model", "--observation", "obs-rows.csv", "--num-samples", "5", "--out", "b.csv"],
      /--observation 'obs-rows\.csv': 2 rows/,
    ],
    [
      "nonexistent observation",
      ["sample", "--model", "model", "--observation", "nope.csv", "--num-samples", "5", "--out", "b.csv"],
      /nope\.csv.*does not exist/,
    ],
    [
      "--out samples.txt",
      ["sample", "--model", "model", "--observation", "obs.csv", "--num-samples", "5", "--out", "samples.txt"],
      /--out 'samples\.txt'.*\.csv or \.npy/,
    ],
    [
      "sample --out in a missing folder",
      ["sample", "--model", "model", "--observation", "obs.csv", "--num-samples", "5", "--out", "nodir/b.csv"],
      /nodir\/b\.csv/,
    ],
    [
      "nonexistent --model folder",
      ["sample", "--model", "no-model", "--observation", "obs.csv", "--num-samples", "5", "--out", "b.csv"],
      /model 'no-model': not a folder/,
    ],
    [
      "--model that is a file",
      ["sample", "--model", "a-file", "--observation", "obs.csv", "--num-samples", "5", "--out", "b.csv"],
      /model 'a-file': not a folder/,
    ],
    [
      "--num-samples 1.5",
      ["sample", "--model", "model", "--observation", "obs.csv", "--num-samples", "1.5", "--out", "b.csv"],
      /--num-samples.*'1\.5'/,
    ],
    [
      "reference of a task without shipped data",
      ["reference", "--task", "sir", "--observation", "1", "--out", "ref-bad"],
      /--task.*'sir'/,
    ],
    [
      "reference --observation 11",
      ["reference", "--task", "two_moons", "--observation", "11", "--out", "ref-bad"],
      /observation.*11/,
    ],
    ["unknown command", ["frobnicate", "--task", "two_moons"], /unknown command 'frobnicate'/],
    // sizes are checked against the documented limit (1 GiB per array) before any work
    [
      "simulate --num-simulations 1000000000000",
      ["simulate", "--task", "two_moons", "--num-simulations", "1000000000000", "--out", "n.npz"],
      /--num-simulations 1000000000000: theta \[N, 2\] and x \[N, 2\] \(float32\) would take 14\.6 TiB, more than the limit of 1 GiB per array; at most 67108864 here/,
    ],
    [
      "sample --num-samples 1000000000000",
      ["sample", "--model", "model", "--observation", "obs.csv", "--num-samples", "1000000000000", "--out", "b.csv"],
      /--num-samples 1000000000000: the samples \[N, 2\] \(float32\) would take .*limit of 1 GiB per array; at most 134217728 here/,
    ],
    [
      "diagnose --num-tests 1000000000000",
      ["diagnose", "--model", "model", "--task", "two_moons", "--num-tests", "1000000000000", "--out", "r-big"],
      /--num-tests 1000000000000: the test pairs .*limit of 1 GiB per array/,
    ],
    [
      "plot pair --bins 100000",
      ["plot", "pair", "--samples", "obs-rows.csv", "--bins", "100000", "--out", "p.svg"],
      /--bins.*up to 500, got '100000'/,
    ],
    // output checked before any work, errors name the flag and the file
    [
      "sample --out in a missing folder, checked before the model",
      ["sample", "--model", "no-model", "--observation", "obs.csv", "--num-samples", "5", "--out", "nodir/b.csv"],
      /--out 'nodir\/b\.csv': folder 'nodir' does not exist/,
    ],
    [
      "reference --out onto an existing file",
      ["reference", "--task", "two_moons", "--observation", "1", "--out", "a-file"],
      /--out 'a-file': exists and is not a folder/,
    ],
    [
      "an observation whose only line is not numeric",
      ["sample", "--model", "model", "--observation", "obs-text.csv", "--num-samples", "5", "--out", "b.csv"],
      /obs-text\.csv: line 1, column 2: 'abc' is not a number, and no rows of numbers follow/,
    ],
    [
      "train --clip-max-norm abc names the flag",
      ["train", "npe", "--data", "sims.npz", "--clip-max-norm", "abc", "--out", "m-clip"],
      /--clip-max-norm.*'abc'/,
    ],
    [
      "c2st with too few rows names the option",
      ["c2st", "--reference", "obs-rows.csv", "--samples", "obs-rows.csv"],
      /--reference 'obs-rows\.csv': has 2 rows, need at least 10/,
    ],
    [
      "c2st with different column names",
      ["c2st", "--reference", "ref-ab.csv", "--samples", "s.csv"],
      /--reference 'ref-ab\.csv': columns a,b differ from --samples 's\.csv' columns parameter_1,parameter_2/,
    ],
  ];
  let results: RunResult[] = [];
  let before = new Map<string, number>(),
    after = new Map<string, number>();
  beforeAll(async () => {
    writeFileSync(join(dir, "not-npz.npz"), "theta,x\n1,2\n");
    writeFileSync(join(dir, "obs3.csv"), "data_1,data_2,data_3\n0.1,0.2,0.3\n");
    writeFileSync(join(dir, "obs-rows.csv"), "data_1,data_2\n0.1,0.2\n0.3,0.4\n");
    writeFileSync(join(dir, "a-file"), "");
    writeFileSync(join(dir, "obs-text.csv"), "0.05,abc\n");
    writeFileSync(join(dir, "ref-ab.csv"), `a,b\n${Array.from({ length: 20 }, (_, i) => `${i},${-i}`).join("\n")}\n`);
    before = listing();
    results = await nsbiMany(cases.map(([, args]) => args));
    after = listing();
  });

  test.each(cases.map((c, i) => [c[0], i, c[2]] as const))("%s", (_name, i, re) => {
    const r = results[i];
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^nsbi: error: /); // also commander's own errors (unknown command, bad value)
    expect(lines[0]).toMatch(re);
  });

  test("the failed commands above left nothing behind: no output file, no model folder, no *.tmp", () => {
    expect(results).toHaveLength(cases.length);
    expect(after).toEqual(before);
  });

  test("train npe --out onto an existing file fails without touching it", () => {
    const before = listing();
    const r = nsbi("--quiet", ...train("a-file"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^nsbi: error: --out 'a-file': exists and is not a folder\n$/);
    expect(listing()).toEqual(before);
  });

  test("a failed sample leaves an existing output file as it was", () => {
    writeFileSync(join(dir, "keep.csv"), "old\n");
    const r = nsbi(
      "sample",
      "--model",
      "model",
      "--observation",
      "obs3.csv",
      "--num-samples",
      "5",
      "--out",
      "keep.csv",
    );
    expect(r.status).toBe(1);
    expect(read("keep.csv").toString("utf8")).toBe("old\n");
  });

  test("no temporary files anywhere after all of the above", () => {
    expect([...listing().keys()].filter((f) => f.endsWith(".tmp") || f.includes(".tmp"))).toEqual([]);
  });
});

describe("--help", () => {
  const cases: [string[], string[]][] = [
    [[], ["simulate", "train", "sample", "reference", "--kernels", "--threads", "--quiet"]],
    [["simulate"], ["--task", "--num-simulations", "--seed", "--out", "two_moons"]],
    [["train"], ["npe"]],
    [
      ["train", "npe"],
      [
        "--data",
        "--out",
        "--estimator",
        "--embedding",
        "--hidden-features",
        "--hidden-layers",
        "--transforms",
        "--bins",
        "--tail-bound",
        "--batch-size",
        "--learning-rate",
        "--stop-after-epochs",
        "--max-epochs",
        "--validation-fraction",
        "--clip-max-norm",
        "--seed",
        "--prior",
      ],
    ],
    [["sample"], ["--model", "--observation", "--num-samples", "--seed", "--out"]],
    [["reference"], ["--task", "--observation", "--out", "two_moons"]],
  ];
  let results: RunResult[] = [];
  let before = new Map<string, number>();
  beforeAll(async () => {
    before = listing();
    results = await nsbiMany(cases.map(([cmd]) => [...cmd, "--help"]));
  });

  test.each(cases.map((c, i) => [c[0], i] as const))("nsbi %j --help", (cmd, i) => {
    const r = results[i];
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: nsbi${cmd.map((c) => ` ${c}`).join("")} `));
    for (const w of cases[i][1]) expect(r.stdout).toContain(w);
  });

  test("--help writes no files", () => {
    expect(results).toHaveLength(cases.length);
    expect(listing()).toEqual(before);
  });

  test("--version prints the package version", () => {
    const r = nsbi("--version");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(
      JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version,
    );
  });
});
