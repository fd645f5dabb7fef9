// `nsbi train nle|nre` and `nsbi sample` on their models (MCMC), end to end against the build
// (`npm test` builds first): tiny trainings on two_moons, samples with R-hat/ESS reported, iid
// trials as observation rows, and every bad input (of `sample` and of `diagnose` on these models)
// as one `nsbi: error:` line with nothing written. `diagnose`, `plot` and `c2st` on NLE/NRE
// models: nle-nre-diagnose.test.ts.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeSimulationsFile } from "../node/simulations-file.js";

const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "nsbi-nle-nre-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nsbi(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", timeout: 120_000 });
}

function ok(...args: string[]): SpawnSyncReturns<string> {
  const r = nsbi(...args);
  expect(r.status, `nsbi ${args.join(" ")}\n${r.stderr}`).toBe(0);
  return r;
}

/** Exit 1 with exactly one line on stderr, `nsbi: error: …` matching re, and `out` not written. */
function fails(re: RegExp, out: string, ...args: string[]): void {
  const r = nsbi(...args);
  expect(r.status, r.stderr).toBe(1);
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^nsbi: error: /);
  expect(lines[0]).toMatch(re);
  expect(existsSync(join(dir, out))).toBe(false);
}

const tiny = ["--data", "sims.npz", "--max-epochs", "3", "--seed", "1"];

beforeAll(() => {
  ok("--quiet", "simulate", "--task", "two_moons", "--num-simulations", "1000", "--seed", "1", "--out", "sims.npz");
  ok("--quiet", "train", "nle", ...tiny, "--transforms", "1", "--hidden-features", "8", "--out", "nle");
  ok(
    "--quiet",
    "train",
    "nre",
    ...tiny,
    "--loss",
    "nre-c",
    "--num-classes",
    "3",
    "--gamma",
    "2",
    "--classifier",
    "mlp",
    "--hidden-features",
    "16",
    "--out",
    "nre",
  );
  ok("--quiet", "train", "npe", ...tiny, "--transforms", "1", "--hidden-features", "8", "--out", "npe");
  writeFileSync(join(dir, "obs.csv"), "0.1,0.2\n");
  writeFileSync(join(dir, "trials.csv"), "0.1,0.2\n0.05,0.25\n0.12,0.18\n");
  writeFileSync(join(dir, "obs3.csv"), "0.1,0.2,0.3\n");
  writeFileSync(join(dir, "nan.csv"), "0.1,nan\n");
  // test pairs for `diagnose --data`: x of the wrong dimension, and a NaN in x
  const theta = Float32Array.from([0.1, 0.2, -0.3, 0.4]);
  writeSimulationsFile(join(dir, "test3.npz"), {
    theta,
    x: Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),
    n: 2,
    thetaDim: 2,
    xDim: 3,
    meta: {},
  });
  writeSimulationsFile(join(dir, "testnan.npz"), {
    theta,
    x: Float32Array.from([0.1, 0.2, 0.3, Number.NaN]),
    n: 2,
    thetaDim: 2,
    xDim: 2,
    meta: {},
  });
  // a model folder of a method nsbi does not know
  mkdirSync(join(dir, "other"));
  writeFileSync(join(dir, "other", "config.json"), JSON.stringify({ format: "nsbi-abc" }));
  writeFileSync(join(dir, "other", "model.safetensors"), "");
}, 120_000);

describe("nsbi train nle|nre", () => {
  test("write model folders of their method, with the options given", () => {
    const nle = JSON.parse(readFileSync(join(dir, "nle", "config.json"), "utf8"));
    expect(nle.format).toBe("nsbi-nle");
    expect(nle.network.flow.transforms).toBe(1);
    const nre = JSON.parse(readFileSync(join(dir, "nre", "config.json"), "utf8"));
    expect(nre.format).toBe("nsbi-nre");
    expect(nre.loss).toEqual({ type: "nre-c", numClasses: 3, gamma: 2 });
    expect(nre.network.classifier).toMatchObject({ type: "mlp", hiddenFeatures: 16 });
    expect(existsSync(join(dir, "nle", "training.checkpoint"))).toBe(false);
  });
});

