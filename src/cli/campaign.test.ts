// `nsbi campaign run|resume|status|results` on the local pool (the Redis path is tested in
// src/node/campaigns/bullmq.test.ts). Runs the build (dist/).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
    expect(r.stderr).toBe(`nsbi: error: --config '${config}': study: expected "mixture", got "gaussian-thing"\n`);
  }, 30_000);
});
