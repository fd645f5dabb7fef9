import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { Gaussian } from "./gaussian.js";
import { priorFromConfig } from "./prior-from-config.js";

function moments(x: Float32Array, n: number, D: number) {
  const mean = new Float64Array(D),
    v = new Float64Array(D),
    m4 = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) mean[j] += x[i * D + j] / n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < D; j++) {
      const d = x[i * D + j] - mean[j];
      v[j] += (d * d) / n;
      m4[j] += d ** 4 / n;
    }
  return {
    mean,
    variance: v,
    seMean: v.map((s) => Math.sqrt(s / n)),
    seVar: v.map((s, j) => Math.sqrt((m4[j] - s * s) / n)),
  };
}

describe("Gaussian (independent)", () => {
  test("log density matches hand-computed values", () => {
    expect(new Gaussian([0], [1]).logProb([0], 1)[0]).toBeCloseTo(-0.9189385332, 9);
    // N(1, 2²) at 3: -½·1 - log 2 - ½ log 2π
    expect(new Gaussian([1], [2]).logProb([3], 1)[0]).toBeCloseTo(-0.5 - Math.log(2) - 0.9189385332, 9);
    const p = new Gaussian([0, 1], [1, 2]);
    const lp = p.logProb([0, 3, 1, 1, Infinity, 0], 3);
    expect(lp[0]).toBeCloseTo(-0.9189385332 - 0.5 - Math.log(2) - 0.9189385332, 9);
    expect(lp[1]).toBeCloseTo(-0.5 - 0.9189385332 - Math.log(2) - 0.9189385332, 9);
    expect(lp[2]).toBe(-Infinity);
    expect(Array.from(p.lower)).toEqual([-Infinity, -Infinity]);
  });

  test("sample mean/std match closed form within 4 standard errors", () => {
    const p = new Gaussian([-2, 0.5, 10], [0.1, 1, 3]),
      n = 20000;
    const m = moments(p.sample(n, new Rng(21)), n, 3),
      mu = p.mean(),
      sd = p.std();
    for (let j = 0; j < 3; j++) {
      expect(Math.abs(m.mean[j] - mu[j])).toBeLessThan(4 * m.seMean[j]);
      expect(Math.abs(m.variance[j] - sd[j] ** 2)).toBeLessThan(4 * m.seVar[j]);
    }
  });

  test("same seed gives identical samples; round trip through config", () => {
    const p = new Gaussian([0, 1], [1, 2]);
    expect(p.sample(30, new Rng(9))).toEqual(p.sample(30, new Rng(9)));
    const back = priorFromConfig(JSON.parse(JSON.stringify(p.toConfig())), "model/config.json");
    expect(back).toBeInstanceOf(Gaussian);
    expect(back.toConfig()).toEqual({ type: "gaussian", mean: [0, 1], std: [1, 2] });
  });

  test("std must be > 0", () => {
    expect(() => new Gaussian([0, 0], [1, 0])).toThrow(/std\[1\] must be > 0/);
    expect(() => new Gaussian([0], [1, 2])).toThrow(NsbiInputError);
  });
});
