// `nsbi train nle|nre` and `nsbi sample` on their models (MCMC), end to end against the build
// (`npm test` builds first): tiny trainings on two_moons, samples with R-hat/ESS reported, iid
// trials as observation rows, and every bad input as one `nsbi: error:` line with nothing written.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

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
  test("a model of another method where one kind is required", () => {
    fails(
      /an NLE model \('nsbi-nle'\), expected an NPE model/,
      "never-diag",
      "diagnose",
      "--model",
      "nle",
      "--task",
      "two_moons",
      "--num-tests",
      "5",
      "--num-samples",
      "10",
      "--out",
      "never-diag",
    );
  });
});
