import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { gaussLegendreRule } from "../../numerics/gauss-legendre.js";
import {
  DIJET_BOX,
  DIJET_JES_GRID,
  type DijetComponent,
  dijetCdf1d,
  dijetLogDensity,
  dijetLogDensity1d,
  dijetOracleColumns,
  drawDijetTemplateScales,
  logUniformDijetBox,
  sampleDijet,
  sampleDijetPseudoData,
  sampleUniformInDijetBox,
} from "./dijet-toy.js";

const { nodes, weights } = gaussLegendreRule(8);

/** ∫_lo^hi g by composite 8-point Gauss–Legendre on `panels` panels. */
function integrate(g: (x: number) => number, lo: number, hi: number, panels: number): number {
  const w = (hi - lo) / panels;
  let sum = 0;
  for (let p = 0; p < panels; p++)
    for (let k = 0; k < nodes.length; k++) sum += 0.5 * w * weights[k] * g(lo + (p + 0.5) * w + 0.5 * w * nodes[k]);
  return sum;
}

/** χ² of the counts of `values` in `bins` equal bins of the box against the bin integrals of the 1-D density. */
function chiSquare(values: number[], o: { component: DijetComponent; scale: number }, bins: number): number {
  const { min, max } = DIJET_BOX,
    width = (max - min) / bins,
    counts = new Array(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  let chi2 = 0;
  for (let b = 0; b < bins; b++) {
    const expected =
      values.length * integrate((x) => Math.exp(dijetLogDensity1d(o, x)), min + b * width, min + (b + 1) * width, 4);
    chi2 += (counts[b] - expected) ** 2 / expected;
  }
  return chi2;
}

const components: DijetComponent[] = ["signal", "background"];
const scales = [0.95, 1, 1.037];

describe("di-Higgs-like TAMM toy", () => {
  it("the 2-D densities integrate to 1 over the box (quadrature) for several jet-energy scales", () => {
    const { min, max } = DIJET_BOX,
      panels = 28,
      w = (max - min) / panels,
      pts: number[] = [],
      wts: number[] = [];
    for (let p = 0; p < panels; p++)
      for (let k = 0; k < nodes.length; k++) {
        pts.push(min + (p + 0.5) * w + 0.5 * w * nodes[k]);
        wts.push(0.5 * w * weights[k]);
      }
    const x = new Float64Array(2 * pts.length * pts.length);
    for (let i = 0; i < pts.length; i++)
      for (let j = 0; j < pts.length; j++) {
        x[2 * (i * pts.length + j)] = pts[i];
        x[2 * (i * pts.length + j) + 1] = pts[j];
      }
    for (const component of components)
      for (const scale of scales) {
        const l = dijetLogDensity({ component, scale }, x);
        let total = 0;
        for (let i = 0; i < pts.length; i++)
          for (let j = 0; j < pts.length; j++) total += wts[i] * wts[j] * Math.exp(l[i * pts.length + j]);
        expect(total).toBeCloseTo(1, 10);
      }
  });

  it("the 1-D density (with its 1/s Jacobian) is the derivative of the CDF, and the CDF runs from 0 to 1", () => {
    // h = 0.01 GeV: truncation error ≲ 1e-5 relative, rounding of the CDF difference small even in the tails
    const h = 0.01;
    for (const component of components)
      for (const scale of scales) {
        expect(dijetCdf1d({ component, scale }, DIJET_BOX.min)).toBe(0);
        expect(dijetCdf1d({ component, scale }, DIJET_BOX.max)).toBe(1);
        for (const x of [61, 90, 118.3, 125, 140, 199]) {
          const fd = (dijetCdf1d({ component, scale }, x + h) - dijetCdf1d({ component, scale }, x - h)) / (2 * h);
          const f = Math.exp(dijetLogDensity1d({ component, scale }, x));
          expect(Math.abs(fd / f - 1)).toBeLessThan(1e-4); // a missing 1/s would be off by ≥ 3.7%
        }
      }
    expect(dijetLogDensity1d({ component: "signal", scale: 1 }, 59.9)).toBe(Number.NEGATIVE_INFINITY);
  });

  it("the density matches a Monte Carlo of the scaled, then truncated, untruncated shape (χ², 20 bins)", () => {
    // independent path: y from the untruncated shape with the Rng's own normal/uniform, x = s·y, keep if in the box
    const rng = new Rng(11);
    for (const component of components) {
      const scale = 1.04,
        values: number[] = [];
      while (values.length < 40000) {
        const y = component === "signal" ? 125 + 15 * rng.normal() : -40 * Math.log(rng.uniformOpen());
        const x = scale * y;
        if (x >= DIJET_BOX.min && x <= DIJET_BOX.max) values.push(x);
      }
      // 19 degrees of freedom: P(χ² > 50) ≈ 1e-4
      expect(chiSquare(values, { component, scale }, 20)).toBeLessThan(50);
    }
  });

  it("sampleDijet draws from the density: both columns (χ², 20 bins) and independence of x1, x2", () => {
    const rng = new Rng(5);
    for (const component of components) {
      const scale = 0.96,
        n = 30000,
        x = sampleDijet({ component, scale, n, rng }),
        x1: number[] = [],
        x2: number[] = [];
      for (let i = 0; i < n; i++) {
        x1.push(x[2 * i]);
        x2.push(x[2 * i + 1]);
        expect(x[2 * i] >= 60 && x[2 * i] <= 200 && x[2 * i + 1] >= 60 && x[2 * i + 1] <= 200).toBe(true);
      }
      expect(chiSquare(x1, { component, scale }, 20)).toBeLessThan(50);
      expect(chiSquare(x2, { component, scale }, 20)).toBeLessThan(50);
      // P(x1 < m, x2 < m) = P(x1 < m)² at the median m of one mass
      let m = DIJET_BOX.min,
        hi = DIJET_BOX.max;
      for (let it = 0; it < 60; it++) {
        const mid = 0.5 * (m + hi);
        if (dijetCdf1d({ component, scale }, mid) < 0.5) m = mid;
        else hi = mid;
      }
      const both = x1.filter((v, i) => v < m && x2[i] < m).length / n;
      expect(Math.abs(both - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / n));
    }
  });

  it("three jet-energy scales bracket any other exactly in the exponential form (Lagrange weights)", () => {
    // ln 𝔰_k and ln 𝔟_k are, up to constants, linear in (x1² + x2²)/s_k² and (x1 + x2)/s_k, so weights with
    // Σ w = 1, Σ w/s_k = 1/s, Σ w/s_k² = 1/s² reproduce scale s: the Lagrange basis in u = 1/s.
    const ks = [1, 0.96, 1.04],
      truth = 1.015,
      u = ks.map((s) => 1 / s),
      ut = 1 / truth,
      w = u.map((uk, k) => u.reduce((p, uj, j) => (j === k ? p : (p * (ut - uj)) / (uk - uj)), 1));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const x = sampleUniformInDijetBox(200, new Rng(3)),
      cols = dijetOracleColumns({ signalScales: ks, backgroundScales: ks }, x);
    for (const component of components) {
      const exact = dijetLogDensity({ component, scale: truth }, x),
        c = component === "signal" ? cols.signal : cols.background,
        diff = exact.map((e, r) => w.reduce((acc, wk, k) => acc + wk * c[k][r], 0) - e);
      const spread = Math.max(...diff) - Math.min(...diff);
      expect(spread).toBeLessThan(1e-9);
      // a single template at the nominal scale is not the truth
      const single = exact.map((e, r) => c[0][r] - e);
      expect(Math.max(...single) - Math.min(...single)).toBeGreaterThan(0.05);
    }
  });

  it("oracle columns are log densities minus ln q; pseudo-data hold the requested counts; bad input throws", () => {
    const x = new Float64Array([125, 125, 70, 190]),
      cols = dijetOracleColumns({ signalScales: [1], backgroundScales: [1.02] }, x),
      lq = logUniformDijetBox();
    expect(lq).toBeCloseTo(-2 * Math.log(140), 14);
    expect(cols.signal[0][0]).toBeCloseTo(dijetLogDensity({ component: "signal", scale: 1 }, x)[0] - lq, 12);
    expect(cols.background[0][1]).toBeCloseTo(
      dijetLogDensity1d({ component: "background", scale: 1.02 }, 70) +
        dijetLogDensity1d({ component: "background", scale: 1.02 }, 190) -
        lq,
      12,
    );
    const d = sampleDijetPseudoData({ signal: 300, background: 700, scale: 1.01, rng: new Rng(8) });
    expect(d).toHaveLength(2000);
    expect(
      sampleDijetPseudoData({ signal: 300, background: 700, scale: 1, rng: new Rng(9), composition: "binomial" }),
    ).toHaveLength(2000);
    expect(() =>
      sampleDijetPseudoData({ signal: 1, background: 3, scale: 1, rng: new Rng(1), composition: "poisson" as "fixed" }),
    ).toThrow(NsbiInputError);
    expect(() => sampleDijet({ component: "signal", scale: 0, n: 3, rng: new Rng(1) })).toThrow(NsbiInputError);
    expect(() => sampleDijetPseudoData({ signal: -1, background: 3, scale: 1, rng: new Rng(1) })).toThrow(
      NsbiInputError,
    );
    expect(() => dijetLogDensity({ component: "signal", scale: 1 }, new Float64Array(3))).toThrow(NsbiInputError);
  });

  it("template scales: the grid's first K without a draw, or grid + σ·N(0, 1), signal then background", () => {
    const grid = [1, 0.96, 1.04];
    const rng = new Rng(5);
    const plain = drawDijetTemplateScales({ grid, count: 2, rng });
    expect(plain).toEqual({ signalScales: [1, 0.96], backgroundScales: [1, 0.96] });
    // no draw was made: the generator is where a fresh one starts
    expect(rng.uniform()).toBe(new Rng(5).uniform());
    const jittered = drawDijetTemplateScales({ grid, count: 3, jitter: 0.01, rng: new Rng(6) });
    const z = new Rng(6);
    const n = Array.from({ length: 6 }, () => z.normal());
    const expected = [0, 1, 2, 0, 1, 2].map((i, j) => grid[i] + 0.01 * n[j]);
    expect(jittered.signalScales).toEqual(expected.slice(0, 3));
    expect(jittered.backgroundScales).toEqual(expected.slice(3));
    expect(DIJET_JES_GRID.slice(0, 3)).toEqual(grid);
    expect(() => drawDijetTemplateScales({ grid, count: 4, rng })).toThrow(/count must be an integer in \[1, 3\]/);
    expect(() => drawDijetTemplateScales({ grid, count: 1, jitter: -1, rng })).toThrow(NsbiInputError);
    // a seed whose first normal is < −0.1: with σ = 10 the drawn scale 1 + 10·n is negative
    let seed = 0;
    while (new Rng(seed).normal() >= -0.1) seed++;
    expect(() => drawDijetTemplateScales({ grid: [1], count: 1, jitter: 10, rng: new Rng(seed) })).toThrow(
      /drawn scale/,
    );
  });
});
