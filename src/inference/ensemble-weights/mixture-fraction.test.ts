import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { goldenSectionMinimize } from "../../numerics/golden-section.js";
import { fitMixtureFraction, mixtureFractionLogLikelihood } from "./mixture-fraction.js";

/** n1 events with r = r1 and n2 with r = r2: the score n1 a1/(1 + κa1) + n2 a2/(1 + κa2) = 0 is linear in κ. */
function twoValued(n1: number, r1: number, n2: number, r2: number) {
  const a1 = r1 - 1,
    a2 = r2 - 1;
  const kappa = -(n1 * a1 + n2 * a2) / ((n1 + n2) * a1 * a2);
  const info = (n1 * a1 * a1) / (1 + kappa * a1) ** 2 + (n2 * a2 * a2) / (1 + kappa * a2) ** 2;
  const logRatio = [...Array(n1).fill(Math.log(r1)), ...Array(n2).fill(Math.log(r2))];
  return { kappa, sigma: 1 / Math.sqrt(info), logRatio };
}

describe("fitMixtureFraction", () => {
  it.each([
    [30, 3, 70, 0.5], // κ̂ inside (0, 1)
    [5, 3, 95, 0.5], // κ̂ < 0: the unconstrained maximum
    [90, 4, 10, 0.2], // κ̂ > 1
  ])("matches the closed form of a two-valued ratio (%i × r=%f, %i × r=%f)", (n1, r1, n2, r2) => {
    const t = twoValued(n1, r1, n2, r2);
    const fit = fitMixtureFraction(t.logRatio);
    expect(fit.kappa).toBeCloseTo(t.kappa, 10);
    expect(fit.sigmaStatistical).toBeCloseTo(t.sigma, 10);
  });

  it("agrees with a golden-section maximisation and a finite-difference curvature on random ratios", () => {
    const rng = new Rng(1);
    const logRatio = Float64Array.from({ length: 3000 }, () => 1.5 * rng.normal() - 0.3);
    const fit = fitMixtureFraction(logRatio);
    const nll = (k: number) => -mixtureFractionLogLikelihood(logRatio, k);
    const brute = goldenSectionMinimize(nll, -0.5, 1.5, 1e-10);
    expect(fit.kappa).toBeCloseTo(brute.x, 7);
    expect(fit.logLikelihood).toBeCloseTo(-brute.value, 8);
    const h = 1e-4;
    const curvature = (nll(fit.kappa + h) - 2 * nll(fit.kappa) + nll(fit.kappa - h)) / (h * h);
    expect(fit.sigmaStatistical).toBeCloseTo(1 / Math.sqrt(curvature), 5);
  });

  it("reports a likelihood without a finite maximum", () => {
    expect(() => fitMixtureFraction([-1, -2, -0.5])).toThrow(NsbiInputError);
    expect(() => fitMixtureFraction([-1, -2, -0.5])).toThrow(/no finite maximum/);
    expect(() => fitMixtureFraction([0, 0])).toThrow(/no information/);
    expect(() => fitMixtureFraction([1, 1000])).toThrow(/event 1/);
  });
});
