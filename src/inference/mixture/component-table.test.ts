// The component table and its NLL against direct evaluation of the Gaussian mixture density; bootstrap
// counts against explicit resampling; the exact minimisation over μ against a dense scan.
import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { drawBootstrapCounts } from "./bootstrap-counts.js";
import { buildComponentTable, componentTableFromValues } from "./component-table.js";
import { fractionNll, fractionNllDerivatives, minimizeFractionNll } from "./fraction-nll.js";
import type { ComponentValues } from "./mixture-components.js";
import { mixtureNll } from "./mixture-nll.js";
import { nllProfiledOverMu } from "./mu-profiled-nll.js";
import { type WeightedTable, weighTable } from "./weighted-table.js";
import { gaussianRing, sampleRing } from "../../testing/gaussian-ring.js";

/** −Σ log(μ/(1+μ) N(x; −m, I) + 1/(1+μ) N(x; m, I)) written out directly. */
function directNll(events: Float64Array, n: number, r: number, mu: number, z: number): number {
  const c = r * Math.cos(z),
    s = r * Math.sin(z);
  let nll = 0;
  for (let i = 0; i < n; i++) {
    const x = events[2 * i],
      y = events[2 * i + 1];
    const pb = Math.exp(-0.5 * ((x - c) ** 2 + (y - s) ** 2)) / (2 * Math.PI),
      ps = Math.exp(-0.5 * ((x + c) ** 2 + (y + s) ** 2)) / (2 * Math.PI);
    nll -= Math.log((mu / (1 + mu)) * ps + (1 / (1 + mu)) * pb);
  }
  return nll;
}

const nllAt = (wt: WeightedTable, mu: number, j: number) => mixtureNll(wt, mu, j);

const zGrid = Array.from({ length: 9 }, (_, j) => 0.1 + 0.15 * j);

describe("component table NLL", () => {
  test("equals the directly evaluated Gaussian mixture NLL at every μ and grid z", () => {
    const events = sampleRing(new Rng(1), 2, 0.2, 0.7, 500);
    const wt = weighTable(
      buildComponentTable({ components: gaussianRing(2, { gradient: false }), events, nEvents: 500, zGrid }),
    );
    for (const mu of [0, 0.05, 0.2, 1, 30])
      for (let j = 0; j < zGrid.length; j += 2) {
        const direct = directNll(events, 500, 2, mu, zGrid[j]);
        expect(Math.abs(nllAt(wt, mu, j) - direct)).toBeLessThan(1e-11 * Math.abs(direct));
      }
  });

  test("stays finite where the densities underflow (log-sum-exp): hand value for an event far out", () => {
    // one event at (60, 0), r = 2, z = 0: log p_back = −ln 2π − ½·58², log p_sig = −ln 2π − ½·62²,
    // so −log p = ln 2π + ½·58² − log(1/(1+μ) + μ/(1+μ) e^{−240})
    const values: ComponentValues[] = zGrid.map((z) =>
      gaussianRing(2, { gradient: false }).evaluate(Float64Array.of(60, 0), 1, z),
    );
    const table = componentTableFromValues({ zGrid, nEvents: 1, values });
    const t0 = componentTableFromValues({
      zGrid: [0, 1, 2, 3, 4],
      nEvents: 1,
      values: [0, 1, 2, 3, 4].map(() => gaussianRing(2, { gradient: false }).evaluate(Float64Array.of(60, 0), 1, 0)),
    });
    const mu = 0.25;
    const expected = Math.log(2 * Math.PI) + 0.5 * 58 * 58 - Math.log(1 / (1 + mu) + (mu / (1 + mu)) * Math.exp(-240));
    expect(nllAt(weighTable(t0), mu, 0)).toBeCloseTo(expected, 9);
    expect(Number.isFinite(nllAt(weighTable(table), mu, 0))).toBe(true);
    expect(Math.exp(-0.5 * 58 * 58)).toBe(0); // the direct form would give log 0
  });

  test("rejects NaN, +∞, an event impossible under both components, and a bad z grid", () => {
    const good = { logSignal: Float64Array.of(-1), logBackground: Float64Array.of(-2) };
    const make = (v: ComponentValues, grid = [0, 1, 2, 3, 4]) =>
      componentTableFromValues({ zGrid: grid, nEvents: 1, values: grid.map((_, j) => (j === 2 ? v : good)) });
    expect(() => make({ logSignal: Float64Array.of(Number.NaN), logBackground: Float64Array.of(0) })).toThrow(
      /event 0/,
    );
    expect(() => make({ logSignal: Float64Array.of(-Infinity), logBackground: Float64Array.of(-Infinity) })).toThrow(
      /event 0/,
    );
    expect(() => make({ logSignal: Float64Array.of(Infinity), logBackground: Float64Array.of(0) })).toThrow(/event 0/);
    expect(make({ logSignal: Float64Array.of(-Infinity), logBackground: Float64Array.of(0) }).background[2]).toBe(1);
    expect(() => make(good, [0, 1, 1, 2, 3])).toThrow(/increasing/);
    expect(() => make(good, [0, 1, 2, 3])).toThrow(/at least 5/);
  });
});

