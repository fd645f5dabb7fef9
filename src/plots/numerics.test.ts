// Numeric helpers behind the plots: histogram binning, Gaussian smoothing, HPD thresholds and
// contours (checked on a 2-D standard normal against its closed-form level sets), binomial
// quantiles (against closed forms and SciPy's binom.ppf) and SBC bands.
import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { NsbiInputError } from "../errors.js";
import { isolines } from "./contours.js";
import { binEdges, binIndex, defaultBins, histogram1d, histogram2d } from "./histogram.js";
import { densityGrid, hpdContours } from "./hpd-contours.js";
import { gaussianSmooth2d, hpdThresholds } from "./hpd.js";
import { rankHistogram, defaultRankBins } from "./sbc-rank-plot.js";
import { quantile, formatEstimate } from "./stats.js";
import { formatNumber, axisTitle } from "./theme.js";

function normals(n: number, seed: number): Float64Array {
  const rng = new Rng(seed),
    out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/** Even-odd point-in-polygon test for a closed polyline [x0, y0, x1, y1, …]. */
function inside(line: number[], x: number, y: number): boolean {
  let c = false;
  for (let i = 0, j = line.length - 2; i < line.length; j = i, i += 2) {
    const xi = line[i],
      yi = line[i + 1],
      xj = line[j],
      yj = line[j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

describe("histograms", () => {
  test("bin edges, bin index and counts", () => {
    expect(Array.from(binEdges(0, 1, 4))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(binIndex(0, 0, 1, 4)).toBe(0);
    expect(binIndex(0.25, 0, 1, 4)).toBe(1);
    expect(binIndex(1, 0, 1, 4)).toBe(3); // last bin closed
    expect(binIndex(1.0001, 0, 1, 4)).toBe(-1);
    expect(binIndex(NaN, 0, 1, 4)).toBe(-1);
    const h = histogram1d([0.1, 0.2, 0.3, 0.6, 0.99, 1, 5, NaN], [0, 1], 4);
    expect(Array.from(h.counts)).toEqual([2, 1, 1, 2]);
    expect(h.inRange).toBe(6);
    // the density integrates to 1 over the range
    expect(h.density.reduce((s, d) => s + d * 0.25, 0)).toBeCloseTo(1, 12);
    expect(() => binEdges(1, 1, 3)).toThrow(NsbiInputError);
    expect(() => binEdges(0, 1, 0)).toThrow(/bins: expected a positive integer/);
    expect(defaultBins(100)).toBe(10);
    expect(defaultBins(2500)).toBe(30);
    expect(defaultBins(1e6)).toBe(40);
  });

  test("2-D histogram puts x along rows", () => {
    const h = histogram2d([0.1, 0.9, 0.9], [0.1, 0.1, 0.9], [0, 1], [0, 1], 2, 2);
    expect(Array.from(h.counts)).toEqual([1, 1, 0, 1]);
    expect(() => histogram2d([1], [1, 2], [0, 1], [0, 1], 2, 2)).toThrow(/x has 1 values but y has 2/);
  });
});

describe("smoothing and HPD levels", () => {
  test("Gaussian smoothing keeps mass away from the border and spreads a spike with the given width", () => {
    const n = 41,
      g = new Float64Array(n * n);
    g[20 * n + 20] = 1;
    const s = gaussianSmooth2d(g, n, n, 2, 3);
    expect(s.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    // second moments along x and y are the kernel variances
    let vx = 0,
      vy = 0;
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        vx += s[y * n + x] * (x - 20) ** 2;
        vy += s[y * n + x] * (y - 20) ** 2;
      }
    // (the kernel is truncated at 3σ, which takes ~2% off the variance)
    expect(Math.abs(vx / 4 - 1)).toBeLessThan(0.025);
    expect(Math.abs(vy / 9 - 1)).toBeLessThan(0.025);
    expect(vy / vx).toBeCloseTo(9 / 4, 1);
    expect(Array.from(gaussianSmooth2d(g, n, n, 0))).toEqual(Array.from(g));
  });

  test("thresholds enclose the requested mass of a grid", () => {
    const g = Float64Array.from([5, 1, 3, 1]); // total 10
    expect(hpdThresholds(g, [0.5, 0.8, 0.95])).toEqual([5, 3, 1]);
    expect(() => hpdThresholds(g, [1])).toThrow(/levels/);
    expect(() => hpdThresholds(new Float64Array(4), [0.5])).toThrow(/no mass/);
  });

  test("isolines of a radial function are circles of the right radius, closed", () => {
    const n = 80,
      d = 8 / n,
      values = new Float64Array(n * n);
    for (let iy = 0; iy < n; iy++)
      for (let ix = 0; ix < n; ix++) {
        const x = -4 + (ix + 0.5) * d,
          y = -4 + (iy + 0.5) * d;
        values[iy * n + ix] = Math.exp(-(x * x + y * y) / 2);
      }
    const r = 1.5;
    const lines = isolines({ values, nx: n, ny: n, x0: -4, y0: -4, dx: d, dy: d }, Math.exp((-r * r) / 2));
    expect(lines).toHaveLength(1);
    const l = lines[0];
    expect(l.length).toBeGreaterThan(40);
    expect(l[0]).toBeCloseTo(l[l.length - 2], 12);
    expect(l[1]).toBeCloseTo(l[l.length - 1], 12);
    for (let k = 0; k < l.length; k += 2) expect(Math.hypot(l[k], l[k + 1])).toBeCloseTo(r, 1);
    // two separate bumps give two lines; a region touching the border is closed along it
    const two = new Float64Array(20 * 20);
    two[5 * 20 + 5] = 1;
    two[14 * 20 + 14] = 1;
    expect(isolines({ values: two, nx: 20, ny: 20, x0: 0, y0: 0, dx: 1, dy: 1 }, 0.5)).toHaveLength(2);
    const edge = new Float64Array(9).fill(1);
    const box = isolines({ values: edge, nx: 3, ny: 3, x0: 0, y0: 0, dx: 1, dy: 1 }, 0.5);
    expect(box).toHaveLength(1);
    expect(Math.min(...box[0].filter((_, k) => k % 2 === 0))).toBeCloseTo(0, 12);
  });

  test("68% / 95% HPD contours of a 2-D standard normal enclose the right mass and radius", () => {
    const n = 20000,
      x = normals(n, 11),
      y = normals(n, 12);
    const contours = hpdContours(x, y, [-5, 5], [-5, 5], [0.68, 0.95]);
    expect(contours.map((c) => c.level)).toEqual([0.68, 0.95]);
    expect(contours[0].threshold).toBeGreaterThan(contours[1].threshold);
    for (const c of contours) {
      // the main (largest) line; sampling noise can add small islands in the tails
      const main = c.lines.reduce((a, b) => (b.length > a.length ? b : a));
      const exact = Math.sqrt(-2 * Math.log(1 - c.level)); // 1.5096 and 2.4477
      let sr = 0;
      for (let k = 0; k < main.length; k += 2) sr += Math.hypot(main[k], main[k + 1]);
      // Scott smoothing widens σ by √(1 + n^(-1/3)) ≈ 1.009; binning adds a little more
      expect(sr / (main.length / 2)).toBeGreaterThan(exact * 0.97);
      expect(sr / (main.length / 2)).toBeLessThan(exact * 1.05);
      // the fraction of fresh samples inside the contour is the level
      const fx = normals(5000, 21),
        fy = normals(5000, 22);
      let hit = 0;
      for (let i = 0; i < fx.length; i++) if (inside(main, fx[i], fy[i])) hit++;
      expect(Math.abs(hit / fx.length - c.level)).toBeLessThan(0.025);
    }
    // the density grid keeps the sample mass (up to what smoothing pushes off the grid)
    const g = densityGrid(x, y, [-5, 5], [-5, 5]);
    expect(g.values.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.999 * n);
  });
});

describe("SBC rank histogram bands", () => {
  test("SBC bands", () => {
    const h = rankHistogram([0, 1, 2, 3, 99, 50, 50], 99, 20);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(7);
    expect(h.counts[0]).toBe(4); // ranks 0…4 in bin 0
    expect(h.counts[10]).toBe(2);
    expect(h.counts[19]).toBe(1);
    const big = rankHistogram(
      Array.from({ length: 1000 }, (_, i) => i % 100),
      99,
      20,
    );
    // scipy.stats.binom.ppf([0.005, 0.995], 1000, 0.05) = [33, 69]
    expect(big.lower.every((l) => l === 33) && big.upper.every((u) => u === 69)).toBe(true);
    expect(() => rankHistogram([100], 99, 20)).toThrow(/ranks: expected integers in 0 … 99/);
    expect(defaultRankBins(99)).toBe(20);
    expect(defaultRankBins(9)).toBe(10);
    expect(defaultRankBins(100)).toBe(20); // 101 is prime: unequal widths
  });
});

describe("labels", () => {
  test("numbers, estimates and axis titles", () => {
    expect(formatNumber(-0.001)).toBe("0.00");
    expect(formatNumber(0.0249)).toBe("0.02");
    expect(formatNumber(-1.234, 1)).toBe("\u22121.2");
    expect(formatEstimate(0.5213, 0.104, 0.0912)).toBe("0.521 +0.104 −0.091");
    expect(axisTitle("E", "GeV")).toBe("E [GeV]");
    expect(axisTitle("sin²θ")).toBe("sin²θ");
    expect(quantile([3, 1, 2, NaN], 0.5)).toBe(2);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
  });
});
