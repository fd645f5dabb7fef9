import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { MultivariateGaussian } from "../../flows/priors/multivariate-gaussian.js";
import { GaussianLinear } from "./gaussian-linear.js";
import { GaussianLinearUniform } from "./gaussian-linear-uniform.js";

describe.each([new GaussianLinear(), new GaussianLinearUniform()])("$name", (task) => {
  test("x − θ has mean 0 and variance 0.1 in every dimension (within 4 standard errors)", () => {
    const n = 20000,
      rng = new Rng(101),
      theta = task.prior.sample(n, rng),
      x = task.simulate(theta, n, rng);
    expect(x.length).toBe(n * 10);
    for (let j = 0; j < 10; j++) {
      let s = 0,
        s2 = 0;
      for (let i = 0; i < n; i++) {
        const d = x[i * 10 + j] - theta[i * 10 + j];
        s += d;
        s2 += d * d;
      }
      const mean = s / n,
        v = s2 / n - mean * mean;
      expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(0.1 / n));
      expect(Math.abs(v - 0.1)).toBeLessThan(4 * 0.1 * Math.sqrt(2 / n));
    }
    // Dimensions are independent: correlation of the noise in dims 0 and 1 is ~0.
    let c = 0;
    for (let i = 0; i < n; i++) c += (x[i * 10] - theta[i * 10]) * (x[i * 10 + 1] - theta[i * 10 + 1]);
    expect(Math.abs(c / n / 0.1)).toBeLessThan(4 / Math.sqrt(n));
  });

  test("same seed → bit-identical simulations; sbibm names", () => {
    const theta = task.prior.sample(5, new Rng(1));
    expect(task.simulate(theta, 5, new Rng(2))).toEqual(task.simulate(theta, 5, new Rng(2)));
    expect(task.parameterNames[9]).toBe("parameter_10");
    expect(task.observationNames).toHaveLength(10);
    expect(() => task.simulate(theta, 6, new Rng(0))).toThrow(NsbiInputError);
  });
});

test("gaussian_linear prior is N(0, 0.1·I) (covariance 0.1, std √0.1)", () => {
  const p = new GaussianLinear().prior;
  expect(p).toBeInstanceOf(MultivariateGaussian);
  expect(p.std()[3]).toBeCloseTo(Math.sqrt(0.1), 12);
  expect(p.logProb(new Float32Array(10), 1)[0]).toBeCloseTo(-10 * (0.5 * Math.log(2 * Math.PI * 0.1)), 9);
});

test("gaussian_linear_uniform prior is Uniform[-1, 1]^10", () => {
  const p = new GaussianLinearUniform().prior;
  expect(Array.from(p.lower)).toEqual(new Array(10).fill(-1));
  expect(Array.from(p.upper)).toEqual(new Array(10).fill(1));
});