describe("bootstrap counts", () => {
  test("the counts-weighted NLL equals the NLL of the explicitly resampled events", () => {
    const n = 900,
      m = 100;
    const events = sampleRing(new Rng(2), 2, 0.3, 0.5, n);
    const counts = drawBootstrapCounts(new Rng(77), n, m);
    expect(counts.reduce((s, c) => s + c, 0)).toBe(m);
    // the same generator's index sequence, resampled explicitly
    const rng = new Rng(77),
      resampled = new Float64Array(2 * m);
    for (let k = 0; k < m; k++) {
      const i = rng.int(n);
      resampled[2 * k] = events[2 * i];
      resampled[2 * k + 1] = events[2 * i + 1];
    }
    const weighted = weighTable(
      buildComponentTable({ components: gaussianRing(2, { gradient: false }), events, nEvents: n, zGrid }),
      counts,
    );
    const explicit = weighTable(
      buildComponentTable({ components: gaussianRing(2, { gradient: false }), events: resampled, nEvents: m, zGrid }),
    );
    expect(weighted.totalWeight).toBe(m);
    expect(weighted.nActive).toBeLessThan(m); // some events were drawn more than once
    for (const mu of [0, 0.1, 0.3, 2])
      for (let j = 0; j < zGrid.length; j++) expect(nllAt(weighted, mu, j)).toBeCloseTo(nllAt(explicit, mu, j), 9);
    const a = nllProfiledOverMu(weighted, 1),
      b = nllProfiledOverMu(explicit, 1);
    for (let j = 0; j < zGrid.length; j++) expect(a.fraction[j]).toBeCloseTo(b.fraction[j], 10);
  });

  test("counts are multinomial: each event's mean count is m/n (binomial 5σ bound over 400 resamples)", () => {
    const n = 50,
      m = 200,
      reps = 400,
      rng = new Rng(3),
      sum = new Float64Array(n);
    for (let r = 0; r < reps; r++) {
      const counts = drawBootstrapCounts(rng, n, m);
      for (let i = 0; i < n; i++) sum[i] += counts[i];
    }
    const mean = m / n,
      sd = Math.sqrt((m * (1 / n) * (1 - 1 / n)) / reps);
    for (const s of sum) expect(Math.abs(s / reps - mean)).toBeLessThan(5 * sd);
  });
});

describe("minimisation over μ at fixed z", () => {
  const events = sampleRing(new Rng(4), 0.5, 0.15, 0.9, 400);
  const wt = weighTable(
    buildComponentTable({ components: gaussianRing(0.5, { gradient: false }), events, nEvents: 400, zGrid }),
  );
  const n = wt.nActive;

  test("derivatives in the signal fraction match central differences", () => {
    const d = new Float64Array(2),
      h = 1e-5;
    for (const f of [0.05, 0.3, 0.8]) {
      fractionNllDerivatives(wt.background, wt.difference, wt.weight, 3 * n, n, f, d);
      const F = (x: number) => fractionNll(wt.background, wt.difference, wt.weight, 3 * n, n, x);
      expect(d[0]).toBeCloseTo((F(f + h) - F(f - h)) / (2 * h), 4);
      expect(d[1] / ((F(f + h) - 2 * F(f) + F(f - h)) / (h * h))).toBeCloseTo(1, 3);
    }
  });

  test("Newton in f finds the minimum of a dense scan; a tight μ range gives the boundary", () => {
    for (let j = 0; j < zGrid.length; j++) {
      const F = (x: number) => fractionNll(wt.background, wt.difference, wt.weight, j * n, n, x);
      const m = minimizeFractionNll(wt.background, wt.difference, wt.weight, j * n, n, 1);
      // golden-section search on [0, 1] (independent of the Newton code)
      let a = 0,
        b = 1;
      const g = (Math.sqrt(5) - 1) / 2;
      for (let it = 0; it < 80; it++) {
        const c = b - g * (b - a),
          e = a + g * (b - a);
        if (F(c) < F(e)) b = e;
        else a = c;
      }
      expect(m.fraction).toBeCloseTo(0.5 * (a + b), 6);
      expect(F(m.fraction)).toBeLessThanOrEqual(F(0.5 * (a + b)) + 1e-9);
      const capped = minimizeFractionNll(wt.background, wt.difference, wt.weight, j * n, n, 0.5 * m.fraction);
      expect(capped.atUpper && capped.fraction === 0.5 * m.fraction).toBe(true);
    }
  });
});
