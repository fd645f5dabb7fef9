// `nsbi diagnose`, `nsbi plot` and `nsbi c2st` on NLE and NRE models, end to end against the build
// (`npm test` builds first): tiny two_moons trainings diagnosed with one MCMC run per test
// observation (the runs' R-hat/ESS counted over the tests, one warning at most), a gaussian_linear
// NLE whose posterior widths and pulls are checked against the closed form, and pair plots and
// C2ST scores from their `nsbi sample` output. Bad input: nle-nre.test.ts.
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "nsbi-nle-nre-diagnose-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ok(...args: string[]): SpawnSyncReturns<string> {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", timeout: 120_000 });
  expect(r.status, `nsbi ${args.join(" ")}\n${r.stderr}`).toBe(0);
  return r;
}

const tiny = ["--data", "sims.npz", "--max-epochs", "3", "--seed", "1"];

beforeAll(() => {
  ok("--quiet", "simulate", "--task", "two_moons", "--num-simulations", "1000", "--seed", "1", "--out", "sims.npz");
  ok("--quiet", "train", "nle", ...tiny, "--transforms", "1", "--hidden-features", "8", "--out", "nle");
  ok("--quiet", "train", "nre", ...tiny, "--classifier", "mlp", "--hidden-features", "16", "--out", "nre");
  ok("--quiet", "reference", "--task", "two_moons", "--observation", "1", "--out", "ref");
}, 120_000);

/** Runs a command without blocking, so that the NLE and NRE reports are made side by side. */
function nsbiAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "--threads", "1", ...args], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
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

describe("nsbi diagnose on NLE/NRE models: one MCMC run per test observation", () => {
  const N = 8,
    L = 60;
  const runs: Record<string, { status: number | null; stdout: string; stderr: string }> = {};
  const args = (model: string, method: string) => [
    "diagnose",
    "--model",
    model,
    "--task",
    "two_moons",
    "--num-tests",
    String(N),
    "--num-samples",
    String(L),
    "--mcmc",
    method,
    "--chains",
    "4",
    "--warmup",
    "20",
    "--seed",
    "2",
    "--out",
    `diag-${model}`,
  ];
  // gaussian_linear (θ ∈ R¹⁰, prior N(0, 0.1 I), x ~ N(θ, 0.1 I)): the posterior is N(x/2, 0.05 I)
  const glArgs = [
    "diagnose",
    "--model",
    "gl-nle",
    "--task",
    "gaussian_linear",
    "--num-tests",
    "30",
    "--num-samples",
    "100",
    "--mcmc",
    "hmc",
    "--chains",
    "5",
    "--warmup",
    "50",
    "--seed",
    "4",
    "--out",
    "diag-gl",
  ];
  beforeAll(async () => {
    ok(
      "--quiet",
      "simulate",
      "--task",
      "gaussian_linear",
      "--num-simulations",
      "2000",
      "--seed",
      "3",
      "--out",
      "gl.npz",
    );
    // trained to convergence of the posterior's width (lr 5e-3; 3 epochs at the default rate give the prior back)
    ok(
      "--quiet",
      "train",
      "nle",
      "--data",
      "gl.npz",
      "--transforms",
      "1",
      "--hidden-features",
      "16",
      "--learning-rate",
      "0.005",
      "--max-epochs",
      "300",
      "--seed",
      "1",
      "--out",
      "gl-nle",
    );
    const [a, b, c] = await Promise.all([
      nsbiAsync(args("nle", "slice")),
      nsbiAsync(args("nre", "hmc")),
      nsbiAsync(["--quiet", ...glArgs]),
    ]);
    runs.nle = a;
    runs.nre = b;
    runs.gl = c;
  }, 240_000);

  test.each([
    ["nle", "slice"],
    ["nre", "hmc"],
  ])("%s (%s): a report with coverage, SBC and pulls of the MCMC draws, convergence counted once", (model, method) => {
    const r = runs[model];
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, `diag-${model}`, "diagnostics.json"), "utf8"));
    expect([report.numTests, report.numSamples, report.sampler, report.acceptance]).toEqual([N, L, "mcmc", null]);
    const m = report.mcmc;
    expect([m.estimator, m.sampler, m.chains, m.drawsPerChain, m.warmup, m.thin]).toEqual([
      model,
      method,
      4,
      15,
      20,
      1,
    ]);
    expect(m.maxRhat).toHaveLength(N);
    expect(m.highRhat).toBe(m.maxRhat.filter((v: number | null) => v !== null && v > 1.01).length);
    // HPD coverage: one value per level, a CDF of the r* (in [0, 1], non-decreasing, 1 at level 1)
    const ec = report.expectedCoverage;
    expect(ec.coverage).toHaveLength(ec.levels.length);
    expect(ec.hpdLevels).toHaveLength(N);
    for (let k = 0; k < ec.coverage.length; k++) {
      expect(ec.coverage[k]).toBeGreaterThanOrEqual(k > 0 ? ec.coverage[k - 1] : 0);
      expect(ec.coverage[k]).toBeLessThanOrEqual(1);
    }
    expect(ec.coverage.at(-1)).toBe(1);
    // central coverage: per parameter, a fraction of the N tests per level
    expect(report.centralCoverage.coverage).toHaveLength(2);
    for (const row of report.centralCoverage.coverage) {
      expect(row).toHaveLength(report.centralCoverage.levels.length);
      for (const v of row) expect(Math.abs(v * N - Math.round(v * N))).toBeLessThan(1e-9);
    }
    // SBC ranks: integers 0..L, one per test and parameter
    expect(report.sbc.ranks).toHaveLength(2);
    for (const ranks of report.sbc.ranks) {
      expect(ranks).toHaveLength(N);
      for (const k of ranks) expect(Number.isInteger(k) && k >= 0 && k <= L).toBe(true);
    }
    for (const f of report.pulls.fit) expect(Number.isFinite(f.mean) && f.width > 0).toBe(true);
    // one verdict line per diagnostic (2 joint + 4 per parameter), then the overall verdict
    expect(r.stdout.trim().split("\n")).toHaveLength(2 + 4 * 2 + 1);
    // the runs' R-hat/ESS problems: at most one warning over all tests, never one per observation
    const problems = m.highRhat + m.undefinedRhat + m.lowEss + m.otherWarnings;
    const warnings = r.stderr.split("\n").filter((l) => l.startsWith("nsbi: warning: mcmc:"));
    expect(warnings).toHaveLength(problems > 0 ? 1 : 0);
    if (m.highRhat > 0) expect(warnings[0]).toContain(`R-hat > 1.01 in ${m.highRhat} of ${N}`);
    // index.html: the numbers table without NPE's leakage row, and the MCMC section with the counts
    const doc = new JSDOM(readFileSync(join(dir, `diag-${model}`, "index.html"), "utf8")).window.document;
    const section = (title: string) =>
      [...doc.querySelectorAll("section")].find((s) => s.querySelector("h2")?.textContent === title);
    const numbers = section("Coverage, TARP and SBC")!;
    const rows = [...numbers.querySelectorAll("tbody tr")].map((tr) => tr.textContent ?? "");
    expect(rows).toHaveLength(2 + 2 + 3 + 2);
    expect(rows.some((t) => t.includes("leakage"))).toBe(false);
    const mc = section("MCMC convergence (one run per test observation)")!;
    const mcRows = [...mc.querySelectorAll("tbody tr")].map((tr) =>
      [...tr.querySelectorAll("td")].map((td) => td.textContent),
    );
    expect(mcRows).toContainEqual(["observations with R-hat > 1.01", `${m.highRhat} of ${N}`]);
    expect(mcRows).toContainEqual(["chains × draws per chain (warm-up, thin)", "4 × 15 (20, 1)"]);
  });

  test("gaussian_linear NLE: posterior widths as in closed form, pulls centred with unit width", () => {
    const r = runs.gl;
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, "diag-gl", "diagnostics.json"), "utf8"));
    expect(report.numTests).toBe(30);
    let pullSum = 0;
    for (let p = 0; p < 10; p++) {
      // posterior sd √0.05 = 0.224 per parameter; the prior's 0.316 (an NLE that ignored x) is 41 % off
      const sd = report.pulls.rows[p].std.reduce((a: number, b: number) => a + b, 0) / 30;
      expect(Math.abs(sd / Math.sqrt(0.05) - 1)).toBeLessThan(0.2);
      // 30 pulls per parameter: standard errors ≈ 0.18 (mean) and ≈ 0.13 (width)
      const f = report.pulls.fit[p];
      expect(Math.abs(f.mean)).toBeLessThan(0.7);
      expect(f.width).toBeGreaterThan(0.6);
      expect(f.width).toBeLessThan(1.45);
      pullSum += f.mean;
    }
    // the mean over 300 pulls (independent parameters): standard error ≈ 0.06
    expect(Math.abs(pullSum / 10)).toBeLessThan(0.2);
  });
});

