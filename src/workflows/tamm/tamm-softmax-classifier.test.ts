import { beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import type { Gaussian2 } from "../ensemble-study/two-gaussian-toy.js";
import { gaussian2LogDensityInRegion, sampleGaussian2InRegion, TAMM_TOY_TRUTH } from "./gaussian-tamm-toy.js";
import {
  type TammSoftmaxClassifier,
  trainTammSoftmaxClassifier,
  type TrainTammSoftmaxClassifierOptions,
} from "./tamm-softmax-classifier.js";

/** K = 2 signal then K = 2 background templates: four distinct Gaussians truncated to [−2, 2]². */
const CLASSES: Gaussian2[] = [
  TAMM_TOY_TRUTH.signal,
  { mean: [0.8, -0.5], covariance: [0.6, 0.2, 0.2, 0.8] },
  TAMM_TOY_TRUTH.background,
  { mean: [-1, -0.5], covariance: [1.5, -0.5, -0.5, 2] },
];

/** Exact ln 𝔰_c(x) − ln((1/C) Σ_c' 𝔰_c'(x)) from the truncated densities, per class. */
function exactLogRatios(x: Float64Array): Float64Array[] {
  const logs = CLASSES.map((g) => gaussian2LogDensityInRegion(g, x)),
    n = x.length / 2,
    c = CLASSES.length;
  return logs.map((l) =>
    Float64Array.from({ length: n }, (_, r) => {
      const mix = Math.log(logs.reduce((s, lc) => s + Math.exp(lc[r]), 0) / c);
      return l[r] - mix;
    }),
  );
}

describe("trainTammSoftmaxClassifier", () => {
  // unequal class sizes on purpose: the class-prior correction must bring q back to the equal mixture
  const counts = [4000, 1500, 3000, 2000];
  const rng = new Rng(21);
  const templates = CLASSES.map((g, c) => sampleGaussian2InRegion(g, counts[c], rng));
  // held-out events from the equal mixture q (500 from each class)
  const heldOut = new Float64Array(2 * 2000);
  CLASSES.forEach((g, c) => {
    heldOut.set(sampleGaussian2InRegion(g, 500, rng), 2 * 500 * c);
  });
  const exact = exactLogRatios(heldOut);
  let clf: TammSoftmaxClassifier;
  beforeAll(() => {
    // the authors' set-up (4 members, leaky ReLU, Adam 1e-3, patience 10) on a smaller 2 × 32 network with
    // batches of 256: with a few thousand events per class, 4096 would leave ~2 steps per epoch
    clf = trainTammSoftmaxClassifier({
      templates,
      xDim: 2,
      hidden: [32, 32],
      batchSize: 256,
      seed: 5,
    });
  });

  /** RMS and mean of learned − exact over the rows [from, to), and the spread (standard deviation) of exact. */
  const compare = (l: Float64Array, e: Float64Array, from: number, to: number, map = (v: number) => v) => {
    const n = to - from;
    let mean = 0,
      bias = 0;
    for (let r = from; r < to; r++) {
      mean += map(e[r]) / n;
      bias += (map(l[r]) - map(e[r])) / n;
    }
    let spread = 0,
      err = 0;
    for (let r = from; r < to; r++) {
      spread += (map(e[r]) - mean) ** 2 / n;
      err += (map(l[r]) - map(e[r])) ** 2 / n;
    }
    return { rms: Math.sqrt(err), bias, spread: Math.sqrt(spread) };
  };

  // Bounds: with a few thousand events per class, a 2 × 32 network's log-ratios are within ~0.06–0.09 of the
  // exact ones where the template has its events, i.e. up to ~20% of the flattest column's spread (0.33, the
  // signal N(0, I)); 30% leaves room for the seed. In the far tails of a narrow template (ln 𝔰_c/q ≈ −8, no
  // training events) no classifier is accurate, so the log-ratios are compared on the template's own events
  // and the ratios 𝔰_c/q (which the TAMM likelihood sums) on events of the whole mixture.
  it("learns ln 𝔰_c/q_mix where template c has its events (RMS < 30% of the spread, no offset)", () => {
    const learned = clf.tammColumns(heldOut, 2000),
      cols = [...learned.signal, ...learned.background];
    expect(learned.signal).toHaveLength(2);
    cols.forEach((l, c) => {
      const { rms, bias, spread } = compare(l, exact[c], 500 * c, 500 * (c + 1));
      expect(rms, `class ${c}`).toBeLessThan(0.3 * spread);
      // without the class-prior correction the columns would be offset by log(n_c / mean n) = +0.42, −0.56,
      // +0.13, −0.27
      expect(Math.abs(bias), `class ${c}`).toBeLessThan(0.1);
    });
  });

  it("learns the ratios 𝔰_c/q_mix on events of the whole mixture (RMS < 30% of the spread)", () => {
    const learned = clf.tammColumns(heldOut, 2000);
    [...learned.signal, ...learned.background].forEach((l, c) => {
      const { rms, spread } = compare(l, exact[c], 0, 2000, Math.exp);
      expect(rms, `class ${c}`).toBeLessThan(0.3 * spread);
    });
  });

  it("each member's columns satisfy (1/C) Σ_c exp(ln 𝔰_c/q) = 1; the TAMM columns are the member mean", () => {
    const members = clf.memberColumns(heldOut, 2000),
      mean = clf.tammColumns(heldOut, 2000);
    expect(members).toHaveLength(4);
    for (const m of members) {
      const all = [...m.signal, ...m.background];
      for (let r = 0; r < 2000; r++) {
        const s = all.reduce((a, col) => a + Math.exp(col[r]), 0) / 4;
        expect(s).toBeCloseTo(1, 12);
      }
    }
    let maxDiff = 0;
    for (const part of ["signal", "background"] as const)
      for (let k = 0; k < 2; k++)
        for (let r = 0; r < 2000; r++) {
          const a = members[0][part][k][r],
            b = members[1][part][k][r];
          expect(mean[part][k][r]).toBeCloseTo(members.reduce((s, m) => s + m[part][k][r], 0) / 4, 12);
          maxDiff = Math.max(maxDiff, Math.abs(a - b));
        }
    // the members train on different bootstraps from different initial weights
    expect(maxDiff).toBeGreaterThan(1e-2);
  });

  it("reaches the exact cross-entropy on held-out events (within sampling noise)", () => {
    // the Bayes-optimal mean −log p(c | x) under the training class fractions, estimated on the held-out events
    const total = counts.reduce((a, b) => a + b, 0),
      logPrior = counts.map((n) => Math.log(n / total)),
      logs = CLASSES.map((g) => gaussian2LogDensityInRegion(g, heldOut));
    let optimum = 0,
      weight = 0;
    for (let r = 0; r < 2000; r++) {
      const c = Math.floor(r / 500),
        w = counts[c] / 500; // reweight the equal held-out classes to the training fractions
      const lse = Math.log(logs.reduce((s, l, j) => s + Math.exp(l[r] + logPrior[j]), 0));
      optimum += w * (lse - logs[c][r] - logPrior[c]);
      weight += w;
    }
    optimum /= weight;
    for (const h of clf.histories) {
      expect(h.epochs).toBeGreaterThan(1);
      // sampling error of either estimate (~1000 validation rows, 2000 held-out events) is ~0.03
      expect(Math.abs(h.bestValidationLoss - optimum)).toBeLessThan(0.1);
    }
  });
});

describe("trainTammSoftmaxClassifier: determinism and input checks", () => {
  const small = (seed: number): TrainTammSoftmaxClassifierOptions => {
    const rng = new Rng(3);
    return {
      templates: [sampleGaussian2InRegion(CLASSES[0], 200, rng), sampleGaussian2InRegion(CLASSES[2], 200, rng)],
      xDim: 2,
      members: 2,
      hidden: [8],
      maxEpochs: 3,
      seed,
    };
  };
  const probe = Float64Array.from({ length: 20 }, (_, i) => Math.sin(i));

  it("the same seed gives identical columns; another seed does not", () => {
    const a = trainTammSoftmaxClassifier(small(1)).tammColumns(probe, 10),
      b = trainTammSoftmaxClassifier(small(1)).tammColumns(probe, 10),
      c = trainTammSoftmaxClassifier(small(2)).tammColumns(probe, 10);
    expect(b).toEqual(a);
    expect(c.signal[0]).not.toEqual(a.signal[0]);
  });

  it("refuses bad input with an NsbiInputError naming the option", () => {
    const ok = small(1);
    const cases: [Partial<TrainTammSoftmaxClassifierOptions>, RegExp][] = [
      [{ templates: [ok.templates[0]] }, /templates must hold C = 2K/],
      [{ templates: [ok.templates[0], new Float64Array(0)] }, /templates\[1\] has 0 rows/],
      [{ templates: [ok.templates[0], new Float64Array(7)] }, /templates\[1\] has 7 values, not whole rows/],
      [{ templates: [ok.templates[0], Float64Array.from([0, 0, 1, Number.NaN])] }, /templates\[1\] holds NaN/],
      [{ xDim: 0 }, /xDim must be an integer/],
      [{ members: 0 }, /members must be an integer in \[1, 100\]/],
      [{ hidden: [0] }, /hidden\[0\]/],
      [{ hidden: [] }, /hidden must list/],
      [{ batchSize: 1e9 }, /batchSize/],
      [{ patience: 0 }, /patience/],
      [{ maxEpochs: 1.5 }, /maxEpochs/],
      [{ learningRate: -1 }, /learningRate/],
      [{ validationFraction: 1 }, /validationFraction/],
      [{ activation: "none" }, /activation must be one of relu, tanh, elu, leaky_relu/],
      [{ seed: Number.NaN }, /seed/],
    ];
    for (const [change, message] of cases) {
      const run = () => trainTammSoftmaxClassifier({ ...ok, ...change });
      expect(run).toThrow(NsbiInputError);
      expect(run).toThrow(message);
    }
  });

  it("evaluation refuses events of the wrong shape or non-finite values", () => {
    const clf = trainTammSoftmaxClassifier({ ...small(1), members: 1, maxEpochs: 1 });
    expect(() => clf.tammColumns(new Float64Array(5), 3)).toThrow(/x must be a Float64Array of 3 × 2 values/);
    expect(() => clf.tammColumns(Float64Array.from([0, Number.POSITIVE_INFINITY]), 1)).toThrow(/x\[1\] is Infinity/);
    expect(clf.tammColumns(new Float64Array(0), 0).signal[0]).toHaveLength(0);
  });
});
