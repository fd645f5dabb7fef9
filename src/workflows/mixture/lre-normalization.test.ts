import { describe, expect, it } from "vitest";
import { NsbiInputError } from "../../errors.js";
import { estimateLreNormalization, lreNormalizationAt } from "./lre-normalization.js";

// A log-ratio with a known normalisation: log r(x, z) = g(z) + z·x on calibration events {−a, +a}, whose
// mean of exp is exactly exp(g(z))·cosh(z·a). So log E[r(·, z)] = g(z) + log cosh(z·a) in closed form.
const a = 0.8;
const g = (z: number) => 0.3 * Math.sin(2 * z) - 0.1 * z;
const dg = (z: number) => 0.6 * Math.cos(2 * z) - 0.1;
const exact = (z: number) => g(z) + Math.log(Math.cosh(z * a));
const dExact = (z: number) => dg(z) + a * Math.tanh(z * a);
const calibration = { x: Float64Array.from([-a, a, a, -a]), n: 4 };
const logRatio = (x: Float64Array, n: number, z: number) => Float64Array.from(x.subarray(0, n), (v) => g(z) + z * v);

describe("LRE per-z normalisation", () => {
  const norm = estimateLreNormalization({ logRatio, calibration, zRange: [0, Math.PI / 2], gridSize: 33 });

  it("estimates log E_q[r̂(·, z)] on the grid: equal to the closed form at every grid point", () => {
    expect(norm.logMeanRatio).toHaveLength(33);
    norm.logMeanRatio.forEach((v, j) => {
      expect(v).toBeCloseTo(exact((j * Math.PI) / 2 / 32), 12);
    });
  });

  it("interpolates between grid points (value to 1e-7, z-derivative to 1e-4 of the closed form)", () => {
    for (let k = 0; k <= 200; k++) {
      const z = (k / 200) * (Math.PI / 2);
      const at = lreNormalizationAt(norm, z);
      expect(Math.abs(at.value - exact(z))).toBeLessThan(1e-7);
      expect(Math.abs(at.derivative - dExact(z))).toBeLessThan(1e-4);
    }
  });

  it("continues linearly with the end slope outside the grid", () => {
    const end = lreNormalizationAt(norm, Math.PI / 2);
    const past = lreNormalizationAt(norm, Math.PI / 2 + 0.1);
    expect(past.derivative).toBe(end.derivative);
    expect(past.value).toBeCloseTo(end.value + 0.1 * end.derivative, 12);
    const before = lreNormalizationAt(norm, -0.05);
    expect(before.value).toBeCloseTo(exact(0) - 0.05 * lreNormalizationAt(norm, 0).derivative, 7);
  });

  it("uses the log-mean-exp without overflow (logits of 800)", () => {
    const big = estimateLreNormalization({
      logRatio: (x, n, z) => Float64Array.from(x.subarray(0, n), (v) => 800 + z * v),
      calibration,
      zRange: [0, 1],
      gridSize: 5,
    });
    expect(big.logMeanRatio[4]).toBeCloseTo(800 + Math.log(Math.cosh(a)), 10);
  });

  it("refuses a non-finite classifier, a bad grid and no calibration events", () => {
    const nan = (_x: Float64Array, n: number) => new Float64Array(n).fill(Number.NaN);
    expect(() => estimateLreNormalization({ logRatio: nan, calibration, zRange: [0, 1] })).toThrow(/not finite/);
    expect(() => estimateLreNormalization({ logRatio, calibration, zRange: [0, 1], gridSize: 4 })).toThrow(
      NsbiInputError,
    );
    expect(() => estimateLreNormalization({ logRatio, calibration, zRange: [1, 0] })).toThrow(/low < high/);
    expect(() =>
      estimateLreNormalization({ logRatio, calibration: { x: new Float64Array(0), n: 0 }, zRange: [0, 1] }),
    ).toThrow(/calibration/);
  });
});
