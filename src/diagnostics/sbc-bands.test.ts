import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { sbcEcdfBands, sbcRankHistogram } from "./sbc-bands.js";

describe("rank histogram", () => {
  test("counts, expected counts and the 99% bands (L = 99, 20 bins, N = 1000)", () => {
    const rng = new Rng(1),
      N = 1000;
    const ranks = [Array.from({ length: N }, () => rng.int(100))];
    const h = sbcRankHistogram(ranks, 99, { bins: 20 });
    expect(h.counts[0].reduce((a, b) => a + b, 0)).toBe(N);
    expect(h.binStart.slice(0, 3)).toEqual([0, 5, 10]);
    expect(h.expected.every((e) => Math.abs(e - 50) < 1e-9)).toBe(true);
    // scipy: binom.ppf([.005,.995],1000,.05) = [33, 69]; Bonferroni over 20 bins binom.ppf([.00025,.99975],...) = [28, 76]
    expect([h.lower[0], h.upper[0]]).toEqual([33, 69]);
    expect([h.lowerSimultaneous[0], h.upperSimultaneous[0]]).toEqual([28, 76]);
  });
  test("unequal bins get their own share of the L + 1 ranks", () => {
    // L = 9: 10 ranks in 4 bins -> floor(r*4/10): sizes 3,2,3,2
    const h = sbcRankHistogram([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]], 9, { bins: 4 });
    expect(h.counts[0]).toEqual([3, 2, 3, 2]);
    expect(h.expected.map((e) => Math.round(e * 1e9) / 1e9)).toEqual([3, 2, 3, 2]);
    expect(() => sbcRankHistogram([[10]], 9)).toThrow(/rank 10 is not an integer in \[0, numSamples = 9\]/);
  });
});

describe("ECDF-difference bands", () => {
  test("the simultaneous band holds a whole uniform ECDF about 99% of the time", () => {
    const N = 200,
      b = sbcEcdfBands([Array.from({ length: N }, (_, i) => (i + 0.5) / N)], {
        points: 50,
        simulations: 1000,
        seed: 1,
      });
    expect(b.z.length).toBe(49);
    // a perfectly spread sample sits at the centre: |F̂ − z| ≤ 1/(2N) at all z
    expect(Math.max(...b.difference[0].map(Math.abs))).toBeLessThanOrEqual(1 / (2 * N) + 1e-12);
    // simultaneous: pointwise tail much below 1%, band wider than the pointwise 99% band at z = 1/2
    expect(b.pointwiseGamma).toBeLessThan(0.01);
    expect(b.pointwiseGamma).toBeGreaterThan(1e-4);
    const rng = new Rng(99);
    let inside = 0;
    const reps = 300;
    for (let r = 0; r < reps; r++) {
      const u = Array.from({ length: N }, () => rng.uniform()).sort((x, y) => x - y);
      let ok = true;
      b.z.forEach((z, k) => {
        let c = 0;
        while (c < N && u[c] <= z) c++;
        const d = c / N - z;
        if (d < b.lower[k] - 1e-12 || d > b.upper[k] + 1e-12) ok = false;
      });
      if (ok) inside++;
    }
    // Binomial(300, 0.99): mean 297, sd 1.7
    expect(inside / reps).toBeGreaterThan(0.96);
  });
});
