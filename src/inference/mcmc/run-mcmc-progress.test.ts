// runMcmc's optional onProgress: it reports chain iterations done, never decreasing, ending at the
// total chains × (warmup + ⌈numSamples / chains⌉ × thin), and the draws are bit-identical with or
// without it. For the slice sampler the count tracks the run (it is read off the chains' states).
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { BoxUniform } from "../../flows/priors/box-uniform.js";
import { setWarningHandler, type WarningHandler } from "../../logging.js";
import { type McmcMethod, type McmcOptions, runMcmc } from "./run-mcmc.js";
import { gaussianPotential } from "./test-targets.js";

let previous: WarningHandler;
beforeEach(() => {
  previous = setWarningHandler(() => {});
});
afterEach(() => {
  setWarningHandler(previous);
});

const box = new BoxUniform([-5, -5, -5], [5, 5, 5]);
const gauss = gaussianPotential(
  [0.5, -1, 0],
  [
    [1, 0.5, 0],
    [0.5, 2, 0.3],
    [0, 0.3, 0.5],
  ],
  [-5, -5, -5],
  [5, 5, 5],
);
const options = (method: McmcMethod, transform = true): McmcOptions => ({
  potential: gauss,
  prior: box,
  numSamples: 203, // not a multiple of the chains: 51 draws per chain
  chains: 4,
  warmup: 25,
  thin: 2,
  method,
  transform,
  rng: new Rng(7),
});
// 4 chains × (25 warm-up + 51 draws × thin 2)
const TOTAL = 4 * (25 + 51 * 2);

describe("runMcmc onProgress", () => {
  for (const [method, transform] of [
    ["slice", true],
    ["slice", false],
    ["hmc", true],
    ["nuts", true],
  ] as const)
    test(`${method}${transform ? "" : " (no transform)"}: monotone, ends at the total, draws unchanged`, () => {
      const calls: [number, number][] = [];
      const withProgress = runMcmc({ ...options(method, transform), onProgress: (d, t) => calls.push([d, t]) });
      const without = runMcmc(options(method, transform));
      expect(Buffer.from(withProgress.samples.buffer)).toEqual(Buffer.from(without.samples.buffer));
      expect(Buffer.from(withProgress.chains.buffer)).toEqual(Buffer.from(without.chains.buffer));
      expect(withProgress.diagnostics.potentialEvaluations).toBe(without.diagnostics.potentialEvaluations);
      expect(calls.length).toBeGreaterThanOrEqual(2);
      expect(calls[0]).toEqual([0, TOTAL]);
      expect(calls.at(-1)).toEqual([TOTAL, TOTAL]);
      for (let k = 1; k < calls.length; k++) {
        expect(calls[k][1]).toBe(TOTAL);
        expect(calls[k][0]).toBeGreaterThanOrEqual(calls[k - 1][0]);
      }
      if (method === "slice") {
        // counted along the way, one step per iteration of some chain: the last count before the
        // end is within the chains' last iteration (each chain's final update has no call after it)
        const before = calls.at(-2)![0];
        expect(before).toBeGreaterThanOrEqual(TOTAL - 4);
        expect(calls.length).toBeGreaterThan(TOTAL / 4);
      }
    });

  test("refuses an onProgress that is not a function", () => {
    expect(() => runMcmc({ ...options("slice"), onProgress: 3 as never })).toThrow(NsbiInputError);
  });
});
