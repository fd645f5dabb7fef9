// runMcmc's optional onProgress: it reports chain iterations done, never decreasing, ending at the
// total chains × (warmup + ⌈numSamples / chains⌉ × thin), and the draws are bit-identical with or
// without it. The count comes from the samplers' onIteration hooks (one call per iteration, checked
// below against the potential calls that the iterations need), thinned to one report per 1 % of the
// total.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { BoxUniform } from "../../flows/priors/box-uniform.js";
import { setWarningHandler, type WarningHandler } from "../../logging.js";
import { type HmcOptions, runHmc } from "./hmc.js";
import { CountedPotential } from "./potential.js";
import { type McmcMethod, type McmcOptions, runMcmc } from "./run-mcmc.js";
import { runSliceSampler, type SliceSamplerOptions } from "./slice-sampler.js";
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
// one report each time the count reaches another multiple of ⌈508 / 100⌉ = 6
const STEP = 6;

const bytes = (a: Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe("runMcmc onProgress", () => {
  for (const [method, transform] of [
    ["slice", true],
    ["slice", false],
    ["hmc", true],
    ["hmc", false],
    ["nuts", true],
    ["nuts", false],
  ] as const)
    test(`${method}${transform ? "" : " (no transform)"}: monotone, ends at the total, draws unchanged`, () => {
      const calls: [number, number][] = [];
      const withProgress = runMcmc({ ...options(method, transform), onProgress: (d, t) => calls.push([d, t]) });
      const without = runMcmc(options(method, transform));
      expect(bytes(withProgress.samples)).toEqual(bytes(without.samples));
      expect(bytes(withProgress.chains)).toEqual(bytes(without.chains));
      expect(withProgress.diagnostics.potentialEvaluations).toBe(without.diagnostics.potentialEvaluations);
      expect(withProgress.diagnostics.stepSize).toBe(without.diagnostics.stepSize);
      expect(calls.length).toBeGreaterThan(2);
      expect(calls[0]).toEqual([0, TOTAL]);
      expect(calls.at(-1)).toEqual([TOTAL, TOTAL]);
      for (let k = 1; k < calls.length; k++) {
        expect(calls[k][1]).toBe(TOTAL);
        expect(calls[k][0]).toBeGreaterThanOrEqual(calls[k - 1][0]);
      }
      const during = calls.slice(1, -1).map(([d]) => d);
      const expected: number[] = [];
      if (method === "slice")
        // chains finish their sweeps one at a time: every multiple of 6 below 508 is reached exactly
        for (let d = STEP; d < TOTAL; d += STEP) expected.push(d);
      // the 4 chains move in lockstep (4, 8, 12, ...): the first multiple of 4 at or past each
      // multiple of 6 is 8, 12, 20, 24, 32, 36, ...: the multiples of 4 that are 0 or 8 mod 12
      else for (let d = 4; d < TOTAL; d += 4) if (d % 12 === 0 || d % 12 === 8) expected.push(d);
      expect(during).toEqual(expected);
    });

  test("a run shorter than 100 iterations reports every iteration but the last", () => {
    const calls: number[] = [];
    // 2 chains × (5 + 10 × 1) = 30 iterations: the 1 % step is 1
    runMcmc({
      ...options("nuts"),
      chains: 2,
      warmup: 5,
      thin: 1,
      numSamples: 20,
      onProgress: (d) => calls.push(d),
    });
    expect(calls).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]);
  });

  test("refuses an onProgress that is not a function", () => {
    expect(() => runMcmc({ ...options("slice"), onProgress: 3 as never })).toThrow(NsbiInputError);
  });
});

describe("the samplers' onIteration hook", () => {
  const C = 4,
    D = 3,
    warmup = 25,
    drawsPerChain = 10,
    thin = 2,
    perChain = warmup + drawsPerChain * thin;
  const start = () => Float64Array.from([0.5, -1, 0, 0, 0, 0, 1, -2, 0.3, -0.5, 0, -0.2]);

  /** The hook's arguments, and the potential calls made before each, over one run. */
  function record(run: (potential: CountedPotential, onIteration?: (done: number) => void) => Float64Array) {
    const potential = new CountedPotential(gauss);
    const done: number[] = [],
      callsBefore: number[] = [];
    const draws = run(potential, (d) => {
      done.push(d);
      callsBefore.push(potential.calls);
    });
    return { done, callsBefore, calls: potential.calls, draws, plain: run(new CountedPotential(gauss)) };
  }

  for (const nutsMaxTreeDepth of [0, 6])
    test(`${nutsMaxTreeDepth > 0 ? "NUTS" : "HMC"}: once per lockstep iteration, after its trajectories`, () => {
      const r = record((potential, onIteration) => {
        const o: HmcOptions = {
          potential,
          theta: start(),
          chains: C,
          warmup,
          drawsPerChain,
          thin,
          targetAcceptance: 0.9,
          integrationTime: 1.5,
          maxLeapfrogSteps: 64,
          nutsMaxTreeDepth,
          initialInverseMass: Float64Array.from([1, 1, 1]),
          rng: new Rng(3),
          onIteration,
        };
        return runHmc(o).draws;
      });
      expect(bytes(r.draws)).toEqual(bytes(r.plain));
      expect(r.done).toEqual(Array.from({ length: perChain }, (_, t) => (t + 1) * C));
      // every iteration makes at least one gradient call before its report, none follow the last
      for (let t = 1; t < perChain; t++) expect(r.callsBefore[t]).toBeGreaterThan(r.callsBefore[t - 1]);
      expect(r.callsBefore.at(-1)).toBe(r.calls);
    });

  test("slice: once per chain sweep, never ahead of the potential calls a sweep needs", () => {
    const r = record((potential, onIteration) => {
      const theta = start(),
        logDensity = new Float64Array(C);
      potential.logDensity(theta, C, logDensity);
      const o: SliceSamplerOptions = {
        potential,
        theta,
        logDensity,
        chains: C,
        warmup,
        drawsPerChain,
        thin,
        initialWidth: Float64Array.from([1, 1, 1]),
        maxStepsOut: 32,
        rng: new Rng(3),
        onIteration,
      };
      return runSliceSampler(o).draws;
    });
    expect(bytes(r.draws)).toEqual(bytes(r.plain));
    expect(r.done).toEqual(Array.from({ length: C * perChain }, (_, k) => k + 1));
    // a sweep updates D coordinates, each needing at least one call (after the start's one call):
    // after P calls no chain has finished more than ⌊(P − 1) / D⌋ sweeps
    for (let k = 0; k < r.done.length; k++)
      expect(r.done[k]).toBeLessThanOrEqual(C * Math.floor((r.callsBefore[k] - 1) / D));
    // the reports follow the run (not all at its end), and the last sweep ends with the last call
    expect(r.callsBefore[Math.floor(r.done.length / 4)]).toBeLessThan(r.calls / 2);
    expect(r.callsBefore.at(-1)).toBe(r.calls);
  });
});
