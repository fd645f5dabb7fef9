import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { CampaignEvent } from "../../campaigns/executor.js";
import { InProcessExecutor } from "../../campaigns/in-process-executor.js";
import { makeJob } from "../../campaigns/job.js";
import { type JobKind, JobKindRegistry } from "../../campaigns/job-kind.js";
import { Rng } from "../../engine/rng.js";
import { DiskCampaignStore } from "./disk-store.js";

const root = mkdtempSync(join(tmpdir(), "nsbi-campaign-store-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshStore = () => DiskCampaignStore.open(join(root, `store-${n++}`));

const square: JobKind<{ x: number }> = {
  kind: "toy-square",
  version: 1,
  async run(config, seed, _inputs, context) {
    const value = config.x * config.x + 0.01 * new Rng(seed).normal();
    const data = await context.artifacts.put(new Uint8Array(Float64Array.of(config.x, value).buffer));
    return { x: config.x, value, data };
  },
};
const registry = new JobKindRegistry([square]);
const jobs = [1, 2, 3].map((x) => makeJob(square, { config: { x }, seed: 10 + x, label: `square ${x}` }));
const campaign = { name: "toy", kindsModule: "in-process", jobs };
const expected = (x: number) => x * x + 0.01 * new Rng(10 + x).normal();

async function run(store: DiskCampaignStore) {
  const started: string[] = [];
  const events: CampaignEvent[] = [];
  const summary = await new InProcessExecutor(registry).run(campaign, store, {
    maxAttempts: 2,
    retryDelayMs: 1,
    onProgress: (_p, e) => {
      events.push(e);
      if (e.type === "started") started.push(e.key);
    },
  });
  return { summary, started, events };
}

const value = (store: DiskCampaignStore, key: string) =>
  JSON.parse(readFileSync(store.resultPath(key), "utf8")).result.value as number;

describe("disk campaign store", () => {
  test("layout: campaign.json, manifest.json, one result file per job, artifacts named by their SHA-256", async () => {
    const store = freshStore();
    const { summary } = await run(store);
    expect(summary.done).toBe(3);
    expect(readdirSync(store.resultsDir).sort()).toEqual(jobs.map((j) => `${j.key}.json`).sort());
    const bytes = Float64Array.of(2, expected(2));
    const hash = createHash("sha256").update(bytes).digest("hex");
    expect(readdirSync(store.artifactsDir)).toContain(hash);
    expect(new Float64Array(new Uint8Array(readFileSync(join(store.artifactsDir, hash))).buffer)).toEqual(
      new Float64Array([2, expected(2)]),
    );
    expect(jobs.map((j) => value(store, j.key))).toEqual([1, 2, 3].map(expected));
    expect(store.readCampaign()).toEqual(campaign);
    const manifest = (await store.readManifest())!;
    expect(manifest.jobs.map((j) => [j.label, j.status])).toEqual([
      ["square 1", "done"],
      ["square 2", "done"],
      ["square 3", "done"],
    ]);
    // a job run twice (at-least-once delivery) keeps the first result file
    const path = store.resultPath(jobs[0].key);
    const before = statSync(path).mtimeMs;
    expect(await store.writeResult(jobs[0], summary.results.get(jobs[0].key))).toBe("existing");
    expect(statSync(path).mtimeMs).toBe(before);
  });

  test("a damaged or altered result file, or a missing artifact, is run again; the others are not", async () => {
    const store = freshStore();
    await run(store);
    const [a, b, c] = jobs;
    // altered value (the file is still valid JSON with a plausible record)
    const record = JSON.parse(readFileSync(store.resultPath(a.key), "utf8"));
    record.result.value = 1.5;
    writeFileSync(store.resultPath(a.key), JSON.stringify(record));
    // truncated
    const text = readFileSync(store.resultPath(b.key), "utf8");
    writeFileSync(store.resultPath(b.key), text.slice(0, text.length / 2));
    expect(await store.readResult(a)).toMatchObject({ status: "invalid", reason: /does not match its SHA-256/ });
    expect(await store.readResult(b)).toMatchObject({ status: "invalid", reason: /is not JSON/ });
    const { summary, started, events } = await run(store);
    expect(summary).toMatchObject({ done: 3, resumed: 1 });
    expect(started.sort()).toEqual([a.key, b.key].sort());
    expect(events.filter((e) => e.type === "rerun").length).toBe(2);
    expect(value(store, a.key)).toBe(expected(1));
    expect(value(store, b.key)).toBe(expected(2));
    const manifest = (await store.readManifest())!;
    expect(manifest.jobs.find((j) => j.key === a.key)!.note).toMatch(/stored result not used/);

    // an artifact deleted: its job is run again and writes it back
    const ref = JSON.parse(readFileSync(store.resultPath(c.key), "utf8")).result.data.$artifact;
    rmSync(join(store.artifactsDir, ref));
    const again = await run(store);
    expect(again.started).toEqual([c.key]);
    expect(existsSync(join(store.artifactsDir, ref))).toBe(true);
  });

  test("a result that cannot be written fails its job with the reason, leaves nothing half-written, the rest finish", async () => {
    const store = freshStore();
    // a folder where the result file should go stands for a full disk: the write fails
    mkdirSync(store.resultPath(jobs[1].key));
    const { summary } = await run(store);
    expect(summary).toMatchObject({ done: 2, failed: 1 });
    expect(summary.failures[0]).toMatchObject({
      label: "square 2",
      attempts: 2,
      error: /result not stored: cannot write/,
    });
    expect(readdirSync(store.resultsDir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const manifest = (await store.readManifest())!;
    expect(manifest.counts).toMatchObject({ done: 2, failed: 1, pending: 0 });
  });

  test("a store path that is a file is refused with one clear line", () => {
    const file = join(root, "a-file");
    writeFileSync(file, "x");
    expect(() => DiskCampaignStore.open(file, "--out")).toThrow(/--out '.*a-file': exists and is not a folder/);
  });
});
