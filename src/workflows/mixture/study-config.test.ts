import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../../errors.js";
import { parseStudyConfig, STUDY_SCALES } from "./study-config.js";
import { buildStudyCampaign, studyJobSeed, trainerDefaults } from "./study-jobs.js";
import { modelDistribution } from "./study-results.js";

describe("parseStudyConfig", () => {
  test("an empty config is the quick Gaussian study at both distances, with the paper's protocol shape", () => {
    const c = parseStudyConfig({}, "s.json");
    expect(c.simulator).toBe("gaussian");
    expect(c.distances).toEqual([2, 0.5]);
    expect(c.methods).toEqual(["dle", "lre"]);
    expect(c.scale).toBe("quick");
    expect(c.modelsPerMethod).toBe(2);
    expect(c.trainingEvents).toBe(20_000);
    expect(c.referenceEvents).toBe(20_000);
    expect(c.protocol).toEqual({
      labelling: "per-event",
      muValues: [0.1, 0.2, 0.3],
      setsPerPoint: 1,
      k: 9,
      datasetSize: 1000,
      bootstraps: 20,
    });
  });

  test("the scale presets, and fields of the file over the preset, --scale over the file", () => {
    expect(parseStudyConfig({ scale: "paper" }, "s").trainingEvents).toBe(1_000_000);
    expect(parseStudyConfig({ scale: "paper" }, "s").modelsPerMethod).toBe(30);
    expect(parseStudyConfig({ scale: "default" }, "s").protocol.bootstraps).toBe(100);
    expect(parseStudyConfig({ scale: "paper", modelsPerMethod: 4 }, "s").modelsPerMethod).toBe(4);
    expect(parseStudyConfig({ scale: "paper" }, "s", { scale: "quick" }).trainingEvents).toBe(
      STUDY_SCALES.quick.trainingEvents,
    );
    const tes = parseStudyConfig({ simulator: "tes-toy", protocol: { labelling: "fixed-count" } }, "s");
    expect(tes.distances).toEqual([]);
    expect(tes.protocol.labelling).toBe("fixed-count");
  });

  test.each([
    [{ simulator: "higgs" }, /s\.json': simulator: expected "gaussian" or "tes-toy", got "higgs"/],
    [{ task: "two_moons" }, /unknown field 'task'/],
    [{ modelsPerMethod: -1 }, /modelsPerMethod: expected an integer in \[1, 1000\], got -1/],
    [{ trainingEvents: 2.5e7 }, /trainingEvents: expected an integer in \[100, 10000000\]/],
    [{ protocol: { k: 0 } }, /protocol\.k: expected an integer in \[1, 1000\], got 0/],
    [{ protocol: { datasetSize: 100_000, k: 1000 } }, /at most 10\^7 events per set/],
    [{ protocol: { extra: 1 } }, /unknown field 'protocol\.extra'/],
    [{ distances: [2, 2] }, /distances\[1\] = 2 is repeated/],
    [{ distances: [-2] }, /distances\.0: expected r in \(0, 100\]/],
    [{ methods: ["dle", "npe"] }, /methods\.1: expected "dle", "lre" or "lre-raw"/],
    [{ simulator: "tes-toy", distances: [2] }, /TES toy has no distance/],
    [{ scale: "huge" }, /scale: expected "quick", "default" or "paper"/],
    [{ kStudy: [1, 1] }, /kStudy\[1\] = 1 is repeated/],
    [{ kStudy: [0] }, /kStudy\.0: expected an integer in \[1, 50\]/],
    [[1, 2], /expected a JSON object/],
  ])("%j is refused naming the field", (value, re) => {
    expect(() => parseStudyConfig(value, "s.json")).toThrow(NsbiInputError);
    expect(() => parseStudyConfig(value, "s.json")).toThrow(re);
  });
});

describe("the study campaign", () => {
  test("per distance: the truth, and per method and model a training and its evaluation", () => {
    const config = parseStudyConfig({ modelsPerMethod: 3 }, "s");
    const { campaign, roles } = buildStudyCampaign(config, "file:///k.js");
    // 2 distances × (1 truth + 4 k-study jobs (k = 9 is the truth's evaluation) + 2 methods × 3 models × 2 jobs)
    expect(campaign.jobs).toHaveLength(2 * (1 + 4 + 2 * 3 * 2));
    expect(config.kStudy).toEqual([1, 2, 3, 5, 9]);
    const kJobs = campaign.jobs.filter((j) => roles.get(j.key)?.kind === "k-study");
    expect(kJobs.map((j) => (j.config as { ks: number[]; r: number }).r)).toEqual([2, 2, 2, 2, 0.5, 0.5, 0.5, 0.5]);
    expect(kJobs.map((j) => (j.config as { ks: number[] }).ks[0])).toEqual([1, 2, 3, 5, 1, 2, 3, 5]);
    expect(buildStudyCampaign({ ...config, kStudy: [] }, "k").campaign.jobs).toHaveLength(2 * (1 + 2 * 3 * 2));
    const keys = new Set(campaign.jobs.map((j) => j.key));
    expect(keys.size).toBe(campaign.jobs.length);
    for (const job of campaign.jobs) {
      const role = roles.get(job.key)!;
      if (role.kind === "evaluate" && role.method !== "truth") {
        expect(job.dependsOn).toHaveLength(1);
        expect(roles.get(job.dependsOn[0])).toEqual({ ...role, kind: "train" });
      } else expect(job.dependsOn).toEqual([]);
      // the trainers' defaults are part of a training's key: changed defaults never reuse old models
      if (role.kind === "train")
        expect((job.config as { defaults: unknown }).defaults).toEqual(trainerDefaults(role.method as "dle" | "lre"));
    }
    // equal config, equal keys (resume finds them); another seed changes every training
    const again = buildStudyCampaign(config, "file:///elsewhere.js").campaign.jobs.map((j) => j.key);
    expect(again).toEqual(campaign.jobs.map((j) => j.key));
    const other = buildStudyCampaign({ ...config, seed: 2 }, "k").campaign.jobs;
    expect(other.filter((j) => keys.has(j.key))).toEqual([]);
  });

  test('"lre-raw" evaluates the "lre" models: one training per model, two evaluations of it', () => {
    const config = parseStudyConfig({ distances: [2], methods: ["lre", "lre-raw"], modelsPerMethod: 2 }, "s");
    const { campaign, roles } = buildStudyCampaign(config, "k");
    const trains = campaign.jobs.filter((j) => roles.get(j.key)?.kind === "train");
    const evals = campaign.jobs.filter(
      (j) => roles.get(j.key)?.kind === "evaluate" && roles.get(j.key)?.method !== "truth",
    );
    expect(trains).toHaveLength(2);
    expect(evals).toHaveLength(4);
    for (const t of trains) {
      expect((t.config as { method: string }).method).toBe("lre");
      const users = evals.filter((e) => e.dependsOn[0] === t.key).map((e) => roles.get(e.key)?.method);
      expect(users.sort()).toEqual(["lre", "lre-raw"]);
    }
    // the same trainings as a study of "lre" alone
    const alone = buildStudyCampaign({ ...config, methods: ["lre"] }, "k").campaign.jobs.map((j) => j.key);
    for (const t of trains) expect(alone).toContain(t.key);
  });

  test("training seeds differ between models, methods and distances", () => {
    const seeds = new Set<number>();
    for (const r of [2, 0.5])
      for (const m of ["dle", "lre"]) for (let i = 0; i < 30; i++) seeds.add(studyJobSeed(1, "gaussian", r, m, i));
    expect(seeds.size).toBe(120);
    for (const s of seeds) expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
  });
});

describe("modelDistribution", () => {
  test("median and the 16% / 84% quantiles by hand (type 7), unbounded values counted apart", () => {
    // sorted 1..11: h = 10·q; median 6, 16%: h = 1.6 → 2.6, 84%: h = 8.4 → 9.4
    const values = [5, 3, 11, 1, 9, 7, 2, 4, 10, 8, 6];
    const d = modelDistribution([...values, null]);
    expect(d.n).toBe(11);
    expect(d.unbounded).toBe(1);
    expect(d.median).toBeCloseTo(6, 12);
    expect(d.low).toBeCloseTo(2.6, 12);
    expect(d.high).toBeCloseTo(9.4, 12);
    expect(modelDistribution([null])).toEqual({ n: 0, unbounded: 1, median: null, low: null, high: null });
  });
});
