import { describe, expect, test } from "vitest";
import { InProcessExecutor } from "../../campaigns/in-process-executor.js";
import { JobKindRegistry } from "../../campaigns/job-kind.js";
import { MemoryCampaignStore } from "../../campaigns/memory-store.js";
import { Rng } from "../../engine/rng.js";
import { deserializeLogRatioEnsemble, serializeLogRatioEnsemble } from "./ensemble-file.js";
import { runWifiStudy } from "./run-study.js";
import { parseWifiStudyConfig, type WifiStudyConfig } from "./study-config.js";
import { buildWifiStudyCampaign } from "./study-jobs.js";
import { jobKinds } from "./study-kinds.js";
import { trainLogRatioEnsemble } from "./train-log-ratio-ensemble.js";
import { TwoGaussianToy } from "./two-gaussian-toy.js";

const config = (v: object = {}): WifiStudyConfig => parseWifiStudyConfig(v, "test");
const keys = (c: WifiStudyConfig) => buildWifiStudyCampaign(c, "kinds.js").campaign.jobs.map((j) => j.key);

describe("the w_i f_i study's campaign", () => {
  test("job keys: stable for equal configs, distinct within a study, and each changes only with what it depends on", () => {
    const base = config({ trainings: 2, kappas: [0.05, 0.5], experiments: 45, experimentsPerJob: 20 });
    const { campaign, roles } = buildWifiStudyCampaign(base, "kinds.js");
    // per training: 1 train + 2 κ × 3 chunks (20 + 20 + 5) + 1 sandwich
    expect(campaign.jobs).toHaveLength(2 * (1 + 2 * 3 + 1));
    expect(new Set(keys(base)).size).toBe(campaign.jobs.length);
    expect(keys(config({ trainings: 2, kappas: [0.05, 0.5], experiments: 45, experimentsPerJob: 20 }))).toEqual(
      keys(base),
    );
    const chunks = [...roles.values()].filter((r) => r.kind === "experiments" && r.training === 0 && r.kappa === 0.05);
    expect(chunks.map((r) => (r.kind === "experiments" ? r.experiments : 0))).toEqual([20, 20, 5]);
    // another seed: every job differs
    const reseeded = new Set(keys({ ...base, seed: base.seed + 1 }));
    expect(keys(base).filter((k) => reseeded.has(k))).toEqual([]);
    // one more κ and one more training: the existing jobs keep their keys (a study can be extended)
    const extended = new Set(keys({ ...base, kappas: [0.05, 0.2, 0.5], trainings: 3 }));
    expect(keys(base).every((k) => extended.has(k))).toBe(true);
    // N_fit feeds the pseudo-experiments and the sandwich check, not the trainings
    const refit = buildWifiStudyCampaign({ ...base, fitEvents: base.fitEvents + 1 }, "kinds.js");
    const kept = new Set(refit.campaign.jobs.map((j) => j.key));
    for (const [key, role] of roles) expect(kept.has(key)).toBe(role.kind === "train");
  });

  test("an ensemble saved and loaded evaluates identically", () => {
    const toy = new TwoGaussianToy(),
      rng = new Rng(3);
    const ensemble = trainLogRatioEnsemble({
      numerator: toy.sample("numerator", 200, rng),
      denominator: toy.sample("denominator", 200, rng),
      xDim: 2,
      members: 2,
      seed: 4,
      training: { maxEpochs: 2 },
    });
    const back = deserializeLogRatioEnsemble(serializeLogRatioEnsemble(ensemble));
    const x = toy.sample("denominator", 50, rng);
    expect(back.evaluate(x, 50)).toEqual(ensemble.evaluate(x, 50));
    expect(back.members.map((m) => m.classCounts)).toEqual(ensemble.members.map((m) => m.classCounts));
  });

  test("resume: results deleted from the store are recomputed to an identical results.json", async () => {
    const tiny = config({
      members: 2,
      trainEvents: 300,
      fitEvents: 300,
      testEvents: 400,
      kappas: [0.3],
      trainings: 1,
      experiments: 4,
      experimentsPerJob: 2,
      sandwichSets: 3,
      maxEpochs: 4,
      seed: 11,
    });
    const store = new MemoryCampaignStore();
    const executor = new InProcessExecutor(new JobKindRegistry(jobKinds));
    const run = () => runWifiStudy({ config: tiny, store, executor, kindsModule: "(in process)" });
    const first = await run();
    expect(first.summary.failures).toEqual([]);
    expect(first.summary.done).toBe(4); // train, 2 chunks, sandwich
    const json = JSON.stringify(first.results);
    const r = first.results;
    expect(r.missing).toEqual([]);
    expect(r.coverage[0].methods.wifi.pooled?.n).toBe(4);
    expect(r.experiments[0].methods.exact.z).toHaveLength(4);
    expect(r.trainings[0].sandwich?.ratios).toHaveLength(3); // M + 1 weights
    // coverage is the fraction of |z| ≤ 1 among the stored z's
    const z = r.experiments[0].methods.wifi.z;
    expect(r.coverage[0].methods.wifi.pooled?.coverage).toBe(z.filter((v) => Math.abs(v) <= 1).length / 4);

    const { campaign, roles } = buildWifiStudyCampaign(tiny, "(in process)");
    const chunk = campaign.jobs.find((j) => roles.get(j.key)?.kind === "experiments")!;
    store.results.delete(chunk.key);
    const second = await run();
    expect(second.summary.resumed).toBe(3);
    expect(JSON.stringify(second.results)).toBe(json);

    // the training itself again: its networks (and so everything after them) come out bit for bit
    const train = campaign.jobs.find((j) => roles.get(j.key)?.kind === "train")!;
    store.results.delete(train.key);
    store.results.delete(chunk.key);
    const third = await run();
    expect(third.summary.resumed).toBe(2);
    expect(JSON.stringify(third.results)).toBe(json);
  });
});
