import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { gaussian2LogDensityInRegion, TAMM_TOY_TRUTH } from "./gaussian-tamm-toy.js";
import { oracleTammColumns } from "./tamm-oracle-columns.js";
import { logUniformRegionDensity, sampleTammPseudoData, sampleUniformInRegion } from "./tamm-samples.js";

describe("TAMM toy samples", () => {
  it("fixed composition: N_s + N_b rows inside the region, mean x2 = the count-weighted truncated means (4σ)", () => {
    const x = sampleTammPseudoData({ signal: 2000, background: 20000, rng: new Rng(2) });
    expect(x).toHaveLength(2 * 22000);
    let m2 = 0;
    for (let i = 0; i < 22000; i++) {
      expect(Math.abs(x[2 * i]) <= 2 && Math.abs(x[2 * i + 1]) <= 2).toBe(true);
      m2 += x[2 * i + 1] / 22000;
    }
    // truncated signal: mean x2 = 0 by symmetry; truncated background: E[x2 | region] by a 2-D midpoint rule
    const h = 4 / 400,
      det = 9 - 0.16;
    let num = 0,
      den = 0;
    for (let i = 0; i < 400; i++)
      for (let j = 0; j < 400; j++) {
        const a = -2 + (i + 0.5) * h,
          b = -2 + (j + 0.5) * h - 1,
          d = Math.exp((-0.5 * (3 * a * a - 0.8 * a * b + 3 * b * b)) / det);
        num += (b + 1) * d;
        den += d;
      }
    const expected = ((20000 / 22000) * num) / den;
    expect(Math.abs(m2 - expected)).toBeLessThan(4 * (1.2 / Math.sqrt(22000)));
  });

  it("uniform reference covers the region evenly; bad counts are rejected", () => {
    const u = sampleUniformInRegion(40000, new Rng(4));
    let q = 0;
    for (let i = 0; i < 40000; i++) if (u[2 * i] < 0 && u[2 * i + 1] < 0) q++;
    expect(Math.abs(q / 40000 - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / 40000));
    expect(logUniformRegionDensity()).toBeCloseTo(-Math.log(16), 14);
    expect(() => sampleTammPseudoData({ signal: -1, background: 5, rng: new Rng(1) })).toThrow(NsbiInputError);
  });

  it("oracle columns are the region-normalised log densities minus ln q = −ln 16", () => {
    const x = Float64Array.of(0.3, -1.2, 1.5, 1.9),
      cols = oracleTammColumns({ signal: [TAMM_TOY_TRUTH.signal], background: [TAMM_TOY_TRUTH.background] }, x);
    const ls = gaussian2LogDensityInRegion(TAMM_TOY_TRUTH.signal, x);
    expect(cols.signal[0][1]).toBeCloseTo(ls[1] + Math.log(16), 12);
    expect(cols.background).toHaveLength(1);
  });
});
