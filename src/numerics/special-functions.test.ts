// Special functions and distributions against values computed independently: mpmath at 40
// digits (log-gamma) and scipy 1.17 (scipy.stats.binom / norm / t), literals below.
import { describe, expect, test } from "vitest";
import { binomialCdf, binomialQuantile } from "./binomial.js";
import { binomialCdfTable, quantileFromCdfTable } from "./binomial-cdf-table.js";
import { logFactorial } from "./log-factorial.js";
import { logGamma } from "./log-gamma.js";
import { normalCdf, normalQuantile } from "./normal.js";
import { studentTQuantile } from "./student-t.js";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe("log-gamma and log-factorial", () => {
  // float(mpmath.log(mpmath.factorial(k))) with mp.dps = 40
  test.each([
    [0, 0],
    [1, 0],
    [2, Math.LN2],
    [5, 4.787491742782046],
    [20, 42.335616460753485],
    [170, 706.5730622457874],
    [255, 1161.7121011184006],
    [256, 1167.2572785628802],
    [257, 1172.8063546477754],
    [300, 1414.905849945068],
    [1000, 5912.128178488163],
    [100000, 1051299.2218991218],
    [10000000, 151180965.48756957],
  ])("logFactorial(%i) on both sides of the table boundary", (k, ref) => {
    // the table is a running sum of logs: its rounding grows to ~6e-16 relative by k = 255
    expect(Math.abs(logFactorial(k) - ref)).toBeLessThanOrEqual(1e-15 * Math.max(1, ref));
  });

  // float(mpmath.loggamma(x)) with mp.dps = 40; scipy.special.gammaln(-2.5) for the negative argument
  test.each([
    [0.5, 0.5723649429247001],
    [1.5, -0.12078223763524522],
    [3.7, 1.428072326665388],
    [10.25, 13.368023671476045],
    [100.5, 361.4355404677776],
    [0.001, 6.907178885383853],
    [-2.5, -0.05624371649767401],
    [171.3, 708.1149470389969],
  ])("logGamma(%f)", (x, ref) => {
    expect(Math.abs(logGamma(x) - ref)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(ref)));
  });

  test("logGamma has poles at 0, −1, … and agrees with logFactorial on integers", () => {
    expect(logGamma(0)).toBe(Infinity);
    expect(logGamma(-3)).toBe(Infinity);
    for (const k of [3, 40, 255, 256, 5000]) expect(rel(logGamma(k + 1), logFactorial(k))).toBeLessThan(1e-14);
  });
});

describe("binomial distribution", () => {
  // int(scipy.stats.binom.ppf(q, n, p))
  const ppf: [number, number, number, number][] = [
    [10, 0.5, 0.005, 1],
    [10, 0.5, 0.995, 9],
    [10, 0.5, 0.5, 5],
    [1000, 0.05, 0.005, 33],
    [1000, 0.05, 0.995, 69],
    [5000, 0.3, 0.025, 1437],
    [5000, 0.3, 0.975, 1564],
    [37, 0.9, 0.5, 33],
    [100000, 0.01, 0.001, 904],
    [100000, 0.01, 0.999, 1099],
    [500, 0.0625, 0.005, 18],
    [500, 0.0625, 0.995, 46],
    [20000, 0.999, 0.5, 19980],
  ];
  test.each(ppf)("quantile of Binomial(%i, %f) at %f is scipy's %i, from @stdlib and from the table", (n, p, q, k) => {
    expect(binomialQuantile(n, p, q)).toBe(k);
    expect(quantileFromCdfTable(binomialCdfTable(n, p), q)).toBe(k);
  });

  // float(scipy.stats.binom.cdf(k, n, p))
  const cdf: [number, number, number, number][] = [
    [3, 10, 0.3, 0.6496107184000002],
    [0, 10, 0.3, 0.028247524900000005],
    [49, 100, 0.5, 0.46020538130641103],
    [900, 1000, 0.9, 0.5154177095659198],
    [90000, 100000, 0.9, 0.5015419129006715],
    [89500, 100000, 0.9, 8.54728061423417e-8],
    [19980, 20000, 0.999, 0.5297871763794311],
    [4, 200, 0.05, 0.026446800009119878],
  ];
  test.each(cdf)("P(X ≤ %i) for Binomial(%i, %f), from @stdlib and from the table", (k, n, p, ref) => {
    expect(rel(binomialCdf(k, n, p), ref)).toBeLessThan(1e-11);
    // the table is built from the mode outward: ~1e-13 where a recurrence from k = 0 was off by 1e-8
    expect(rel(binomialCdfTable(n, p)[k], ref)).toBeLessThan(1e-11);
  });

  test("degenerate p, the table ends at 1, and bad arguments", () => {
    expect(Array.from(binomialCdfTable(3, 0))).toEqual([1, 1, 1, 1]);
    expect(Array.from(binomialCdfTable(3, 1))).toEqual([0, 0, 0, 1]);
    expect(binomialCdfTable(1000, 0.37)[1000]).toBe(1);
    // Binomial(2, ½) by hand: 1/4, 3/4, 1
    expect(Array.from(binomialCdfTable(2, 0.5))).toEqual([0.25, 0.75, 1]);
    expect(binomialQuantile(5, 0, 0.5)).toBe(0);
    expect(binomialQuantile(60, 0.05, 0.005)).toBe(0); // +0, not −0 as @stdlib gives (toBe uses Object.is)
    expect(binomialQuantile(5, 1, 0.5)).toBe(5);
    expect(() => binomialQuantile(5, 1.5, 0.5)).toThrow(/p must be in \[0, 1\]/);
    expect(() => binomialQuantile(5, 0.5, 2)).toThrow(/q must be in \[0, 1\]/);
    expect(() => binomialCdfTable(2.5, 0.5)).toThrow(/n must be a non-negative integer/);
  });
});

