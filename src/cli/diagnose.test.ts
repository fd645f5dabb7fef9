// `nsbi diagnose` end to end against the build: a report folder whose index.html shows every
// figure (parsed with jsdom, images checked on disk), diagnostics.json with the promised numbers,
// reproducible per seed, and one-line errors for bad input.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "nsbi-diagnose-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const nsbi = (...args: string[]) =>
  spawnSync(process.execPath, [cli, "--quiet", "--threads", "1", ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
  });
const diagnoseArgs = (out: string) => [
  "diagnose",
  "--model",
  "model",
  "--task",
  "gaussian_linear",
  "--num-tests",
  "60",
  "--num-samples",
  "100",
  "--seed",
  "3",
  "--out",
  out,
];

/** Runs a command without blocking, so that the two same-seed reports are written side by side. */
function nsbiAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "--quiet", "--threads", "1", ...args], {
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

describe("nsbi diagnose", () => {
  let first: Awaited<ReturnType<typeof nsbiAsync>>, second: Awaited<ReturnType<typeof nsbiAsync>>;
  beforeAll(async () => {
    expect(
      nsbi("simulate", "--task", "gaussian_linear", "--num-simulations", "500", "--seed", "1", "--out", "sims.npz")
        .status,
    ).toBe(0);
    const t = nsbi(
      "train",
      "npe",
      "--data",
      "sims.npz",
      "--estimator",
      "maf",
      "--transforms",
      "1",
      "--hidden-features",
      "8",
      "--max-epochs",
      "2",
      "--out",
      "model",
    );
    expect(t.status, t.stderr).toBe(0);
    [first, second] = await Promise.all([nsbiAsync(diagnoseArgs("report")), nsbiAsync(diagnoseArgs("report2"))]);
  });

  test("writes diagnostics.json, SVG + PNG figures and an index.html that shows them all", () => {
    const r = first;
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/overall: (calibrated|over-confident|under-confident|biased)/);
    const report = JSON.parse(readFileSync(join(dir, "report", "diagnostics.json"), "utf8"));
    expect(report.numTests).toBe(60);
    expect(report.numSamples).toBe(100);
    expect(report.pulls.fit).toHaveLength(10);
    // NPE: direct draws, the leakage acceptance a rate, no MCMC runs
    expect([report.sampler, report.mcmc]).toEqual(["direct", null]);
    expect(report.acceptance.min).toBeGreaterThan(0);
    expect(report.acceptance.min).toBeLessThanOrEqual(report.acceptance.mean);
    expect(report.acceptance.mean).toBeLessThanOrEqual(1);
    expect(report.tarp.ecp.length).toBe(report.tarp.alpha.length);
    expect(Object.keys(report.definitions)).toEqual(
      expect.arrayContaining(["sbc", "expectedCoverage", "tarp", "pulls"]),
    );
    const doc = new JSDOM(readFileSync(join(dir, "report", "index.html"), "utf8")).window.document;
    const imgs = [...doc.querySelectorAll("img")].map((i) => decodeURI(i.getAttribute("src")!));
    expect(imgs.sort()).toEqual([
      "coverage.svg",
      "pulls.svg",
      "residuals.svg",
      "sbc-ecdf.svg",
      "sbc-ranks.svg",
      "true-vs-predicted.svg",
    ]);
    for (const f of imgs) {
      expect(readFileSync(join(dir, "report", f), "utf8")).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect([...readFileSync(join(dir, "report", f.replace(".svg", ".png"))).subarray(0, 4)]).toEqual([
        0x89, 0x50, 0x4e, 0x47,
      ]);
    }
    // one verdict row per diagnostic line printed
    expect(doc.querySelectorAll("table.verdicts tbody tr").length).toBe(r.stdout.trim().split("\n").length - 1);
  });

  test("the same seed gives the same numbers", () => {
    expect(second.status, second.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(dir, "report", "diagnostics.json"), "utf8"));
    const b = JSON.parse(readFileSync(join(dir, "report2", "diagnostics.json"), "utf8"));
    delete a.seconds;
    delete b.seconds;
    expect(b).toEqual(a);
  });

  test.each([
    [["diagnose", "--model", "model", "--num-samples", "10", "--out", "r-x"], /--task.*--num-tests.*--data/],
    [
      ["diagnose", "--model", "model", "--task", "two_moons", "--num-tests", "5", "--out", "r-x"],
      /two_moons.*theta 2.*model has theta 10/,
    ],
    [["diagnose", "--model", "nope", "--task", "gaussian_linear", "--num-tests", "5", "--out", "r-x"], /nope/],
  ])("bad input %j exits 1 with a one-line reason", (args, re) => {
    const r = nsbi(...args);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(re);
    expect(existsSync(join(dir, "r-x"))).toBe(false);
  });
});
