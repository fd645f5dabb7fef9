import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { basisValues } from "./basis-values.js";
import { fitEnsembleWeights } from "./fit-ensemble-weights.js";
import { sandwichCovariance } from "./sandwich-covariance.js";

/** 1-D Gaussians n = N(0.5, 1), d = N(0, 1.2²): the exact log ratio is quadratic in x. */
const MU = 0.5,
  SD = 1.2;
const trueLogRatio = (x: number) => -0.5 * (x - MU) ** 2 + (0.5 * x * x) / (SD * SD) + Math.log(SD);

describe("fitEnsembleWeights", () => {
  it("reproduces the closed-form optimum of a histogram (indicator) basis", () => {
    // disjoint indicator basis functions: each weight solves −n_A(1 + e^{−w}) + d_A(1 + e^{w}) = 0,
    // i.e. e^{w_A} = n_A / d_A
    const bins = (xs: number[]) => [xs.map((x) => (x < 0 ? 1 : 0)), xs.map((x) => (x >= 0 ? 1 : 0))];
    const num = [-1, -2, 0.5, 1, 2, 3, 4],
      den = [-1, -3, -0.5, -2, 1, 2];
    const fit = fitEnsembleWeights({ numerator: basisValues(bins(num)), denominator: basisValues(bins(den)) });
    expect(fit.converged).toBe(true);
    expect(fit.weights[0]).toBeCloseTo(Math.log(2 / 4), 9);
    expect(fit.weights[1]).toBeCloseTo(Math.log(5 / 2), 9);
    expect(fit.gradientMaxAbs).toBeLessThanOrEqual(1e-9);
  });

  it("recovers w = (1, 0, 0) when the first basis function is the true log ratio, within its sandwich error", () => {
    const rng = new Rng(5);
    const n = 20_000;
    const xn = Float64Array.from({ length: n }, () => MU + rng.normal()),
      xd = Float64Array.from({ length: n }, () => SD * rng.normal());
    // basis: the exact log ratio, a wrong feature (x) and the constant
    const basis = (xs: Float64Array) => basisValues([xs.map(trueLogRatio), xs.map((x) => x)], { constant: true });
    const data = { numerator: basis(xn), denominator: basis(xd) };
    const fit = fitEnsembleWeights(data);
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThan(30);
    const c = sandwichCovariance(data, fit.weights).covariance;
    const truth = [1, 0, 0];
    for (let j = 0; j < 3; j++) {
      const sigma = Math.sqrt(c[j * 3 + j]);
      expect(sigma).toBeGreaterThan(0);
      expect(sigma).toBeLessThan(0.2);
      expect(Math.abs(fit.weights[j] - truth[j])).toBeLessThan(4 * sigma);
    }
  });

  it("names the collinear network when V is singular", () => {
    const rng = new Rng(3);
    const xs = (m: number) => Float64Array.from({ length: m }, () => rng.normal());
    const basis = (x: Float64Array) => basisValues([x, x.map((v) => v * v), x.map((v) => 2 * v)], { constant: true });
    const data = { numerator: basis(xs(200).map((v) => v + 0.3)), denominator: basis(xs(200)) };
    expect(() => fitEnsembleWeights(data)).toThrow(NsbiInputError);
    expect(() => fitEnsembleWeights(data)).toThrow(/basis function 2 \(network 2\).*collinear/);
  });

  it("reports a fit that has not converged instead of claiming success", () => {
    const rng = new Rng(4);
    const xs = (m: number, s: number) => Float64Array.from({ length: m }, () => s + rng.normal());
    const basis = (x: Float64Array) => basisValues([x, x.map((v) => v * v)], { constant: true });
    const data = { numerator: basis(xs(500, 1)), denominator: basis(xs(500, 0)) };
    const fit = fitEnsembleWeights(data, { maxIterations: 1 });
    expect(fit.converged).toBe(false);
    expect(fit.gradientMaxAbs).toBeGreaterThan(1e-9);
    expect(fit.newtonDecrement).toBeGreaterThan(1e-10);
    expect(fitEnsembleWeights(data).converged).toBe(true);
  });

  it("rejects non-finite network outputs, naming the network and event", () => {
    expect(() =>
      basisValues([
        [0, 1],
        [2, Number.NaN],
      ]),
    ).toThrow(/network 1 gives NaN on event 1/);
  });
});
