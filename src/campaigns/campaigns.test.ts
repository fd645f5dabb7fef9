import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { NsbiInputError } from "../errors.js";
import { artifactRefs } from "./artifact.js";
import { defineCampaign } from "./campaign.js";
import type { CampaignEvent } from "./executor.js";
import { InProcessExecutor } from "./in-process-executor.js";
import { canonicalJson } from "./json.js";
import { CAMPAIGN_FORMAT_VERSION, makeJob } from "./job.js";
import { jobEnvelope, runEnvelope } from "./job-envelope.js";
import { type JobKind, JobKindRegistry } from "./job-kind.js";
import { MemoryArtifactStore, MemoryCampaignStore } from "./memory-store.js";
import { progressLine } from "./progress-line.js";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

// Toy kinds: x² + 0.01·N(0,1) from the job's seed, with its bytes in an artifact; and a sum.
interface SquareConfig {
  x: number;
  failAttempts?: number;
  alwaysFail?: boolean;
}
const calls = new Map<string, number>();
const square: JobKind<SquareConfig> = {
  kind: "toy-square",
  version: 1,
  async run(config, seed, _inputs, context) {
    calls.set(context.key, (calls.get(context.key) ?? 0) + 1);
    if (config.failAttempts && context.attempt <= config.failAttempts) throw new Error(`flaky ${context.attempt}`);
    if (config.alwaysFail) throw new RangeError("always fails");
    const noise = 0.01 * new Rng(seed).normal();
    const value = config.x * config.x + noise;
    const data = await context.artifacts.put(new Uint8Array(Float64Array.of(config.x, value).buffer));
    return { x: config.x, value, data };
  },
};
const sum: JobKind<Record<string, never>> = {
  kind: "toy-sum",
  version: 1,
  async run(_config, _seed, inputs, context) {
    let total = 0;
    for (const input of inputs as { value: number; data: never }[]) {
      const v = new Float64Array((await context.artifacts.get(input.data)).slice().buffer);
      total += v[1];
    }
    return { total };
  },
};
const registry = new JobKindRegistry([square, sum]);

function toyJobs(n: number, extra: Record<number, Partial<SquareConfig>> = {}) {
  const squares = Array.from({ length: n }, (_, i) =>
    makeJob(square, { config: { x: i + 1, ...extra[i] }, seed: 100 + i, label: `square ${i + 1}` }),
  );
  const total = makeJob(sum, { config: {}, seed: 0, dependsOn: squares, label: "sum" });
  return { squares, total, campaign: { name: "toy", kindsModule: "in-process", jobs: [...squares, total] } };
}
/** The expected value of square i, computed here from the seed. */
const expected = (i: number) => (i + 1) ** 2 + 0.01 * new Rng(100 + i).normal();

describe("canonical JSON and job keys", () => {
  test("canonical JSON sorts keys at every level and refuses what JSON cannot hold", () => {
    const a = canonicalJson({ b: 1, a: [true, null, "x"], c: { z: 0.5, y: -0 } }, "v");
    expect(a).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":0,"z":0.5}}');
    expect(canonicalJson({ c: { y: 0, z: 0.5 }, a: [true, null, "x"], b: 1 }, "v")).toBe(a);
    expect(() => canonicalJson({ a: [1, Number.NaN] }, "config")).toThrow(/config\.a\[1\] is NaN/);
    expect(() => canonicalJson({ a: undefined }, "config")).toThrow(/config\.a is undefined/);
    expect(() => canonicalJson({ w: new Float32Array(2) }, "result")).toThrow(/Float32Array.*artifact/);
    expect(() => canonicalJson(() => 1, "result")).toThrow(NsbiInputError);
  });

  test("a job's key is the SHA-256 of the canonical JSON of its content", () => {
    const job = makeJob(square, { config: { x: 3 }, seed: 7, label: "any label" });
    const text = `{"config":{"x":3},"dependsOn":[],"format":${CAMPAIGN_FORMAT_VERSION},"kind":"toy-square","kindVersion":1,"seed":7}`;
    expect(job.key).toBe(sha256(text));
    const withDep = makeJob(sum, { config: {}, seed: 0, dependsOn: [job] });
    expect(withDep.key).toBe(
      sha256(`{"config":{},"dependsOn":["${job.key}"],"format":1,"kind":"toy-sum","kindVersion":1,"seed":0}`),
    );
    // every part of the content changes it; the label does not
    const keys = new Set([
      job.key,
      makeJob(square, { config: { x: 4 }, seed: 7 }).key,
      makeJob(square, { config: { x: 3 }, seed: 8 }).key,
      makeJob({ ...square, version: 2 }, { config: { x: 3 }, seed: 7 }).key,
    ]);
    expect(keys.size).toBe(4);
    expect(makeJob(square, { config: { x: 3 }, seed: 7, label: "other" }).key).toBe(job.key);
    expect(() => makeJob(square, { config: { x: 3 }, seed: -1 })).toThrow(/seed must be a non-negative/);
    expect(() => makeJob(square, { config: { x: 3 }, seed: 1.5 })).toThrow(/seed/);
  });
});

