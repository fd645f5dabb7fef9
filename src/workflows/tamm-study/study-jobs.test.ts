import { describe, expect, test } from "vitest";
import { InProcessExecutor } from "../../campaigns/in-process-executor.js";
import { JobKindRegistry } from "../../campaigns/job-kind.js";
import { MemoryCampaignStore } from "../../campaigns/memory-store.js";
import { Rng } from "../../engine/rng.js";
import { fitTamm } from "../../inference/tamm/fit-tamm.js";
import { drawTammTemplates } from "../tamm/gaussian-tamm-toy.js";
import { oracleTammColumns } from "../tamm/tamm-oracle-columns.js";
import { sampleTammPseudoData, sampleUniformInRegion } from "../tamm/tamm-samples.js";
import { runTammStudy } from "./run-study.js";
import { parseTammStudyConfig, type TammStudyConfig } from "./study-config.js";
import { buildTammStudyCampaign, type TammExperimentsConfig, tammTemplateSeed } from "./study-jobs.js";
import { jobKinds } from "./study-kinds.js";

const config = (v: object = {}): TammStudyConfig => parseTammStudyConfig(v, "test");
const build = (c: TammStudyConfig) => buildTammStudyCampaign(c, "kinds.js");
const keys = (c: TammStudyConfig) => build(c).campaign.jobs.map((j) => j.key);

describe("the TAMM study's campaign", () => {
  test("job keys: stable, distinct, chunked; the chunks of one draw share the template seed", () => {
    const base = config({ ks: [1, 4], jobs: 2, experimentsPerJob: 5, experimentsPerChunk: 2 });
    const { campaign, roles } = build(base);
    // 2 K × 2 draws × 3 chunks (2 + 2 + 1)
    expect(campaign.jobs).toHaveLength(12);
    expect(new Set(keys(base)).size).toBe(12);
    expect(keys(config({ ks: [4, 1], jobs: 2, experimentsPerJob: 5, experimentsPerChunk: 2 }))).toEqual(keys(base));
    expect([...roles.values()].filter((r) => r.k === 4 && r.job === 1).map((r) => r.experiments)).toEqual([2, 2, 1]);
    const cfg = (j: (typeof campaign.jobs)[number]) => j.config as TammExperimentsConfig;
    for (const j of campaign.jobs) expect(cfg(j).templateSeed).toBe(tammTemplateSeed(base.seed, cfg(j).k, cfg(j).job));
    const templateSeeds = new Set(campaign.jobs.map((j) => cfg(j).templateSeed));
    expect(templateSeeds.size).toBe(4); // one per (K, draw)
    expect(new Set(campaign.jobs.map((j) => j.seed)).size).toBe(12); // pseudo-data: one seed per chunk
    // another seed: every job differs; one more K and draw: the existing jobs keep their keys
    const reseeded = new Set(keys({ ...base, seed: base.seed + 1 }));
    expect(keys(base).filter((k) => reseeded.has(k))).toEqual([]);
    const extended = new Set(keys({ ...base, ks: [1, 2, 4], jobs: 3 }));
    expect(keys(base).every((k) => extended.has(k))).toBe(true);
    // λ is part of every job
    const relaxed = new Set(keys({ ...base, lambda: 2 }));
    expect(keys(base).some((k) => relaxed.has(k))).toBe(false);
  });

  test("a tiny study in process: records are fitTamm's, statistics by hand, resume is byte-identical", async () => {
    const tiny = config({
      ks: [1, 3],
      jobs: 2,
      experimentsPerJob: 3,
      experimentsPerChunk: 2,
      signalEvents: 300,
      backgroundEvents: 3000,
      referenceEvents: 4000,
      seed: 9,
    });
    const store = new MemoryCampaignStore();
    const executor = new InProcessExecutor(new JobKindRegistry(jobKinds));
    const run = () => runTammStudy({ config: tiny, store, executor, kindsModule: "(in process)" });
    const first = await run();
    expect(first.summary.failures).toEqual([]);
    expect(first.summary.done).toBe(8); // 2 K × 2 draws × 2 chunks
    const r = first.results;
    expect(r.missing).toEqual([]);
    const kappa = 300 / 3300;

    // the second chunk of draw 1 at K = 3, recomputed here from its seeds: templates and reference from
    // the draw's seed, pseudo-data from the chunk's
    const { campaign, roles } = build(tiny);
    const chunkJob = campaign.jobs.find((j) => {
      const role = roles.get(j.key)!;
      return role.k === 3 && role.job === 1 && role.chunk === 1;
    })!;
    const shared = new Rng(tammTemplateSeed(9, 3, 1));
    const templates = drawTammTemplates({ count: 3, rng: shared });
    const reference = oracleTammColumns(templates, sampleUniformInRegion(4000, shared));
    const x = sampleTammPseudoData({ signal: 300, background: 3000, rng: new Rng(chunkJob.seed) });
    const fit = fitTamm({ data: oracleTammColumns(templates, x), reference, lambda: 1, start: { kappa } });
    const cell = r.experiments.find((e) => e.k === 3 && e.job === 1)!;
    expect(cell.records).toHaveLength(3);
    expect(cell.records[2].kappa).toBe(fit.kappa);
    expect(cell.records[2].sigma).toBe(fit.sigmaKappa);
    expect(cell.records[2].pull).toBeCloseTo((fit.kappa - kappa) / fit.sigmaKappa, 12);

    // per K: coverage = fraction of |pull| ≤ 1, binomial s.e., and the s.d. of the two per-draw mean pulls
    for (const p of r.perK) {
      const cells = r.experiments.filter((e) => e.k === p.k);
      const pulls = cells.flatMap((e) => e.records.map((v) => v.pull));
      expect(pulls).toHaveLength(6);
      const cov = pulls.filter((v) => Math.abs(v) <= 1).length / 6;
      expect(p.pooled?.coverage).toBe(cov);
      expect(p.pooled?.coverageError).toBeCloseTo(Math.sqrt((cov * (1 - cov)) / 6), 14);
      const [m0, m1] = cells.map((e) => e.records.reduce((s, v) => s + v.pull, 0) / e.records.length);
      expect(p.betweenJobPullSd).toBeCloseTo(Math.abs(m0 - m1) / Math.SQRT2, 12);
      expect(p.pooled?.zMean).toBeCloseTo((m0 + m1) / 2, 12);
    }

    const json = JSON.stringify(r);
    store.results.delete(chunkJob.key);
    const second = await run();
    expect(second.summary.resumed).toBe(7);
    expect(JSON.stringify(second.results)).toBe(json);
  });
});
