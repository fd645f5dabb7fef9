import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { normalCdf } from "../../numerics/normal.js";
import type { Gaussian2 } from "../ensemble-study/two-gaussian-toy.js";
import {
  drawTammTemplates,
  gaussian2LogDensityInRegion,
  gaussian2RegionMass,
  sampleGaussian2InRegion,
  TAMM_TOY_REGION,
  TAMM_TOY_TRUTH,
} from "./gaussian-tamm-toy.js";

describe("gaussian2RegionMass", () => {
  it("diagonal covariance: the product of two 1-D normal probabilities", () => {
    const g: Gaussian2 = { mean: [0.3, -0.5], covariance: [1.5, 0, 0, 0.8] };
    const p1 = normalCdf((2 - 0.3) / Math.sqrt(1.5)) - normalCdf((-2 - 0.3) / Math.sqrt(1.5));
    const p2 = normalCdf((2 + 0.5) / Math.sqrt(0.8)) - normalCdf((-2 + 0.5) / Math.sqrt(0.8));
    expect(gaussian2RegionMass(g)).toBeCloseTo(p1 * p2, 13);
    expect(gaussian2RegionMass(TAMM_TOY_TRUTH.signal)).toBeCloseTo((normalCdf(2) - normalCdf(-2)) ** 2, 13);
  });

  it("correlated background: agrees with a Monte Carlo count (binomial 4σ)", () => {
    const g = TAMM_TOY_TRUTH.background,
      rng = new Rng(11),
      n = 200_000,
      l11 = Math.sqrt(3),
      l21 = 0.4 / l11,
      l22 = Math.sqrt(3 - l21 * l21);
    let inside = 0;
    for (let i = 0; i < n; i++) {
      const z1 = rng.normal(),
        z2 = rng.normal();
      const x1 = l11 * z1,
        x2 = 1 + l21 * z1 + l22 * z2;
      if (Math.abs(x1) <= 2 && Math.abs(x2) <= 2) inside++;
    }
    const p = gaussian2RegionMass(g);
    expect(Math.abs(inside / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });

  it("correlated: agrees with a fine 2-D midpoint rule on the density (independent integration)", () => {
    const g: Gaussian2 = { mean: [0.2, 1.1], covariance: [2.5, -0.9, -0.9, 1.7] };
    const det = 2.5 * 1.7 - 0.81,
      m = 800,
      h = 4 / m;
    let sum = 0;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) {
        const d1 = -2 + (i + 0.5) * h - 0.2,
          d2 = -2 + (j + 0.5) * h - 1.1;
        const q = (1.7 * d1 * d1 + 2 * 0.9 * d1 * d2 + 2.5 * d2 * d2) / det;
        sum += Math.exp(-0.5 * q);
      }
    expect(gaussian2RegionMass(g)).toBeCloseTo((sum * h * h) / (2 * Math.PI * Math.sqrt(det)), 5);
  });
});

describe("gaussian2LogDensityInRegion", () => {
  it("hand-computed value at a point and −∞ outside the region", () => {
    const g = TAMM_TOY_TRUTH.signal,
      mass = (normalCdf(2) - normalCdf(-2)) ** 2;
    const out = gaussian2LogDensityInRegion(g, Float64Array.of(0.5, -1, 2.5, 0));
    expect(out[0]).toBeCloseTo(-0.5 * (0.25 + 1) - Math.log(2 * Math.PI) - Math.log(mass), 12);
    expect(out[1]).toBe(Number.NEGATIVE_INFINITY);
  });

  it("rejects odd-length input and bad covariances with NsbiInputError", () => {
    expect(() => gaussian2LogDensityInRegion(TAMM_TOY_TRUTH.signal, new Float64Array(3))).toThrow(NsbiInputError);
    expect(() => gaussian2RegionMass({ mean: [0, 0], covariance: [1, 2, 2, 1] })).toThrow(NsbiInputError);
  });
});

describe("sampleGaussian2InRegion", () => {
  it("all rows inside; the x2 histogram of the truncated background matches its region-normalised marginal", () => {
    const g = TAMM_TOY_TRUTH.background,
      n = 40_000,
      x = sampleGaussian2InRegion(g, n, new Rng(5));
    let below = 0;
    for (let i = 0; i < n; i++) {
      expect(Math.abs(x[2 * i]) <= 2 && Math.abs(x[2 * i + 1]) <= 2).toBe(true);
      if (x[2 * i + 1] < 1) below++;
    }
    // P(x2 < 1 | region) = P([−2, 2] × [−2, 1]) / P(region); the box mass by a midpoint rule over x1 of the
    // conditional normal of x2 (a different rule from the module's Gauss–Legendre).
    const l = 0.4 / 3,
      sc = Math.sqrt(3 - 0.4 * l),
      m = 4000,
      h = 4 / m;
    let box = 0;
    for (let i = 0; i < m; i++) {
      const x1 = -2 + (i + 0.5) * h,
        mc = 1 + l * x1;
      box +=
        (Math.exp(-(x1 * x1) / 6) / Math.sqrt(6 * Math.PI)) * (normalCdf((1 - mc) / sc) - normalCdf((-2 - mc) / sc));
    }
    const p = (box * h) / gaussian2RegionMass(g);
    expect(Math.abs(below / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });
});

describe("drawTammTemplates", () => {
  it("population statistics follow the documented recipe; covariances are equal-diagonal with min eigenvalue ≥ 0.3", () => {
    const t = drawTammTemplates({ count: 3000, rng: new Rng(9) });
    expect(t.signal).toHaveLength(3000);
    expect(t.background).toHaveLength(3000);
    const avg = (gs: Gaussian2[], f: (g: Gaussian2) => number) => gs.reduce((s, g) => s + f(g), 0) / gs.length;
    const sd = (gs: Gaussian2[], f: (g: Gaussian2) => number) => {
      const m = avg(gs, f);
      return Math.sqrt(avg(gs, (g) => (f(g) - m) ** 2));
    };
    // standard error of a mean of 3000 draws with sd 0.16 is 0.003; 4σ tolerances
    expect(Math.abs(avg(t.signal, (g) => g.mean[1]) + 0.128)).toBeLessThan(0.008);
    expect(Math.abs(avg(t.background, (g) => g.mean[1]) - 1.127)).toBeLessThan(0.008);
    expect(Math.abs(avg(t.background, (g) => g.covariance[1]) - 0.4015)).toBeLessThan(0.01);
    expect(Math.abs(sd(t.signal, (g) => g.mean[0]) - 0.112)).toBeLessThan(0.008);
    for (const g of [...t.signal, ...t.background]) {
      expect(g.covariance[0]).toBe(g.covariance[3]);
      expect(g.covariance[1]).toBe(g.covariance[2]);
      expect(g.covariance[0] - Math.abs(g.covariance[1])).toBeGreaterThanOrEqual(0.3);
    }
  });

  it("rejects a non-positive count", () => {
    expect(() => drawTammTemplates({ count: 0, rng: new Rng(1) })).toThrow(NsbiInputError);
  });

  it("region is [−2, 2]²", () => {
    expect(TAMM_TOY_REGION).toEqual({ min: [-2, -2], max: [2, 2] });
  });
});
