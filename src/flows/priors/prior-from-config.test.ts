import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../../errors.js";
import type { PriorConfig } from "./prior.js";
import { priorFromConfig } from "./prior-from-config.js";

const bad = (c: unknown) => () => priorFromConfig(c as PriorConfig, "runs/a/config.json");

describe("priorFromConfig", () => {
  test("builds each prior type with the right dimension", () => {
    expect(priorFromConfig({ type: "box_uniform", low: [-1, -1], high: [1, 1] }, "s").dim).toBe(2);
    expect(priorFromConfig({ type: "gaussian", mean: [0], std: [1] }, "s").dim).toBe(1);
    expect(priorFromConfig({ type: "lognormal", loc: [0, 0, 0], scale: [1, 1, 1] }, "s").dim).toBe(3);
    expect(
      priorFromConfig(
        {
          type: "multivariate_gaussian",
          mean: [0, 0],
          covariance: [
            [1, 0],
            [0, 1],
          ],
        },
        "s",
      ).dim,
    ).toBe(2);
  });

  test("errors are NsbiInputError and name the source", () => {
    const cases: unknown[] = [
      null,
      [1, 2],
      { type: "beta", a: [1] },
      { type: "box_uniform", low: [0, 0], high: [1] },
      { type: "box_uniform", low: [1], high: [0] },
      { type: "box_uniform", low: "0", high: [1] },
      { type: "box_uniform", low: [0, null], high: [1, 1] },
      { type: "gaussian", mean: [0], std: [0] },
      { type: "gaussian", mean: [Infinity], std: [1] },
      { type: "lognormal", loc: [0], scale: [-0.5] },
      {
        type: "multivariate_gaussian",
        mean: [0, 0],
        covariance: [
          [1, 0],
          [0, -1],
        ],
      },
      { type: "multivariate_gaussian", mean: [0, 0], covariance: [1, 0, 0, 1] },
      {
        type: "multivariate_gaussian",
        mean: [0],
        covariance: [
          [1, 0],
          [0, 1],
        ],
      },
    ];
    for (const c of cases) {
      expect(bad(c)).toThrow(NsbiInputError);
      expect(bad(c)).toThrow(/runs\/a\/config\.json/);
    }
    expect(bad({ type: "beta" })).toThrow(/box_uniform, gaussian, multivariate_gaussian, lognormal/);
    expect(bad({ type: "box_uniform", low: [1], high: [0] })).toThrow(/low\[0\] < high\[0\]/);
    expect(bad({ type: "gaussian", mean: [0], std: [0] })).toThrow(/std\[0\] must be > 0/);
    expect(bad({ type: "box_uniform", low: [0, 0], high: [1] })).toThrow(/same length/);
    expect(bad({ type: "gaussian", mean: [Infinity], std: [1] })).toThrow(/mean\[0\] must be a finite number/);
    expect(
      bad({
        type: "multivariate_gaussian",
        mean: [0, 0],
        covariance: [
          [1, 0],
          [0, -1],
        ],
      }),
    ).toThrow(/positive definite/);
  });
});
