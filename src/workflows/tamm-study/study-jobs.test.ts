import { describe, expect, test } from "vitest";
import { InProcessExecutor } from "../../campaigns/in-process-executor.js";
import { JobKindRegistry } from "../../campaigns/job-kind.js";
import { MemoryCampaignStore } from "../../campaigns/memory-store.js";
import { Rng } from "../../engine/rng.js";
import { fitTamm } from "../../inference/tamm/fit-tamm.js";
import { dijetOracleColumns, sampleDijetPseudoData, sampleUniformInDijetBox } from "../tamm/dijet-toy.js";
import { drawTammTemplates } from "../tamm/gaussian-tamm-toy.js";
import { oracleTammColumns } from "../tamm/tamm-oracle-columns.js";
import { sampleTammPseudoData, sampleUniformInRegion } from "../tamm/tamm-samples.js";
import { sampleTemplateMixtureInRegion } from "../tamm/template-mixture-reference.js";
import { runTammStudy } from "./run-study.js";
import { parseTammStudyConfig, type TammStudyConfig } from "./study-config.js";
import type { TammDijetExperimentsConfig } from "./dijet-experiments-kind.js";
import {
  buildTammStudyCampaign,
  type TammExperimentsConfig,
  tammDijetTemplateSeed,
  tammTemplateSeed,
} from "./study-jobs.js";
import { jobKinds } from "./study-kinds.js";