describe("nsbi plot and c2st on the samples of NLE/NRE models", () => {
  test.each([
    ["nle", "pair.svg"],
    ["nre", "pair.png"],
  ])("%s samples of sbibm's observation 1: a pair plot (%s) and a C2ST score against the reference", (model, plot) => {
    // (plot and c2st read sample files: NLE's and NRE's go through the same code; c2st runs once)
    const samples = `ref-${model}.csv`;
    ok(
      "--quiet",
      "sample",
      "--model",
      model,
      "--observation",
      "ref/observation.csv",
      "--num-samples",
      "200",
      "--chains",
      "5",
      "--warmup",
      "20",
      "--out",
      samples,
    );
    ok(
      "--quiet",
      "plot",
      "pair",
      "--samples",
      samples,
      "--reference",
      "ref/reference_posterior_samples.csv",
      "--truth",
      "ref/true_parameters.csv",
      "--out",
      `${model}-${plot}`,
    );
    const bytes = readFileSync(join(dir, `${model}-${plot}`));
    if (plot.endsWith(".svg"))
      expect(bytes.toString("utf8")).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    else expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    if (model === "nre") return;
    const c = JSON.parse(
      ok("--quiet", "c2st", "--reference", "ref/reference_posterior_samples.csv", "--samples", samples, "--json")
        .stdout,
    );
    // the reference is subsampled to the 200 samples; accuracy over 5 folds of 400 rows
    expect([c.nSamples, c.nReference, c.folds.length]).toEqual([200, 200, 5]);
    expect(c.c2st).toBeGreaterThanOrEqual(0.3);
    expect(c.c2st).toBeLessThanOrEqual(1);
    expect(c.c2st).toBeCloseTo(c.folds.reduce((a: number, b: number) => a + b, 0) / 5, 12);
  });
});
