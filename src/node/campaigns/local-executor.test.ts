// Runs against the build (dist/), because the worker processes load compiled JavaScript.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type * as DiskStoreModule from "./disk-store.js";
import type * as LocalExecutorModule from "./local-executor.js";
import type * as JobModule from "../../campaigns/job.js";
import type * as RngModule from "../../engine/rng.js";

const dist = (p: string) => new URL(`../../../dist/${p}`, import.meta.url).href;
const { DiskCampaignStore } = (await import(dist("node/campaigns/disk-store.js"))) as typeof DiskStoreModule;
const { LocalPoolExecutor } = (await import(dist("node/campaigns/local-executor.js"))) as typeof LocalExecutorModule;
const { makeJob } = (await import(dist("campaigns/job.js"))) as typeof JobModule;
const { Rng } = (await import(dist("engine/rng.js"))) as typeof RngModule;
type Job = JobModule.Job;
type Campaign = { name: string; kindsModule: string; jobs: Job[] };
const fixtures = new URL("./fixtures/", import.meta.url);
const { toyCampaign } = (await import(new URL("toy-campaign.mjs", fixtures).href)) as {
  toyCampaign: (o?: { n?: number; delayMs?: number; extra?: Record<number, object> }) => Campaign;
};
const { square } = (await import(new URL("toy-kinds.mjs", fixtures).href)) as {
  square: { kind: string; version: number };
};

