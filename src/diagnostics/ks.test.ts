import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import { kolmogorovSurvival, ksOneSample, ksPValue, ksTwoSample } from "./ks.js";

describe("Kolmogorov distribution", () => {
  // scipy 1.17 scipy.stats.kstwobign.sf(x)
  const scipy: [number, number][] = [
    [0.3, 0.9999906941986655], [0.5, 0.9639452436648751], [0.8, 0.5441424115741981], [1.0, 0.26999967167735456],
    [1.2, 0.11224966667072497], [1.36, 0.049485876755377876], [1.628, 0.009975522431181053], [2.0, 0.0006709252557796953],
    [3.0, 3.045995948942526e-08],
  ];
  test.each(scipy)("Q(%f) matches scipy's kstwobign.sf", (x, q) => {
    expect(Math.abs(kolmogorovSurvival(x) - q)).toBeLessThan(1e-12 + 1e-9 * q);
  });
  test("both series agree where they switch, and Q(0) = 1", () => {
    // the small-x form is used below 1.18: Q must be continuous across the switch
    expect(Math.abs(kolmogorovSurvival(1.18 - 1e-9) - kolmogorovSurvival(1.18))).toBeLessThan(1e-8);
    expect(kolmogorovSurvival(0)).toBe(1);
  });
});

describe("one-sample KS", () => {
  test("statistic of a hand-computed sample", () => {
    // sorted 0.1, 0.2, 0.9: D+ = max(1/3-0.1, 2/3-0.2, 1-0.9) = 0.4667; D- = max(0.1, 0.2-1/3, 0.9-2/3) = 0.2333
    const r = ksOneSample([0.9, 0.1, 0.2]);
    expect(r.statistic).toBeCloseTo(2 / 3 - 0.2, 12);
    expect(r.pValue).toBe(ksPValue(r.statistic, 3));
  });
  test("p-values are uniform under the null: ~5% below 0.05", () => {
    const rng = new Rng(3);
    let low = 0;
    const reps = 400;
    for (let k = 0; k < reps; k++) {
      const u = Array.from({ length: 200 }, () => rng.uniform());
      if (ksOneSample(u).pValue < 0.05) low++;
    }
    // Binomial(400, 0.05): mean 20, sd 4.4
    expect(low).toBeGreaterThan(6);
    expect(low).toBeLessThan(36);
  });
  test("rejects a shifted sample and names bad input", () => {
    const rng = new Rng(4);
    expect(ksOneSample(Array.from({ length: 500 }, () => 0.8 * rng.uniform())).pValue).toBeLessThan(1e-6);
    expect(() => ksOneSample([])).toThrow(NsbiInputError);
    expect(() => ksOneSample([0.1, NaN])).toThrow(/value 1 is NaN/);
  });
});

describe("two-sample KS", () => {
  test("statistic matches scipy's ks_2samp on a small example", () => {
    // scipy.stats.ks_2samp([.1,.4,.7,.9],[.2,.3,.5,.6,.8]).statistic = 0.3
    const r = ksTwoSample([0.1, 0.4, 0.7, 0.9], [0.2, 0.3, 0.5, 0.6, 0.8]);
    expect(r.statistic).toBeCloseTo(0.3, 12);
    expect(r.n).toBeCloseTo(20 / 9, 12);
  });
  test("ties are stepped over together: identical samples give D = 0", () => {
    expect(ksTwoSample([1, 1, 2, 3], [3, 2, 1, 1]).statistic).toBe(0);
    expect(ksTwoSample([1, 1, 2, 3], [3, 2, 1, 1]).pValue).toBe(1);
  });
  test("detects a scale change between normal samples", () => {
    const rng = new Rng(5);
    const a = Array.from({ length: 2000 }, () => rng.normal()), b = Array.from({ length: 2000 }, () => 1.5 * rng.normal());
    const c = Array.from({ length: 2000 }, () => rng.normal());
    expect(ksTwoSample(a, b).pValue).toBeLessThan(1e-6);
    expect(ksTwoSample(a, c).pValue).toBeGreaterThan(1e-3);
  });
});