describe("campaigns", () => {
  test("jobs are put after their dependencies, duplicates kept once, bad references refused", () => {
    const { squares, total } = toyJobs(3);
    const c = defineCampaign({
      name: "c",
      kindsModule: "m",
      jobs: [total, squares[2], squares[0], squares[1], squares[0]],
    });
    expect(c.jobs.map((j) => j.label)).toEqual(["square 1", "square 2", "square 3", "sum"]);
    const lonely = makeJob(sum, { config: {}, seed: 0, dependsOn: [squares[0]] });
    expect(() => defineCampaign({ name: "c", kindsModule: "m", jobs: [lonely] })).toThrow(/not in the campaign/);
    const forged = { ...squares[0], seed: 5 };
    expect(() => defineCampaign({ name: "c", kindsModule: "m", jobs: [forged] })).toThrow(/key that does not match/);
  });

  test("a worker refuses a job it cannot run, and reports a runner's error as a failed outcome", async () => {
    const artifacts = new MemoryArtifactStore();
    const job = makeJob(square, { config: { x: 2 }, seed: 1 });
    const run = (payload: unknown) => runEnvelope(registry, payload, { artifacts });
    const newer = makeJob({ ...square, version: 2 }, { config: { x: 2 }, seed: 1 });
    const r1 = await run(jobEnvelope(newer, [], 1));
    expect(r1).toMatchObject({ status: "refused" });
    expect((r1 as { error: string }).error).toMatch(/'toy-square' is at version 1 here, the job needs version 2/);
    const other = makeJob({ ...square, kind: "train-dle" }, { config: { x: 2 }, seed: 1 });
    expect(await run(jobEnvelope(other, [], 1))).toMatchObject({ status: "refused", error: /no job kind 'train-dle'/ });
    expect(await run({ ...jobEnvelope(job, [], 1), formatVersion: 99 })).toMatchObject({
      status: "refused",
      error: /campaign format 99/,
    });
    const { seed: _, ...noSeed } = job;
    expect(await run({ ...jobEnvelope(job, [], 1), job: noSeed })).toMatchObject({
      status: "refused",
      error: /malformed job payload: job\.seed/,
    });
    expect(await run({ ...jobEnvelope(job, [], 1), job: { ...job, seed: 2 } })).toMatchObject({
      status: "refused",
      error: /does not match its content/,
    });
    expect(await run(jobEnvelope(job, [], 1))).toMatchObject({
      status: "done",
      result: { x: 2, value: 4 + 0.01 * new Rng(1).normal() },
    });
    const failing = makeJob(square, { config: { x: 2, alwaysFail: true }, seed: 1 });
    expect(await run(jobEnvelope(failing, [], 1))).toMatchObject({
      status: "failed",
      error: "RangeError: always fails",
    });
    const nan: JobKind = { kind: "nan", version: 1, run: () => ({ v: Number.NaN }) };
    const r2 = await runEnvelope(
      new JobKindRegistry([nan]),
      jobEnvelope(makeJob(nan, { config: null, seed: 0 }), [], 1),
      {
        artifacts,
      },
    );
    expect(r2).toMatchObject({ status: "failed", error: /result of job kind 'nan'\.v is NaN/ });
  });

  test("a CPU clock given to the worker puts the job's CPU seconds in the outcome (clock read before and after)", async () => {
    const artifacts = new MemoryArtifactStore();
    const job = makeJob(square, { config: { x: 3 }, seed: 1 });
    const readings = [10.25, 12.75];
    const out = await runEnvelope(registry, jobEnvelope(job, [], 1), {
      artifacts,
      cpuClock: () => readings.shift() as number,
    });
    expect(out).toMatchObject({ status: "done", cpuSeconds: 2.5 });
    expect(readings).toEqual([]);
    const without = await runEnvelope(registry, jobEnvelope(job, [], 1), { artifacts });
    expect("cpuSeconds" in without).toBe(false);
  });
});

