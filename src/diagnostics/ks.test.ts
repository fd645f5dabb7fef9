import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import { ksOneSample, ksPValue, ksTwoSample } from "./ks.js";

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
    const a = Array.from({ length: 2000 }, () => rng.normal()),
      b = Array.from({ length: 2000 }, () => 1.5 * rng.normal());
    const c = Array.from({ length: 2000 }, () => rng.normal());
    expect(ksTwoSample(a, b).pValue).toBeLessThan(1e-6);
    expect(ksTwoSample(a, c).pValue).toBeGreaterThan(1e-3);
  });
});