describe("nsbi sample on NLE/NRE models runs MCMC", () => {
  test.each([
    ["nle", "slice", "trials.csv", 3],
    ["nre", "hmc", "obs.csv", 1],
  ])("%s with %s on %s", (model, method, obs, trials) => {
    const out = `${model}-${method}.csv`;
    const r = ok(
      "sample",
      "--model",
      model,
      "--observation",
      obs,
      "--num-samples",
      "300",
      "--mcmc",
      method,
      "--chains",
      "6",
      "--warmup",
      "30",
      "--out",
      out,
    );
    const rows = readFileSync(join(dir, out), "utf8").trim().split("\n");
    expect(rows).toHaveLength(301); // header + samples
    expect(rows.slice(1).every((l) => l.split(",").every((v) => Number.isFinite(Number(v))))).toBe(true);
    expect(r.stderr).toMatch(new RegExp(`by ${method} MCMC \\(6 chains × 50 draws, ${trials} trials?\\); R-hat `));
    expect(r.stderr).toMatch(/bulk ESS /);
  });
});

describe("bad input: one error line, nothing written", () => {
  const sample = (model: string, obs: string, ...extra: string[]) => [
    "sample",
    "--model",
    model,
    "--observation",
    obs,
    "--num-samples",
    "50",
    "--out",
    "never.csv",
    ...extra,
  ];
  test("wrong observation dimension, NaN, several rows for NPE", () => {
    fails(/3 values, but the model was trained on x with 2/, "never.csv", ...sample("nle", "obs3.csv"));
    fails(/finite number/, "never.csv", ...sample("nre", "nan.csv"));
    fails(
      /3 rows, expected exactly one observation .*iid trials need an NLE or NRE model/,
      "never.csv",
      ...sample("npe", "trials.csv"),
    );
  });
  test("0 chains, thin 0", () => {
    fails(/--chains/, "never.csv", ...sample("nle", "obs.csv", "--chains", "0"));
    fails(/--thin/, "never.csv", ...sample("nle", "obs.csv", "--thin", "0"));
  });
  test("MCMC settings that cannot work: --chains 0, --thin 0, negative --warmup (sample and diagnose)", () => {
    fails(/--warmup <W>.*'-1'.*non-negative integer/, "never.csv", ...sample("nle", "obs.csv", "--warmup", "-1"));
    for (const [flag, value, re] of [
      ["--chains", "0", /--chains <C>.*'0'.*positive integer/],
      ["--thin", "0", /--thin <T>.*'0'.*positive integer/],
      ["--warmup", "-1", /--warmup <W>.*'-1'.*non-negative integer/],
    ] as const)
      fails(re, "never-diag", ...diagnose("nre", flag, value));
  });
  test("diagnose: test pairs of the wrong dimension or with NaN", () => {
    fails(
      /--data 'test3\.npz': theta \[2, 2\] and x \[2, 3\], but the model has theta 2 and x 2/,
      "never-diag",
      ...diagnoseData("nle", "test3.npz"),
    );
    fails(/--data 'testnan\.npz': x row 2, column 2 is NaN/, "never-diag", ...diagnoseData("nre", "testnan.npz"));
  });
  test("a model folder of another method: MCMC flags for an NPE model, an unknown format", () => {
    const npeMcmc = /--chains: MCMC settings apply to NLE\/NRE models, but --model 'npe' is an NPE model/;
    fails(npeMcmc, "never.csv", ...sample("npe", "obs.csv", "--chains", "4"));
    fails(npeMcmc, "never-diag", ...diagnose("npe", "--chains", "4"));
    fails(
      /other\/config\.json: field 'format' is "nsbi-abc", expected one of 'nsbi-npe'/,
      "never-diag",
      ...diagnose("other"),
    );
  });
});

/** `nsbi diagnose` of a model on 6 two_moons test pairs, 40 draws each (MCMC flags appended). */
function diagnose(model: string, ...extra: string[]): string[] {
  return [
    "diagnose",
    "--model",
    model,
    "--task",
    "two_moons",
    "--num-tests",
    "6",
    "--num-samples",
    "40",
    "--out",
    "never-diag",
    ...extra,
  ];
}

function diagnoseData(model: string, data: string): string[] {
  return ["diagnose", "--model", model, "--data", data, "--num-samples", "40", "--out", "never-diag"];
}
