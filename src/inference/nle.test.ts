import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import type { TrainingCheckpoint } from "../estimators/checkpoint.js";
import { BoxUniform } from "../flows/priors/box-uniform.js";
import { NLE } from "./nle.js";

const prior = new BoxUniform([-1, -1], [1, 1]);

function data(n: number, seed: number) {
  const rng = new Rng(seed),
    theta = prior.sample(n, rng);
  const x = Float32Array.from({ length: n * 3 }, (_, q) => theta[Math.floor(q / 3) * 2 + (q % 2)] + 0.3 * rng.normal());
  return { theta, x };
}

const weights = (nle: NLE) => Buffer.from(nle.network!.store.snapshot().buffer);

describe("NLE training", () => {
  const { theta, x } = data(600, 1);
  const make = () => new NLE({ prior, estimator: "maf", transforms: 2, hiddenFeatures: 8 }).appendSimulations(theta, x);

  test("the same seed gives bit-identical weights; another seed does not", () => {
    const a = make(),
      b = make(),
      c = make();
    a.train({ seed: 3, maxEpochs: 3, batchSize: 50 });
    b.train({ seed: 3, maxEpochs: 3, batchSize: 50 });
    c.train({ seed: 4, maxEpochs: 3, batchSize: 50 });
    expect(weights(a).equals(weights(b))).toBe(true);
    expect(weights(a).equals(weights(c))).toBe(false);
    expect(a.metadata?.epochs).toBe(3);
    expect(a.history?.validationLoss.every(Number.isFinite)).toBe(true);
  });

  test("resuming from a checkpoint ends bit-identical to the uninterrupted run", () => {
    const saved: TrainingCheckpoint[] = [];
    const full = make();
    full.train({
      seed: 5,
      maxEpochs: 4,
      batchSize: 50,
      checkpoint: { intervalSeconds: 0, save: (cp) => saved.push(cp) },
    });
    expect(saved.length).toBe(3);
    const resumed = make();
    const h = resumed.train({ seed: 5, maxEpochs: 4, batchSize: 50, resume: saved[1] });
    expect(h.resumedAfterEpoch).toBe(2);
    expect(weights(resumed).equals(weights(full))).toBe(true);
  });

  test("the trained likelihood is a density in x: it integrates to ~1 over a grid (1-D x)", () => {
    // x ~ N(θ₁, 0.3²) in 1-D; ∫ q(x | θ) dx on a fine grid must be 1 up to the grid error.
    const rng = new Rng(7),
      n = 2000,
      th = prior.sample(n, rng);
    const x1 = Float32Array.from({ length: n }, (_, i) => th[2 * i] + 0.3 * rng.normal());
    const nle = new NLE({ prior, estimator: "nsf", transforms: 2, hiddenFeatures: 16 });
    nle.appendSimulations(th, x1).train({ seed: 1, maxEpochs: 15 });
    const q = nle.buildLikelihood(),
      G = 801,
      lo = -4,
      hi = 4,
      h = (hi - lo) / (G - 1);
    const grid = Float32Array.from({ length: G }, (_, i) => lo + i * h);
    const lq = q.logLikelihood(grid, Float32Array.of(0.4, -0.2), G);
    let mass = 0;
    for (let i = 0; i < G; i++) mass += Math.exp(lq[i]) * h;
    expect(Math.abs(mass - 1)).toBeLessThan(0.01);
  });

  test("bad input is named", () => {
    expect(() => new NLE({})).toThrow(/give a prior or thetaDim/);
    expect(() => new NLE({ prior, thetaDim: 3 })).toThrow(/thetaDim 3 differs/);
    expect(() => new NLE({ prior }).train()).toThrow(/no simulations/);
    const nle = new NLE({ prior }).appendSimulations(theta, x);
    expect(() => nle.appendSimulations(theta, x.subarray(0, 1200))).toThrow(NsbiInputError);
    expect(() => new NLE({ prior }).buildLikelihood()).toThrow(/train first/);
    expect(() => new NLE({ prior, hiddenFeatures: 1e9 }).appendSimulations(theta, x).train({ maxEpochs: 1 })).toThrow(
      /network too large: .*thetaDim 2, xDim 3/,
    );
  });
});
