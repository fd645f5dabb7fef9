import { describe, expect, it } from "vitest";
import { NsbiInputError } from "../../errors.js";
import type { Gaussian2 } from "../ensemble-study/two-gaussian-toy.js";
import { geometricMeanGaussian2 } from "./geometric-mean-gaussian2.js";

/** log N(x; g) written out. */
const logN = (g: Gaussian2, x: number, y: number) => {
  const [s11, s12, , s22] = g.covariance,
    det = s11 * s22 - s12 * s12,
    dx = x - g.mean[0],
    dy = y - g.mean[1];
  return (
    -0.5 * ((s22 * dx * dx - 2 * s12 * dx * dy + s11 * dy * dy) / det) - 0.5 * Math.log(det) - Math.log(2 * Math.PI)
  );
};

describe("geometricMeanGaussian2", () => {
  it("Σ w_k log N_k differs from log N_geo by a constant (checked at three points)", () => {
    const gs: Gaussian2[] = [
        { mean: [0.1, -0.2], covariance: [1.1, 0.2, 0.2, 1.1] },
        { mean: [-0.3, 0.1], covariance: [0.8, -0.1, -0.1, 0.8] },
        { mean: [0.2, 0.3], covariance: [1.4, 0.05, 0.05, 1.4] },
      ],
      w = [1.3, -0.6, 0.3],
      geo = geometricMeanGaussian2(gs, w);
    const diff = (x: number, y: number) => gs.reduce((s, g, k) => s + w[k] * logN(g, x, y), 0) - logN(geo, x, y);
    expect(diff(0.7, -1.1)).toBeCloseTo(diff(0, 0), 10);
    expect(diff(-1.5, 0.4)).toBeCloseTo(diff(0, 0), 10);
  });

  it("one Gaussian with weight 1 is itself; a non-positive precision throws", () => {
    const g: Gaussian2 = { mean: [0.5, 1], covariance: [2, 0.3, 0.3, 1] };
    const r = geometricMeanGaussian2([g], [1]);
    for (let i = 0; i < 4; i++) expect(r.covariance[i]).toBeCloseTo(g.covariance[i], 12);
    expect(r.mean[1]).toBeCloseTo(1, 12);
    expect(() => geometricMeanGaussian2([g], [-1])).toThrow(NsbiInputError);
  });
});
