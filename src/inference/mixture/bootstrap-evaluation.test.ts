// Per-set bootstrap evaluation: each resample's intervals equal a fit of the explicitly resampled events;
// the overlap of the true likelihood with itself is 1 and with a z-shifted copy 2Φ(−δ/2σ_z).
import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { normalCdf } from "../../numerics/normal.js";
import { drawBootstrapCounts } from "./bootstrap-counts.js";
import { evaluateBootstraps } from "./bootstrap-evaluation.js";
import { buildComponentTable } from "./component-table.js";
import { fitProfileLikelihood } from "./profile-likelihood.js";
import { weighTable } from "./weighted-table.js";
import { gaussianRing, sampleRing } from "../../testing/gaussian-ring.js";

const zGrid = Array.from({ length: 41 }, (_, j) => (j * 0.5 * Math.PI) / 40);

describe("evaluateBootstraps", () => {
  test("each resample's intervals are those of the explicitly resampled events; coverage counts them", () => {
    const n = 1800,
      truth = { mu: 0.2, z: 0.35 * Math.PI };
    const events = sampleRing(new Rng(31), 0.5, truth.mu, truth.z, n);
    const ring = gaussianRing(0.5, { gradient: false });
    const table = buildComponentTable({ components: ring, events, nEvents: n, zGrid });
    const rng = new Rng(32);
    const counts = Array.from({ length: 4 }, () => drawBootstrapCounts(rng, n, 200));
    const result = evaluateBootstraps({ table, truth, counts });
    counts.forEach((c, b) => {
      const rows: number[] = [];
      c.forEach((k, i) => {
        for (let t = 0; t < k; t++) rows.push(events[2 * i], events[2 * i + 1]);
      });
      const explicit = fitProfileLikelihood(
        weighTable(buildComponentTable({ components: ring, events: Float64Array.from(rows), nEvents: 200, zGrid })),
      );
      const got = result.bootstraps[b];
      expect(got.mu.lower).toBeCloseTo(explicit.muInterval.lower, 8);
      expect(got.mu.upper).toBeCloseTo(explicit.muInterval.upper, 8);
      expect(got.z.lower).toBeCloseTo(explicit.zInterval.lower, 8);
      expect(got.z.upper).toBeCloseTo(explicit.zInterval.upper, 8);
      expect(got.coversMu).toBe(explicit.muInterval.lower <= truth.mu && truth.mu <= explicit.muInterval.upper);
      expect(got.widthZ).toBeCloseTo(explicit.zInterval.upper - explicit.zInterval.lower, 8);
    });
    const covered = result.bootstraps.filter((o) => o.coversZ).length;
    expect(result.coverageZ).toBe(covered / 4);
    expect(result.meanOverlap).toBeNull();
  });

  test("overlap: the true likelihood with itself is 1; a copy shifted by δ in z gives o_z ≈ 2Φ(−δ/2σ_z), o_μ ≈ 1", () => {
    const n = 9000,
      truth = { mu: 0.2, z: 0.25 * Math.PI };
    const events = sampleRing(new Rng(41), 2, truth.mu, truth.z, n);
    const reference = buildComponentTable({
      components: gaussianRing(2, { gradient: false }),
      events,
      nEvents: n,
      zGrid,
    });
    const rng = new Rng(42);
    const counts = Array.from({ length: 3 }, () => drawBootstrapCounts(rng, n, 1000));
    const self = evaluateBootstraps({ table: reference, reference, truth, counts });
    expect(self.meanOverlap?.mu).toBeCloseTo(1, 12);
    expect(self.meanOverlap?.z).toBeCloseTo(1, 12);
    expect(self.meanOverlap?.total).toBeCloseTo(1, 12);
    // the model's z is the truth's shifted by δ: its likelihood in z is the true one translated by −δ
    const delta = 0.012;
    const shifted = buildComponentTable({
      components: gaussianRing(2, { shift: delta, gradient: false }),
      events,
      nEvents: n,
      zGrid,
    });
    const result = evaluateBootstraps({ table: shifted, reference, truth, counts, overlap: { zSubdivisions: 8 } });
    // the reference's fits from the first call give the same overlaps
    const reused = evaluateBootstraps({
      table: shifted,
      reference,
      truth,
      counts,
      overlap: { zSubdivisions: 8 },
      referenceFits: self.referenceFits ?? undefined,
    });
    expect(reused.meanOverlap).toEqual(result.meanOverlap);
    result.bootstraps.forEach((o, b) => {
      const sigmaZ = (self.bootstraps[b].z.upper - self.bootstraps[b].z.lower) / 2;
      expect(o.overlap?.z).toBeCloseTo(2 * normalCdf(-delta / (2 * sigmaZ)), 2);
      expect(o.overlap?.total).toBeCloseTo(o.overlap?.z as number, 2);
      expect(o.overlap?.mu).toBeGreaterThan(0.99);
      expect(o.z.estimate).toBeCloseTo(self.bootstraps[b].z.estimate - delta, 3);
    });
  });

  test("bad input: no resamples, a reference on another grid", () => {
    const events = sampleRing(new Rng(1), 2, 0.2, 0.5, 100);
    const table = buildComponentTable({
      components: gaussianRing(2, { gradient: false }),
      events,
      nEvents: 100,
      zGrid,
    });
    const other = buildComponentTable({
      components: gaussianRing(2, { gradient: false }),
      events,
      nEvents: 100,
      zGrid: zGrid.map((z) => z + 0.01),
    });
    expect(() => evaluateBootstraps({ table, truth: { mu: 0.2, z: 0.5 }, counts: [] })).toThrow(/no resamples/);
    expect(() =>
      evaluateBootstraps({
        table,
        reference: other,
        truth: { mu: 0.2, z: 0.5 },
        counts: [new Int32Array(100).fill(1)],
      }),
    ).toThrow(/z grid/);
  });
});
