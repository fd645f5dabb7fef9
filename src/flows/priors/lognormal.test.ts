import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { LogNormal } from "./lognormal.js";
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

describe("LogNormal", () => {
  test("log density matches torch.distributions.LogNormal by hand", () => {
    // LogNormal(0, 1) at 1: log φ(0) - log 1
    const p = new LogNormal([0], [1]);
    expect(p.logProb([1], 1)[0]).toBeCloseTo(-0.9189385332, 9);
    // LogNormal(0, 1) at e: -½ - 0.9189385 - 1
    expect(p.logProb([Math.E], 1)[0]).toBeCloseTo(-0.5 - 0.9189385332 - 1, 9);
    // LogNormal(log 0.4, 0.5) at 0.3
    const q = new LogNormal([Math.log(0.4)], [0.5]);
    const z = (Math.log(0.3) - Math.log(0.4)) / 0.5;
    expect(q.logProb([0.3], 1)[0]).toBeCloseTo(-0.5 * z * z - Math.log(0.5) - 0.9189385332 - Math.log(0.3), 9);
    const lp = p.logProb([0, -1, NaN], 3);
    expect(Array.from(lp)).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(p.lower[0]).toBe(0);
    expect(p.upper[0]).toBe(Infinity);
  });

  test("sample mean/std match closed form within 4 standard errors (SIR and LV priors)", () => {
    const p = new LogNormal([Math.log(0.4), Math.log(0.125), -0.125, -3], [0.5, 0.2, 0.5, 0.5]),
      n = 40000;
    const x = p.sample(n, new Rng(31));
    let outside = 0;
    for (let i = 0; i < n; i++) if (!p.inSupport(x, i)) outside++;
    expect(outside).toBe(0);
    const m = moments(x, n, 4),
      mu = p.mean(),
      sd = p.std();
    expect(mu[0]).toBeCloseTo(0.4 * Math.exp(0.125), 12);
    for (let j = 0; j < 4; j++) {
      expect(Math.abs(m.mean[j] - mu[j])).toBeLessThan(4 * m.seMean[j]);
      expect(Math.abs(m.variance[j] - sd[j] ** 2)).toBeLessThan(4 * m.seVar[j]);
    }
  });

  test("same seed gives identical samples; round trip through config", () => {
    const p = new LogNormal([-0.125, -3], [0.5, 0.5]);
    expect(p.sample(30, new Rng(4))).toEqual(p.sample(30, new Rng(4)));
    const back = priorFromConfig(JSON.parse(JSON.stringify(p.toConfig())), "x.json");
    expect(back).toBeInstanceOf(LogNormal);
    expect(back.toConfig()).toEqual(p.toConfig());
    expect(() => new LogNormal([0], [-1])).toThrow(/scale\[0\] must be > 0/);
  });
});