describe("normal and Student t", () => {
  test("normal quantile (mpmath: −√2·erfinv(1 − 2q), 40 digits) and CDF (scipy.stats.norm.cdf)", () => {
    expect(rel(normalQuantile(0.975), 1.9599639845400543)).toBeLessThan(2e-16);
    expect(normalQuantile(0.5)).toBe(0);
    expect(rel(normalQuantile(0.3), -0.5244005127080408)).toBeLessThan(4e-16);
    expect(rel(normalQuantile(0.001), -3.0902323061678136)).toBeLessThan(2e-16);
    // @stdlib's quantile alone is 2e-9 off here; the Newton step fixes it
    expect(rel(normalQuantile(1e-10), -6.361340902404057)).toBeLessThan(2e-16);
    expect(rel(normalQuantile(2.866515718791939e-7), -5)).toBeLessThan(2e-16); // the 5σ one-sided p-value
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(rel(normalCdf(1.5), 0.9331927987311419)).toBeLessThan(1e-15);
    expect(rel(normalCdf(-3), 0.0013498980316300933)).toBeLessThan(1e-14);
    expect(rel(normalCdf(-10), 7.61985302416047e-24)).toBeLessThan(1e-13);
    // Φ(Φ⁻¹(q)) = q
    for (const q of [1e-6, 0.02, 0.3, 0.77, 0.999]) expect(rel(normalCdf(normalQuantile(q)), q)).toBeLessThan(1e-13);
    expect(() => normalQuantile(1.5)).toThrow(/q must be in \[0, 1\]/);
  });

  test("t quantile: scipy.stats.t.ppf and the closed forms for ν = 1 (Cauchy) and ν = 2", () => {
    expect(rel(studentTQuantile(0.975, 4), 2.7764451051977934)).toBeLessThan(1e-12);
    expect(rel(studentTQuantile(0.95, 2.5), 2.5582186141359355)).toBeLessThan(1e-12);
    expect(rel(studentTQuantile(0.995, 30), 2.7499956535672254)).toBeLessThan(1e-12);
    expect(studentTQuantile(0.5, 3)).toBe(0);
    for (const q of [0.025, 0.2, 0.9]) {
      expect(rel(studentTQuantile(q, 1), Math.tan(Math.PI * (q - 0.5)))).toBeLessThan(1e-12);
      expect(rel(studentTQuantile(q, 2), (2 * q - 1) / Math.sqrt(2 * q * (1 - q)))).toBeLessThan(1e-12);
    }
    expect(() => studentTQuantile(0.5, 0)).toThrow(/degrees of freedom must be positive/);
  });
});