describe("in-process executor on a memory store", () => {
  test("results, artifacts, dependency inputs, and a resume that runs nothing", async () => {
    const { campaign, squares, total } = toyJobs(4);
    const store = new MemoryCampaignStore();
    const events: CampaignEvent[] = [];
    const etas: (number | null)[] = [];
    const s = await new InProcessExecutor(registry).run(campaign, store, {
      onProgress: (p, e) => {
        events.push(e);
        if (e.type === "done") etas.push(p.etaSeconds);
      },
    });
    expect(s).toMatchObject({ total: 5, done: 5, failed: 0, resumed: 0, stopped: false });
    expect(squares.map((j) => (s.results.get(j.key) as { value: number }).value)).toEqual([0, 1, 2, 3].map(expected));
    const sumOf = [0, 1, 2, 3].reduce((a, i) => a + expected(i), 0);
    expect((s.results.get(total.key) as { total: number }).total).toBeCloseTo(sumOf, 12);
    expect(store.artifacts.blobs.size).toBe(4);
    expect(artifactRefs(s.results.get(squares[0].key))[0].$artifact).toBe(
      createHash("sha256")
        .update(Float64Array.of(1, expected(0)))
        .digest("hex"),
    );
    expect(etas.at(-1)).toBe(0); // nothing left
    expect(events.filter((e) => e.type === "started").length).toBe(5);
    const manifest = (await store.readManifest())!;
    expect(manifest).toMatchObject({ finished: true, counts: { total: 5, done: 5, failed: 0, pending: 0 } });

    events.length = 0;
    const again = await new InProcessExecutor(registry).run(campaign, store);
    expect(again).toMatchObject({ done: 5, resumed: 5 });
    expect(events.filter((e) => e.type === "started")).toEqual([]);
    expect([...again.results]).toEqual([...s.results]);
  });

  test("a flaky job is retried; a failing one is recorded with its error, its dependents blocked, the rest done", async () => {
    const { campaign, squares, total } = toyJobs(4, { 1: { failAttempts: 1 }, 2: { alwaysFail: true } });
    const store = new MemoryCampaignStore();
    calls.clear();
    const s = await new InProcessExecutor(registry).run(campaign, store, { maxAttempts: 3, retryDelayMs: 1 });
    expect(s).toMatchObject({ done: 3, failed: 2 });
    expect(calls.get(squares[1].key)).toBe(2);
    expect(calls.get(squares[2].key)).toBe(3);
    expect((s.results.get(squares[1].key) as { value: number }).value).toBe(expected(1));
    const m = (await store.readManifest())!;
    const entry = (key: string) => m.jobs.find((j) => j.key === key)!;
    expect(entry(squares[2].key)).toMatchObject({ status: "failed", attempts: 3, error: "RangeError: always fails" });
    expect(entry(total.key)).toMatchObject({ status: "failed", attempts: 0, error: /dependency 'square 3'.*failed/ });
    expect(entry(squares[1].key)).toMatchObject({ status: "done", attempts: 2 });
    expect(m.counts).toMatchObject({ done: 3, failed: 2, pending: 0 });
    expect(s.failures.map((f) => f.label)).toEqual(["square 3", "sum"]);
  });

  test("a stopped run leaves its jobs pending; running again finishes them", async () => {
    const { campaign } = toyJobs(4);
    const store = new MemoryCampaignStore();
    const stop = new AbortController();
    const s = await new InProcessExecutor(registry).run(campaign, store, {
      onProgress: (p) => {
        if (p.done === 2) stop.abort();
      },
      signal: stop.signal,
    });
    expect(s).toMatchObject({ stopped: true, done: 2, pending: 3, running: 0 });
    expect((await store.readManifest())!.finished).toBe(false);
    const rest = await new InProcessExecutor(registry).run(campaign, store);
    expect(rest).toMatchObject({ done: 5, resumed: 2, stopped: false });
  });

  test("jobs of a kind the executor does not know are refused before anything runs", async () => {
    const { campaign } = toyJobs(2);
    const store = new MemoryCampaignStore();
    await expect(new InProcessExecutor(new JobKindRegistry([square])).run(campaign, store)).rejects.toThrow(
      /no job kind 'toy-sum'/,
    );
    expect(store.results.size).toBe(0);
  });
});

test("a progress line names what is done, failed, running and left, with the ETA", () => {
  const p = {
    total: 120,
    done: 37,
    failed: 1,
    running: 2,
    pending: 80,
    resumed: 12,
    elapsedSeconds: 60,
    etaSeconds: 250,
  };
  expect(progressLine(p)).toBe("37/120 done (12 resumed), 1 failed, 2 running, 80 pending, ETA 4 min");
  expect(progressLine({ ...p, done: 119, running: 0, pending: 0, resumed: 0, etaSeconds: 0 })).toBe(
    "119/120 done, 1 failed",
  );
  expect(progressLine({ ...p, failed: 0, etaSeconds: null })).toBe("37/120 done (12 resumed), 2 running, 80 pending");
  expect(progressLine({ ...p, etaSeconds: 5 * 3600 })).toMatch(/ETA 5\.0 h$/);
});
