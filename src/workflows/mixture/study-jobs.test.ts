import { describe, expect, test } from "vitest";
import { GaussianMixtureSimulator } from "./gaussian-simulator.js";
import { drawTestSet, GAUSSIAN_PROTOCOL_Z_VALUES, mixtureProtocol } from "./protocol.js";
import { parseStudyConfig } from "./study-config.js";
import {
  buildStudyCampaign,
  type EvaluateJobResult,
  evaluateOnProtocol,
  kStudyKind,
  studyZGrid,
} from "./study-jobs.js";
import { aggregateStudyResults } from "./study-results.js";

const sim = new GaussianMixtureSimulator({ r: 2 });
const protocol = mixtureProtocol({
  seed: 5,
  zValues: GAUSSIAN_PROTOCOL_Z_VALUES,
  muValues: [0.2],
  setsPerPoint: 1,
  k: 3,
  datasetSize: 300,
  bootstraps: 6,
});

describe("evaluateOnProtocol", () => {
  test("the truth evaluated as a model against itself: overlap exactly 1, the same intervals as the truth alone", () => {
    const header = { method: "truth" as const, modelIndex: null };
    const alone = evaluateOnProtocol({
      simulator: sim,
      model: sim.truth,
      truth: sim.truth,
      isTruth: true,
      protocol,
      zGridSize: 21,
      header,
    });
    const asModel = evaluateOnProtocol({
      simulator: sim,
      model: sim.truth,
      truth: sim.truth,
      isTruth: false,
      protocol,
      zGridSize: 21,
      header,
    });
    expect(alone.sets).toHaveLength(3);
    for (const [i, s] of asModel.sets.entries()) {
      expect(s.overlapMu).toBeCloseTo(1, 12);
      expect(s.overlapZ).toBeCloseTo(1, 12);
      expect(s.overlapTotal).toBeCloseTo(1, 12);
      expect(s.coverageMu).toBe(alone.sets[i].coverageMu);
      expect(s.widthZ).toBe(alone.sets[i].widthZ);
      expect(alone.sets[i].overlapMu).toBeNull();
    }
    // averages are the plain means over sets
    const mean = alone.sets.reduce((a, s) => a + (s.widthMu as number), 0) / 3;
    expect(alone.averages.widthMu).toBeCloseTo(mean, 14);
    // 300-event datasets at r = 2: the Fisher full width of μ is 0.0352·√(1000/300) ≈ 0.064 (docs/profile-likelihood.md)
    expect(alone.averages.widthMu as number).toBeGreaterThan(0.064 * 0.8);
    expect(alone.averages.widthMu as number).toBeLessThan(0.064 * 1.25);
    expect(alone.example?.contours.levels).toEqual([1.15, 3.09]);
    expect(alone.failedSets).toEqual([]);
  });

  test("the z grid holds the pilot fits' windows and is placed from the data", () => {
    const point = protocol.points[1];
    const set = drawTestSet(sim, protocol, point, 0);
    const grid = studyZGrid({
      components: [sim.truth],
      events: set.events,
      nEvents: set.nEvents,
      subsetSize: 300,
      zRange: sim.zRange,
      size: 21,
    });
    expect(grid).toHaveLength(21);
    // the M-event z half-width at r = 2 is ≈ 0.0324·√(1000/300)/2 ≈ 0.03: ±7 of them around ẑ ≈ z
    const span = grid[20] - grid[0];
    expect(span).toBeGreaterThan(14 * 0.03 * 0.7);
    expect(span).toBeLessThan(14 * 0.03 * 1.4);
    expect(grid[0]).toBeLessThan(point.z);
    expect(grid[20]).toBeGreaterThan(point.z);
  });
});

describe("the k study job", () => {
  test("evaluates the truth with each k (k·M events per set): equal to the protocol evaluated at that k", async () => {
    const small = {
      seed: 5,
      labelling: "per-event" as const,
      muValues: [0.2],
      setsPerPoint: 1,
      k: 9,
      datasetSize: 300,
      bootstraps: 6,
    };
    const ctx = {
      progress: () => {},
      artifacts: { put: async () => ({ $artifact: "", bytes: 0 }), get: async () => new Uint8Array() },
    };
    const out = await kStudyKind.run(
      { simulator: "gaussian", r: 2, protocol: small, zGridSize: 21, ks: [1, 3] },
      0,
      [],
      ctx as never,
    );
    expect(out.points.map((p) => p.k)).toEqual([1, 3]);
    for (const p of out.points) {
      const direct = evaluateOnProtocol({
        simulator: sim,
        model: sim.truth,
        truth: sim.truth,
        isTruth: true,
        protocol: mixtureProtocol({ ...small, k: p.k, zValues: GAUSSIAN_PROTOCOL_Z_VALUES }),
        zGridSize: 21,
        header: { method: "truth", modelIndex: null },
      });
      expect(p.coverageMu).toBe(direct.averages.coverageMu);
      expect(p.coverageZ).toBe(direct.averages.coverageZ);
      expect(p.sets).toBe(3);
      // between-set s.e. by hand from the per-set coverages
      const c = direct.sets.map((s) => s.coverageMu),
        m = c.reduce((a, b) => a + b, 0) / 3;
      expect(p.seMu).toBeCloseTo(Math.sqrt(c.reduce((a, b) => a + (b - m) ** 2, 0) / 2 / 3), 12);
    }
    // k changes the pools: k = 1 and k = 3 are not the same evaluation
    expect(
      out.points[0].coverageMu !== out.points[1].coverageMu || out.points[0].coverageZ !== out.points[1].coverageZ,
    ).toBe(true);
  });
});

