// The SBC ECDF figure draws the simultaneous band that diagnostics.json reports (issue 10, B3),
// not a narrower pointwise one.
import { expect, test } from "vitest";
import { sbcEcdfBands } from "../diagnostics/sbc-bands.js";
import { Rng } from "../engine/rng.js";
import { binomialQuantile } from "../numerics/binomial.js";
import { sbcRankPlot } from "./sbc-rank-plot.js";

/** Every row of plot data with a band (fields z, d, lo, hi), in panel order. */
function bandRows(spec: unknown): { z: number; d: number; lo: number; hi: number }[][] {
  const out: { z: number; d: number; lo: number; hi: number }[][] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (v === null || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.layer)) {
      const first = o.layer[0] as { data?: { values?: { lo?: number }[] } };
      const rows = first.data?.values;
      if (rows?.[0] && "lo" in rows[0]) {
        out.push(rows as never);
        return;
      }
    }
    Object.values(o).forEach(walk);
  };
  walk(spec);
  return out;
}

test("given a report's ECDF bands, the figure draws exactly them", () => {
  const rng = new Rng(7),
    N = 300;
  const u = [Array.from({ length: N }, () => rng.uniform()), Array.from({ length: N }, () => rng.uniform() ** 1.3)];
  const report = sbcEcdfBands(u, { seed: 3 });
  const panels = bandRows(sbcRankPlot({ ecdf: report, kind: "ecdf", parameters: ["a", "b"] }));
  expect(panels.length).toBe(2);
  panels.forEach((rows, j) => {
    // end points (0, 0) and (1, 0), then the report's points
    expect(rows.length).toBe(report.z.length + 2);
    report.z.forEach((z, k) => {
      const r = rows[k + 1];
      expect(r.z).toBeCloseTo(z, 6);
      expect(r.lo).toBeCloseTo(report.lower[k], 6);
      expect(r.hi).toBeCloseTo(report.upper[k], 6);
      expect(r.d).toBeCloseTo(report.difference[j][k], 6);
    });
  });
});

test("from ranks, the band is the simultaneous one: wider than the pointwise 99% band at z = ½", () => {
  const rng = new Rng(8),
    N = 500,
    L = 99,
    ranks = new Float64Array(N);
  for (let i = 0; i < N; i++) ranks[i] = rng.int(L + 1);
  const [rows] = bandRows(sbcRankPlot({ ranks: { data: ranks, rows: N, cols: 1 }, nDraws: L, kind: "ecdf" }));
  const half = rows.find((r) => Math.abs(r.z - 0.5) < 1e-9)!;
  // pointwise: scipy.stats.binom.ppf([0.005, 0.995], 500, 0.5) = [221, 279]
  const pointLo = binomialQuantile(N, 0.5, 0.005) / N - 0.5,
    pointHi = binomialQuantile(N, 0.5, 0.995) / N - 0.5;
  expect(pointLo).toBeCloseTo(221 / 500 - 0.5, 12);
  expect(half.lo).toBeLessThan(pointLo);
  expect(half.hi).toBeGreaterThan(pointHi);
  // and the curve is the ECDF of the integer ranks: count of ranks ≤ 49 over N, minus ½
  const below = Array.from(ranks).filter((r) => r <= 49).length;
  expect(half.d).toBeCloseTo(below / N - 0.5, 6);
});

test("an ECDF-only plot cannot draw a histogram; mismatched ecdf arrays are rejected", () => {
  const e = sbcEcdfBands([[0.1, 0.5, 0.9]], { points: 4, simulations: 10 });
  expect(() => sbcRankPlot({ ecdf: e })).toThrow(/histogram cannot be drawn from an ECDF/);
  expect(() => sbcRankPlot({ ecdf: { ...e, lower: [0] }, kind: "ecdf" })).toThrow(/same length/);
});