const root = mkdtempSync(join(tmpdir(), "nsbi-campaign-pool-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshStore = () => DiskCampaignStore.open(join(root, `store-${n++}`));
const quiet = { workerOutput: "ignore" as const };

/** Square i of the toy campaign, computed here: x = i + 1, seed 100 + i. */
const expected = (i: number) => (i + 1) ** 2 + 0.01 * new Rng(100 + i).normal();
/** Every stored result of a store, by key (the `result` field of each record). */
function storedResults(store: DiskStoreModule.DiskCampaignStore): Map<string, unknown> {
  const files = readdirSync(store.resultsDir).filter((f) => f.endsWith(".json"));
  return new Map(
    files.map((f) => [f.slice(0, -5), JSON.parse(readFileSync(join(store.resultsDir, f), "utf8")).result]),
  );
}

describe("local worker pool", () => {
  // one campaign (10 squares, then their sum) shared by the tests that compare results
  const campaign = toyCampaign({ n: 10 });
  const reference = freshStore();
  let referenceResults: Map<string, unknown>;
  let one: Awaited<ReturnType<LocalExecutorModule.LocalPoolExecutor["run"]>>;
  beforeAll(async () => {
    one = await new LocalPoolExecutor({ concurrency: 1, ...quiet }).run(campaign, reference);
    referenceResults = storedResults(reference);
  });

  test("one and two workers give the same results, equal to the values computed here", async () => {
    const twoStore = freshStore();
    const pids = new Set<string>();
    const two = await new LocalPoolExecutor({ concurrency: 2, ...quiet }).run(campaign, twoStore, {
      onProgress: (_p, e) => {
        if (e.type === "started") pids.add(e.worker);
      },
    });
    expect(pids.size).toBe(2);
    expect(one).toMatchObject({ done: 11, failed: 0 });
    expect(two).toMatchObject({ done: 11, failed: 0 });
    expect(storedResults(twoStore)).toEqual(referenceResults);
    const values = campaign.jobs.slice(0, 10).map((j) => (one.results.get(j.key) as { value: number }).value);
    expect(values).toEqual(Array.from({ length: 10 }, (_, i) => expected(i)));
    const total = campaign.jobs[10];
    const sum = Array.from({ length: 10 }, (_, i) => expected(i)).reduce((a, b) => a + b, 0);
    expect((one.results.get(total.key) as { total: number }).total).toBeCloseTo(sum, 12);
  });

  test("a campaign process killed mid-run resumes: every result present once, identical to an uninterrupted run", async () => {
    const store = freshStore();
    // the driver's jobs beyond square 3 wait for a gate file that never comes: killed with 3 results
    const env = { ...process.env, TOY_GATE: join(root, "no-gate"), TOY_HOLD_ABOVE: "3" };
    const driver = spawn(process.execPath, [fileURLToPath(new URL("kill-driver.mjs", fixtures)), store.dir, "10"], {
      stdio: ["ignore", "pipe", "inherit"],
      env,
    });
    const workers = new Set<number>();
    driver.stdout!.on("data", (b: Buffer) => {
      for (const m of b.toString().matchAll(/worker (\d+)/g)) workers.add(Number(m[1]));
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => driver.on("exit", (_c, s) => resolve(s)));
    const count = () => readdirSync(store.resultsDir).filter((f) => f.endsWith(".json")).length;
    for (let t = 0; t < 3000 && count() < 3; t++) await new Promise((r) => setTimeout(r, 10));
    driver.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(count()).toBe(3);
    // its workers (waiting at the gate) notice that their coordinator is gone and exit
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(workers.size).toBe(2);
    for (let t = 0; t < 500 && [...workers].some(alive); t++) await new Promise((r) => setTimeout(r, 10));
    expect([...workers].filter(alive)).toEqual([]);

    const ran = new Set<string>();
    const s = await new LocalPoolExecutor({ concurrency: 2, ...quiet }).run(campaign, store, {
      onProgress: (_p, e) => {
        if (e.type === "started") ran.add(e.key);
      },
    });
    expect(s).toMatchObject({ done: 11, failed: 0, resumed: 3 });
    expect(ran.size).toBe(8);
    const results = storedResults(store);
    expect(results.size).toBe(11);
    expect(results).toEqual(referenceResults);
    const manifest = JSON.parse(readFileSync(join(store.dir, "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ finished: true, counts: { done: 11, failed: 0, pending: 0, running: 0 } });
    // the jobs run in worker processes record their CPU seconds (≥ 0, finite); the resumed ones have none
    const timed = manifest.jobs.filter((j: { cpuSeconds?: number }) => j.cpuSeconds !== undefined);
    expect(timed).toHaveLength(8);
    for (const j of timed) expect(j.cpuSeconds >= 0 && j.cpuSeconds < 600).toBe(true);
  });

  for (const signal of ["SIGKILL", "SIGTERM"] as const)
    test(`workers busy in a synchronous job exit when their coordinator gets ${signal}`, async () => {
      const store = freshStore();
      const driver = spawn(process.execPath, [fileURLToPath(new URL("spin-driver.mjs", fixtures)), store.dir], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const workers = new Set<number>();
      driver.stdout!.on("data", (b: Buffer) => {
        for (const m of b.toString().matchAll(/worker (\d+)/g)) workers.add(Number(m[1]));
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => driver.on("exit", (_c, s) => resolve(s)));
      for (let t = 0; t < 3000 && workers.size < 2; t++) await new Promise((r) => setTimeout(r, 10));
      expect(workers.size).toBe(2);
      driver.kill(signal);
      expect(await exited).toBe(signal);
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      // the jobs would spin for 120 s; the watchdog ends them within about a second
      for (let t = 0; t < 1500 && [...workers].some(alive); t++) await new Promise((r) => setTimeout(r, 10));
      expect([...workers].filter(alive)).toEqual([]);
    }, 60_000);

  test("a worker killed mid-job is replaced and its job re-run; the campaign completes", async () => {
    const store = freshStore();
    // square 4's first attempt would take 10 s; its worker is killed 50 ms into it
    const c = toyCampaign({ n: 10, extra: { 3: { slowFirstAttemptMs: 10_000 } } });
    const victim = c.jobs[3];
    let killed = "";
    const s = await new LocalPoolExecutor({ concurrency: 2, ...quiet }).run(c, store, {
      retryDelayMs: 10,
      onProgress: (_p, e) => {
        if (e.type === "started" && e.key === victim.key && e.attempt === 1) {
          killed = e.worker;
          setTimeout(() => process.kill(Number(e.worker), "SIGKILL"), 50);
        }
      },
    });
    expect(killed).not.toBe("");
    expect(s).toMatchObject({ done: 11, failed: 0 });
    const manifest = JSON.parse(readFileSync(join(store.dir, "manifest.json"), "utf8"));
    expect(manifest.jobs.find((j: { key: string }) => j.key === victim.key)).toMatchObject({
      status: "done",
      attempts: 2,
    });
    expect((s.results.get(victim.key) as { value: number }).value).toBe(expected(3));
    for (const j of c.jobs.slice(0, 10))
      if (j !== victim) expect(s.results.get(j.key)).toEqual(referenceResults.get(j.key));
    expect(s.results.get(c.jobs[10].key)).toEqual(referenceResults.get(campaign.jobs[10].key));
  });

  test("a throwing or timed-out job is retried, then recorded with its error; the others complete", async () => {
    const store = freshStore();
    const c = toyCampaign({
      n: 4,
      extra: { 1: { failAttempts: 1 }, 2: { alwaysFail: true }, 3: { slowFirstAttemptMs: 10_000 } },
    });
    const retries: string[] = [];
    const s = await new LocalPoolExecutor({ concurrency: 2, jobTimeoutMs: 1500, ...quiet }).run(c, store, {
      maxAttempts: 2,
      retryDelayMs: 10,
      onProgress: (_p, e) => {
        if (e.type === "retry") retries.push(`${e.label}: ${e.error}`);
      },
    });
    expect(retries.sort()).toEqual([
      "square 2: Error: toy failure on attempt 1",
      "square 3: RangeError: toy job always fails",
      expect.stringMatching(/^square 4: worker process \d+ died \(killed after the job ran 1.5 s, its time limit\)/),
    ]);
    expect(s).toMatchObject({ done: 3, failed: 2 });
    const manifest = JSON.parse(readFileSync(join(store.dir, "manifest.json"), "utf8"));
    const entry = (k: string) => manifest.jobs.find((j: { key: string }) => j.key === k);
    expect(entry(c.jobs[1].key)).toMatchObject({ status: "done", attempts: 2 });
    expect(entry(c.jobs[2].key)).toMatchObject({
      status: "failed",
      attempts: 2,
      error: "RangeError: toy job always fails",
    });
    expect(entry(c.jobs[3].key)).toMatchObject({ status: "done", attempts: 2 });
    expect(entry(c.jobs[4].key)).toMatchObject({ status: "failed", error: /not run: dependency 'square 3'/ });
    expect((s.results.get(c.jobs[1].key) as { value: number }).value).toBe(expected(1));
    expect(existsSync(store.resultPath(c.jobs[2].key))).toBe(false);
  });

  test("jobs the kinds module cannot run (another version, a missing module) are refused before any runs", async () => {
    const store = freshStore();
    const newer = makeJob({ ...square, version: 2, run: () => null }, { config: { x: 1 }, seed: 1 });
    const c = { ...toyCampaign({ n: 1 }), jobs: [newer] };
    await expect(new LocalPoolExecutor({ concurrency: 1, ...quiet }).run(c, store)).rejects.toThrow(
      /runs job kind 'toy-square' at version 1, the campaign's jobs need version 2/,
    );
    const missing = { ...toyCampaign({ n: 1 }), kindsModule: join(root, "no-such-kinds.mjs") };
    await expect(new LocalPoolExecutor({ concurrency: 1, ...quiet }).run(missing, store)).rejects.toThrow(
      /kinds module '.*no-such-kinds\.mjs' cannot be imported/,
    );
    expect(readdirSync(store.resultsDir)).toEqual([]);
  });
});