describe("aggregateStudyResults", () => {
  test("Table 1 layout: the paper's values by distance and method, ours as distributions, the truth beside", () => {
    const config = parseStudyConfig({ distances: [0.5], methods: ["dle"], modelsPerMethod: 3 }, "s");
    const { roles } = buildStudyCampaign(config, "k");
    const results = new Map<string, unknown>();
    const averages = (c: number) => ({
      coverageMu: c,
      coverageZ: 0.5,
      widthMu: 0.09,
      widthZ: null,
      openMu: 0,
      openZ: 1,
      overlapMu: 0.6,
      overlapZ: 0.4,
      overlapTotal: 0.3,
    });
    for (const [key, role] of roles) {
      if (role.kind !== "evaluate") continue;
      const c = role.method === "truth" ? 0.65 : [0.6, 0.7, 0.5][role.modelIndex as number];
      results.set(key, {
        method: role.method,
        modelIndex: role.modelIndex,
        averages: averages(c),
        sets: [],
      } as unknown as EvaluateJobResult);
    }
    const out = aggregateStudyResults(config, roles, results);
    const d = out.distances[0];
    expect(d.label).toBe("small distance (r = 0.5)");
    expect(d.missing).toEqual([]);
    const row = (m: string) => d.table1.find((r) => r.metric === m)!;
    expect(row("coverageZ").paper).toEqual({ lre: 0.63, "lre-raw": 0.63, dle: 0.5 });
    expect(row("coverageMu").ours.dle).toEqual({
      n: 3,
      unbounded: 0,
      median: 0.6,
      low: 0.5 + 0.32 * 0.1,
      high: 0.6 + 0.68 * 0.1,
    });
    expect(row("coverageMu").truth).toBe(0.65);
    expect(row("overlapMu").truth).toBe(1);
    expect(row("widthZ").ours.dle?.unbounded).toBe(3);
    expect(d.methods[0].models.map((m) => m.modelIndex)).toEqual([0, 1, 2]);
  });
});

describe("the k study in the campaign", () => {
  test("one job per k except the protocol's own k, which comes from the truth's evaluation", () => {
    const config = parseStudyConfig({ distances: [2], methods: ["dle"], modelsPerMethod: 1, kStudy: [1, 9, 3] }, "s");
    expect(config.protocol.k).toBe(9);
    const { campaign, roles } = buildStudyCampaign(config, "k");
    const kJobs = campaign.jobs.filter((j) => roles.get(j.key)?.kind === "k-study");
    expect(kJobs.map((j) => (j.config as { ks: number[] }).ks)).toEqual([[1], [3]]);
    // per-set coverages of the truth's evaluation (k = 9) and of the two k jobs
    const truthSets = [0.6, 0.7, 0.8].map((c) => ({ coverageMu: c, coverageZ: c / 2 }));
    const results = new Map<string, unknown>();
    for (const [key, role] of roles)
      if (role.kind === "evaluate" && role.method === "truth")
        results.set(key, {
          method: "truth",
          modelIndex: null,
          averages: { coverageMu: 0.7, coverageZ: 0.35 },
          sets: truthSets,
        } as unknown as EvaluateJobResult);
    const point = (k: number) => ({ k, coverageMu: k / 10, coverageZ: k / 20, seMu: 0, seZ: 0, sets: 3 });
    const [j1, j3] = kJobs;
    results.set(j1.key, { points: [point(1)] });
    // a k job missing: no k study yet
    expect(aggregateStudyResults(config, roles, results).distances[0].kStudy).toBeNull();
    results.set(j3.key, { points: [point(3)] });
    const k = aggregateStudyResults(config, roles, results).distances[0].kStudy!;
    expect(k.map((p) => p.k)).toEqual([1, 3, 9]);
    // k = 9: the truth's averages, and the between-set s.e. by hand: sd(0.6, 0.7, 0.8)/√3 = 0.1/√3
    expect(k[2].coverageMu).toBe(0.7);
    expect(k[2].seMu).toBeCloseTo(0.1 / Math.sqrt(3), 12);
    expect(k[2].seZ).toBeCloseTo(0.05 / Math.sqrt(3), 12);
    expect(k[2].sets).toBe(3);
  });
});
