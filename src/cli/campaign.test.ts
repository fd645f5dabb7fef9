// `nsbi campaign run|resume|status|results` on the local pool (the Redis path is tested in
// src/node/campaigns/bullmq.test.ts). Runs the build (dist/).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import type * as RngModule from "../engine/rng.js";

const dist = (p: string) => new URL(`../../dist/${p}`, import.meta.url).href;
const { Rng } = (await import(dist("engine/rng.js"))) as typeof RngModule;
const fixtures = new URL("../node/campaigns/fixtures/", import.meta.url);
const { toyCampaign } = (await import(new URL("toy-campaign.mjs", fixtures).href)) as {
  toyCampaign: (o?: { n?: number }) => { name: string; kindsModule: string; jobs: unknown[] };
};
const CLI = fileURLToPath(dist("cli/main.js"));
const root = mkdtempSync(join(tmpdir(), "nsbi-cli-campaign-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function nsbi(...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const c = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "",
      stderr = "";
    c.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
    c.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    c.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("nsbi campaign", () => {
  test("run, status, results --json and resume of a campaign config (kinds module relative to the config file)", async () => {
    const out = join(root, "toy");
    const config = join(root, "toy.json");
    const campaign = toyCampaign({ n: 4 });
    const kinds = relative(root, fileURLToPath(campaign.kindsModule));
    expect(kinds.startsWith("../")).toBe(true);
    writeFileSync(config, JSON.stringify({ campaign: { ...campaign, kindsModule: kinds } }));

    const run = await nsbi("campaign", "run", "--config", config, "--out", out, "--workers", "1");
    expect(run.stderr).toMatch(/5\/5 jobs done \(0 resumed\), 0 failed/);
    expect(run.code).toBe(0);

    const status = await nsbi("campaign", "status", "--out", out);
    expect(status.stdout).toMatch(/^campaign 'toy': 5 jobs: 5 done, 0 failed, 0 pending \(last run finished, /);

    const results = await nsbi("campaign", "results", "--out", out, "--json");
    const jobs = (
      JSON.parse(results.stdout) as {
        jobs: { label: string; status: string; result: { value?: number; total?: number } }[];
      }
    ).jobs;
    const expected = [0, 1, 2, 3].map((i) => (i + 1) ** 2 + 0.01 * new Rng(100 + i).normal());
    expect(jobs.map((j) => [j.label, j.status, j.result.value])).toEqual([
      ...expected.map((v, i) => [`square ${i + 1}`, "done", v]),
      ["sum", "done", undefined],
    ]);
    expect(jobs[4].result.total).toBeCloseTo(expected[0] + expected[1] + expected[2] + expected[3], 12);

    const resume = await nsbi("campaign", "resume", "--out", out, "--workers", "1");
    expect(resume.stderr).toMatch(/5\/5 jobs done \(5 resumed\), 0 failed/);
  }, 30_000);

  test("--kernels reaches the worker processes", async () => {
    const { makeJob } = (await import(dist("campaigns/job.js"))) as typeof import("../campaigns/job.js");
    const kindsModule = new URL("toy-kinds.mjs", fixtures).href;
    const job = makeJob({ kind: "toy-kernels", version: 1, run: async () => ({}) }, { config: {}, seed: 0 });
    const config = join(root, "kernels.json");
    writeFileSync(config, JSON.stringify({ campaign: { name: "kernels", kindsModule, jobs: [job] } }));
    for (const path of ["ts", "wasm-simd"]) {
      const out = join(root, `kernels-${path}`);
      const run = await nsbi("--kernels", path, "campaign", "run", "--config", config, "--out", out, "--workers", "1");
      expect(run.code).toBe(0);
      const results = await nsbi("campaign", "results", "--out", out, "--json");
      expect((JSON.parse(results.stdout) as { jobs: { result: { path: string } }[] }).jobs[0].result.path).toBe(path);
    }
  }, 60_000);

  test("a config that is neither a study nor a campaign: one clear error line", async () => {
    const config = join(root, "bad.json");
    writeFileSync(config, JSON.stringify({ study: "gaussian-thing" }));
    const r = await nsbi("campaign", "run", "--config", config, "--out", join(root, "bad"));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `nsbi: error: --config '${config}': study: expected one of "mixture", "diagnose", "t2k-throws", got "gaussian-thing"\n`,
    );
  }, 30_000);

  test('{"study": "t2k-throws"}: batches of T2K covariance throws on two workers equal the in-process call; resume keeps them', async () => {
    const { covarianceThrowBatches } = (await import(
      dist("workflows/t2k-campaign/throw-batches.js")
    )) as typeof import("../workflows/t2k-campaign/throw-batches.js");
    const { loadT2kMeasurement } = (await import(dist("node/t2k-tune.js"))) as typeof import("../node/t2k-tune.js");
    const { decodeNpy } = (await import(dist("io/npy.js"))) as typeof import("../io/npy.js");
    const out = join(root, "throws");
    const config = join(root, "throws.json");
    writeFileSync(config, JSON.stringify({ study: "t2k-throws", throws: 250, batch: 100, seed: 3 }));
    const run = await nsbi("campaign", "run", "--config", config, "--out", out, "--workers", "2");
    expect(run.stderr).toMatch(/3\/3 jobs done \(0 resumed\), 0 failed/);
    expect(run.code).toBe(0);
    // (a copy into a plain Uint8Array: decodeNpy misreads a pooled Node Buffer, whose slice is a view)
    const file = decodeNpy(new Uint8Array(readFileSync(join(out, "throws.npy"))), "throws.npy");
    expect(file.shape).toEqual([250, 58]);
    const data = loadT2kMeasurement();
    expect(file.data).toEqual(
      covarianceThrowBatches(data.values, data.covariance, { throws: 250, batch: 100, seed: 3 }),
    );
    const status = await nsbi("campaign", "status", "--out", out);
    expect(status.stdout).toMatch(/^campaign 't2k throws': 3 jobs: 3 done, 0 failed, 0 pending/);
    const resume = await nsbi("campaign", "resume", "--out", out, "--workers", "1");
    expect(resume.stderr).toMatch(/3\/3 jobs done \(3 resumed\), 0 failed/);
    expect(resume.code).toBe(0);
  }, 60_000);

  test('{"study": "diagnose"}: chunks of posterior draws on two workers give the report of the in-process call', async () => {
    const { NPE } = (await import(dist("inference/npe.js"))) as typeof import("../inference/npe.js");
    const { BoxUniform } = (await import(
      dist("flows/priors/box-uniform.js")
    )) as typeof import("../flows/priors/box-uniform.js");
    const { saveModel, loadModel } = (await import(dist("node/model-io.js"))) as typeof import("../node/model-io.js");
    const { writeSimulationsFile } = (await import(
      dist("node/simulations-file.js")
    )) as typeof import("../node/simulations-file.js");
    const { diagnoseInChunks } = (await import(
      dist("workflows/diagnose-campaign/diagnose-jobs.js")
    )) as typeof import("../workflows/diagnose-campaign/diagnose-jobs.js");
    const prior = new BoxUniform([-1, -1], [1, 1]);
    const rng = new Rng(1);
    const simulate = (t: Float32Array) => t.map((v) => v + 0.3 * rng.normal());
    const t = prior.sample(400, rng);
    const npe = new NPE({ prior, estimator: "maf", transforms: 1, hiddenFeatures: 8 });
    npe.appendSimulations(t, simulate(t)).train({ seed: 2, batchSize: 100, maxEpochs: 3, stopAfterEpochs: 10 });
    saveModel(npe.buildPosterior(), join(root, "model"));
    const theta = prior.sample(35, rng);
    const x = simulate(theta);
    writeSimulationsFile(join(root, "tests.npz"), { theta, x, n: 35, thetaDim: 2, xDim: 2, meta: {} });
    const config = join(root, "diagnose.json");
    const settings = { numSamples: 30, seed: 4, chunk: 10 };
    writeFileSync(config, JSON.stringify({ study: "diagnose", model: "model", data: "tests.npz", ...settings }));
    const out = join(root, "diagnose");
    // one kernel path for the workers and the reference (paths may round differently)
    const run = await nsbi("--kernels", "ts", "campaign", "run", "--config", config, "--out", out, "--workers", "2");
    expect(run.stderr).toMatch(/4\/4 jobs done \(0 resumed\), 0 failed/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\noverall: /);
    const report = JSON.parse(readFileSync(join(out, "report", "diagnostics.json"), "utf8"));
    const reference = diagnoseInChunks(loadModel(join(root, "model"), { kernels: "ts" }), theta, x, settings);
    expect({ ...report, seconds: null }).toEqual(JSON.parse(JSON.stringify({ ...reference, seconds: null })));
    expect(report.numTests).toBe(35);
    // the kernel path is saved with the study: a resume without --kernels takes every chunk as done
    const resume = await nsbi("campaign", "resume", "--out", out, "--workers", "1");
    expect(resume.stderr).toMatch(/4\/4 jobs done \(4 resumed\), 0 failed/);
    expect(resume.code).toBe(0);
  }, 60_000);
});