const config = (v: object = {}): TammStudyConfig => parseTammStudyConfig(v, "test");
const build = (c: TammStudyConfig) => buildTammStudyCampaign(c, "kinds.js");
const keys = (c: TammStudyConfig) => build(c).campaign.jobs.map((j) => j.key);
/** A whole study in this thread on a fresh in-memory store. */
const runInProcess = (c: TammStudyConfig) =>
  runTammStudy({
    config: c,
    store: new MemoryCampaignStore(),
    executor: new InProcessExecutor(new JobKindRegistry(jobKinds)),
    kindsModule: "(in process)",
  });

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

  test("reference from the templates' mixture: other keys than the uniform study's; records recomputed from the seeds", async () => {
    const shape = {
      ks: [2],
      jobs: 1,
      experimentsPerJob: 2,
      experimentsPerChunk: 2,
      signalEvents: 300,
      backgroundEvents: 3000,
      referenceEvents: 3000,
      seed: 5,
    };
    const uniform = config(shape),
      mixed = config({ ...shape, reference: "templates" });
    expect(uniform.reference).toBe("uniform");
    // a uniform study's job configs do not carry the field (keys as before the option existed)
    expect(build(uniform).campaign.jobs.every((j) => !("reference" in (j.config as object)))).toBe(true);
    expect(keys(config({ ...shape, reference: "uniform" }))).toEqual(keys(uniform));
    const uniformKeys = new Set(keys(uniform));
    expect(keys(mixed).some((k) => uniformKeys.has(k))).toBe(false);
    const { results, summary } = await runInProcess(mixed);
    expect(summary.failures).toEqual([]);
    const job = build(mixed).campaign.jobs[0];
    const shared = new Rng(tammTemplateSeed(5, 2, 0));
    const templates = drawTammTemplates({ count: 2, rng: shared });
    const q = { components: [...templates.signal, ...templates.background] };
    const reference = oracleTammColumns(templates, sampleTemplateMixtureInRegion(q, 3000, shared), q);
    const rng = new Rng(job.seed),
      kappa = 300 / 3300;
    sampleTammPseudoData({ signal: 300, background: 3000, rng }); // the first pseudo-experiment
    const x = sampleTammPseudoData({ signal: 300, background: 3000, rng });
    const fit = fitTamm({ data: oracleTammColumns(templates, x, q), reference, lambda: 1, start: { kappa } });
    const record = results.experiments[0].records[1];
    expect(record.kappa).toBe(fit.kappa);
    expect(record.sigma).toBe(fit.sigmaKappa);
  });

  test("dijet toy: keys differ from the Gaussian toy's, stable; a longer grid keeps the smaller K's keys", () => {
    const shape = { ks: [1, 2], jobs: 2, experimentsPerJob: 3, experimentsPerChunk: 2 };
    const dijet = config({ simulator: "dijet-toy", ...shape });
    const gaussian = config(shape);
    const { campaign, roles } = build(dijet);
    expect(campaign.jobs).toHaveLength(8); // 2 K × 2 draws × 2 chunks
    expect(new Set(keys(dijet)).size).toBe(8);
    expect(campaign.jobs.every((j) => j.kind === "tamm-study-dijet-experiments")).toBe(true);
    const gaussianKeys = new Set(keys(gaussian));
    expect(keys(dijet).filter((k) => gaussianKeys.has(k))).toEqual([]);
    // stable: the same config parsed again (K in another order) gives the same keys
    expect(keys(config({ simulator: "dijet-toy", ...shape, ks: [2, 1] }))).toEqual(keys(dijet));
    const cfg = (j: (typeof campaign.jobs)[number]) => j.config as TammDijetExperimentsConfig;
    for (const j of campaign.jobs) {
      const c = cfg(j);
      expect(c.templateSeed).toBe(tammDijetTemplateSeed(dijet.seed, c.k, c.job));
      expect(c.templateScales).toEqual([1, 0.96].slice(0, c.k));
      expect([c.trueScale, c.scaleJitter, c.composition]).toEqual([1.015, 0, "binomial"]);
      expect(roles.get(j.key)).toMatchObject({ k: c.k, job: c.job, chunk: c.chunk });
    }
    // K = 1's jobs use only the first scale: changing the others leaves them alone, changes K = 2's
    const other = config({ simulator: "dijet-toy", ...shape, templateScales: [1, 0.97, 1.04] });
    const otherKeys = new Set(keys(other));
    const byK = (k: number) => campaign.jobs.filter((j) => cfg(j).k === k).map((j) => j.key);
    expect(byK(1).every((k) => otherKeys.has(k))).toBe(true);
    expect(byK(2).some((k) => otherKeys.has(k))).toBe(false);
    // every dijet field is part of the key
    for (const change of [{ trueScale: 1.03 }, { scaleJitter: 0.01 }, { composition: "fixed" }]) {
      const changed = new Set(keys(config({ simulator: "dijet-toy", ...shape, ...change })));
      expect(keys(dijet).some((k) => changed.has(k))).toBe(false);
    }
  });

  test("dijet toy: a small job's records are fitTamm's on the toy's data, recomputed from the seeds", async () => {
    const small = config({
      simulator: "dijet-toy",
      ks: [2],
      jobs: 1,
      experimentsPerJob: 2,
      experimentsPerChunk: 2,
      signalEvents: 200,
      backgroundEvents: 2000,
      referenceEvents: 3000,
      scaleJitter: 0.01,
      seed: 11,
    });
    const { results, summary } = await runInProcess(small);
    expect(summary.failures).toEqual([]);
    const [job] = build(small).campaign.jobs;
    // the template scales by hand: grid + 0.01·N(0, 1), two signal then two background, from the draw's seed
    const shared = new Rng(tammDijetTemplateSeed(11, 2, 0));
    const n = [shared.normal(), shared.normal(), shared.normal(), shared.normal()];
    const templates = {
      signalScales: [1 + 0.01 * n[0], 0.96 + 0.01 * n[1]],
      backgroundScales: [1 + 0.01 * n[2], 0.96 + 0.01 * n[3]],
    };
    const reference = dijetOracleColumns(templates, sampleUniformInDijetBox(3000, shared));
    const kappa = 200 / 2200;
    const rng = new Rng(job.seed);
    const cell = results.experiments.find((e) => e.k === 2 && e.job === 0)!;
    expect(cell.records).toHaveLength(2);
    for (let e = 0; e < 2; e++) {
      const x = sampleDijetPseudoData({ signal: 200, background: 2000, scale: 1.015, composition: "binomial", rng });
      const fit = fitTamm({
        data: dijetOracleColumns(templates, x),
        reference,
        form: "exponential",
        lambda: 1,
        start: { kappa },
      });
      expect(cell.records[e].kappa).toBe(fit.kappa);
      expect(cell.records[e].sigma).toBe(fit.sigmaKappa);
      expect(cell.records[e].pull).toBeCloseTo((fit.kappa - kappa) / fit.sigmaKappa, 12);
    }
    // the study's numbers: coverage of the two pulls by hand
    const pulls = cell.records.map((v) => v.pull);
    expect(results.perK[0].pooled?.coverage).toBe(pulls.filter((v) => Math.abs(v) <= 1).length / 2);
    expect(results.kappa).toBeCloseTo(kappa, 15);
  });
});
