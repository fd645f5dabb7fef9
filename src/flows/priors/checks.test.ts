// Random draws need an explicitly passed, seeded generator: a missing Rng or a non-finite seed is
// a user error (NsbiInputError naming the call), not a raw TypeError/RangeError.
import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { BoxUniform } from "./box-uniform.js";
import { Gaussian } from "./gaussian.js";
import { LogNormal } from "./lognormal.js";
import { MultivariateGaussian } from "./multivariate-gaussian.js";

describe("seeded randomness is checked", () => {
  test.each([NaN, Infinity, -Infinity, "3" as unknown as number, undefined as unknown as number])(
    "new Rng(%s) is an NsbiInputError",
    (seed) => {
      expect(() => new Rng(seed)).toThrow(NsbiInputError);
      expect(() => new Rng(seed)).toThrow(/^Rng: seed must be a finite number, got /);
    },
  );

  const priors = [
    ["BoxUniform", new BoxUniform([0, 0], [1, 1])],
    ["Gaussian", new Gaussian([0], [1])],
    ["LogNormal", new LogNormal([0], [1])],
    [
      "MultivariateGaussian",
      new MultivariateGaussian(
        [0, 0],
        [
          [1, 0],
          [0, 1],
        ],
      ),
    ],
  ] as const;

  test.each(priors)("%s.sample(10) without an Rng is an NsbiInputError naming the call", (name, prior) => {
    const sample = prior.sample.bind(prior) as (n: number, rng?: unknown) => Float32Array;
    expect(() => sample(10)).toThrow(NsbiInputError);
    expect(() => sample(10)).toThrow(
      `${name}.sample: expected a seeded Rng as second argument (e.g. new Rng(0)), got undefined`,
    );
    expect(() => sample(10, 42)).toThrow(`${name}.sample: expected a seeded Rng`);
    // with one, it draws
    expect(sample(10, new Rng(1)).length).toBe(10 * prior.dim);
  });
});
