import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../../errors.js";
import { normalCdf } from "../../numerics/normal.js";
import { binProbabilities } from "./bin-probabilities.js";
import { binIntegralsByQuadrature } from "./bin-quadrature.js";
import { gaussLegendreRule } from "../../numerics/gauss-legendre.js";
import { histogramCounts } from "./histogram-grid.js";

describe("histogramCounts", () => {
  test("counts by hand on a 2 × 3 grid, edges and outside points", () => {
    const grid = { min: [0, 0], max: [2, 3], bins: [2, 3] };
    // bin (i, j) = i·3 + j
    const points = [
      0.5,
      0.5, // (0, 0)
      1.5,
      2.5, // (1, 2)
      1,
      1, // x on the inner edge goes up: (1, 1)
      2,
      3, // upper corner: last bins (1, 2)
      0,
      0, // lower corner (0, 0)
      -0.1,
      1, // outside
      1,
      3.01, // outside
      Number.NaN,
      1, // outside
    ];
    const h = histogramCounts(grid, points);
    expect(Array.from(h.counts)).toEqual([2, 0, 0, 0, 1, 2]);
    expect(h.outside).toBe(3);
  });

  test("bad grid or points: NsbiInputError naming the field", () => {
    expect(() => histogramCounts({ min: [0], max: [0], bins: [3] }, [0.5])).toThrow(NsbiInputError);
    expect(() => histogramCounts({ min: [0], max: [1], bins: [0] }, [0.5])).toThrow(/bins\[0\]/);
    expect(() => histogramCounts({ min: [0, 0], max: [1, 1], bins: [2, 2] }, [0.5, 0.5, 0.5])).toThrow(/points/);
  });
});

describe("binProbabilities", () => {
  test("normalises to sum 1", () => {
    expect(Array.from(binProbabilities([1, 3, 0, 4], "t"))).toEqual([0.125, 0.375, 0, 0.5]);
  });
});

describe("gaussLegendreRule", () => {
  test.each([1, 2, 5, 8, 13])("n = %i integrates x^d exactly for d ≤ 2n − 1", (n) => {
    const { nodes, weights } = gaussLegendreRule(n);
    for (let d = 0; d <= 2 * n - 1; d++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** d;
      expect(s).toBeCloseTo(d % 2 === 1 ? 0 : 2 / (d + 1), 13);
    }
  });

  test("the 3-point rule by hand: nodes ±√(3/5), 0; weights 5/9, 8/9", () => {
    const { nodes, weights } = gaussLegendreRule(3);
    expect(nodes[0]).toBeCloseTo(-Math.sqrt(0.6), 15);
    expect(nodes[1]).toBeCloseTo(0, 15);
    expect(weights[0]).toBeCloseTo(5 / 9, 14);
    expect(weights[1]).toBeCloseTo(8 / 9, 14);
  });
});

describe("binIntegralsByQuadrature", () => {
  test("an independent 2-D Gaussian: bin integrals = products of normal CDF differences", () => {
    const grid = { min: [-2, -1], max: [2, 3], bins: [5, 4] };
    const [m1, s1, m2, s2] = [0.3, 0.8, 1.1, 1.3];
    const r = binIntegralsByQuadrature({
      grid,
      logDensity: (x) => {
        const out = new Float64Array(x.length / 2);
        for (let i = 0; i < out.length; i++) {
          const a = (x[2 * i] - m1) / s1,
            b = (x[2 * i + 1] - m2) / s2;
          out[i] = -0.5 * (a * a + b * b) - Math.log(2 * Math.PI * s1 * s2);
        }
        return out;
      },
    });
    let mass = 0;
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 4; j++) {
        const p1 = normalCdf((-2 + 0.8 * (i + 1) - m1) / s1) - normalCdf((-2 + 0.8 * i - m1) / s1);
        const p2 = normalCdf((-1 + (j + 1) - m2) / s2) - normalCdf((-1 + j - m2) / s2);
        expect(r.integrals[i * 4 + j]).toBeCloseTo(p1 * p2, 10);
        mass += p1 * p2;
      }
    expect(r.mass).toBeCloseTo(mass, 10);
  });

  test("a NaN log density is an NsbiInputError", () => {
    expect(() =>
      binIntegralsByQuadrature({
        grid: { min: [0], max: [1], bins: [2] },
        logDensity: (x) => new Float64Array(x.length).fill(Number.NaN),
      }),
    ).toThrow(NsbiInputError);
  });
});
