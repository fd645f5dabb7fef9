import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { BoxUniform } from "./box-uniform.js";
import { priorFromConfig } from "./prior-from-config.js";

/** Per-dimension sample mean/variance with standard errors (variance SE from the 4th moment). */
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

describe("BoxUniform", () => {
  const prior = new BoxUniform([-1, 0, 2], [1, 0.5, 6]);

  test("log density is -Σ log(high - low) inside, -Infinity outside or NaN", () => {
    const expected = -(Math.log(2) + Math.log(0.5) + Math.log(4));
    const theta = [0, 0.25, 3, /* outside */ 1.5, 0.25, 3, /* edges */ -1, 0.5, 6, /* NaN */ 0, NaN, 3];
    const lp = prior.logProb(theta, 4);
    expect(lp[0]).toBeCloseTo(expected, 12);
    expect(lp[1]).toBe(-Infinity);
    expect(lp[2]).toBeCloseTo(expected, 12);
    expect(lp[3]).toBe(-Infinity);
    expect(new BoxUniform([-1, -1], [1, 1]).logProb([0, 0], 1)[0]).toBeCloseTo(-Math.log(4), 12);
    expect(prior.inSupport(theta, 0)).toBe(true);
    expect(prior.inSupport(theta, 1)).toBe(false);
    expect(Array.from(prior.lower)).toEqual([-1, 0, 2]);
    expect(Array.from(prior.upper)).toEqual([1, 0.5, 6]);
  });

  test("samples stay in the box and match the closed-form mean/std within 4 standard errors", () => {
    const n = 20000,
      x = prior.sample(n, new Rng(11));
    let outside = 0;
    for (let i = 0; i < n; i++) if (!prior.inSupport(x, i)) outside++;
    expect(outside).toBe(0);
    const m = moments(x, n, 3),
      mu = prior.mean(),
      sd = prior.std();
    expect(Array.from(mu)).toEqual([0, 0.25, 4]);
    expect(sd[2]).toBeCloseTo(4 / Math.sqrt(12), 12);
    for (let j = 0; j < 3; j++) {
      expect(Math.abs(m.mean[j] - mu[j])).toBeLessThan(4 * m.seMean[j]);
      expect(Math.abs(m.variance[j] - sd[j] ** 2)).toBeLessThan(4 * m.seVar[j]);
    }
  });

  test("same seed gives identical samples", () => {
    expect(prior.sample(50, new Rng(5))).toEqual(prior.sample(50, new Rng(5)));
    expect(prior.sample(50, new Rng(5))).not.toEqual(prior.sample(50, new Rng(6)));
  });

  test("toConfig → priorFromConfig round trip", () => {
    const c = prior.toConfig();
    expect(c).toEqual({ type: "box_uniform", low: [-1, 0, 2], high: [1, 0.5, 6] });
    const back = priorFromConfig(JSON.parse(JSON.stringify(c)), "test.json");
    expect(back).toBeInstanceOf(BoxUniform);
    expect(back.toConfig()).toEqual(c);
    expect(back.logProb([0, 0.25, 3], 1)).toEqual(prior.logProb([0, 0.25, 3], 1));
  });

  test("bad arguments throw NsbiInputError naming the argument", () => {
    expect(() => new BoxUniform([0, 1], [1, 1])).toThrow(/low\[1\] < high\[1\]/);
    expect(() => new BoxUniform([0], [1, 2])).toThrow(NsbiInputError);
    expect(() => new BoxUniform([NaN], [1])).toThrow(/low\[0\] must be a finite number/);
    expect(() => new BoxUniform([], [])).toThrow(/non-empty/);
    expect(() => prior.logProb([0, 0], 1)).toThrow(/n × dim = 1 × 3/);
    expect(() => prior.sample(-1, new Rng(0))).toThrow(NsbiInputError);
  });
});
