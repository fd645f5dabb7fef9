import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { decodeCheckpoint, encodeCheckpoint, type TrainingCheckpoint } from "../estimators/checkpoint.js";
import { BoxUniform } from "../flows/priors/box-uniform.js";
import { Gaussian } from "../flows/priors/gaussian.js";
import { NRE, type NreOptions } from "./nre.js";
import { nrePotential } from "./nre-potential.js";
import { NreRatio } from "./nre-ratio.js";

const prior = new Gaussian([0, 0], [1, 1]);
const rng = new Rng(5);
const n = 600;
const theta = prior.sample(n, rng);
// a non-linear simulator with 3 outputs, so the classifier is far from linear in θ
const x = new Float32Array(n * 3);
for (let i = 0; i < n; i++) {
  const a = theta[2 * i],
    b = theta[2 * i + 1];
  x[3 * i] = a + 0.3 * rng.normal();
  x[3 * i + 1] = a * b + 0.3 * rng.normal();
  x[3 * i + 2] = Math.sin(2 * b) + 0.3 * rng.normal();
}

function trained(opts: Partial<NreOptions>, epochs = 3): NreRatio {
  const nre = new NRE({ prior, ...opts });
  nre.appendSimulations(theta, x).train({ seed: 1, maxEpochs: epochs, learningRate: 3e-3, batchSize: 50 });
  return nre.ratio();
}

const classifiers: [string, Partial<NreOptions>][] = [
  ["resnet (sbi's default)", {}],
  ["mlp 3 × 120 (seed 001)", { classifier: "mlp" }],
  ["resnet with an embedding of x", { embedding: [8, 4] }],
];

describe.each(classifiers)("%s", (_, opts) => {
  const ratio = trained(opts);
  const xs = x.slice(0, 5 * 3),
    N = 5,
    M = 4;
  const thetas = Float64Array.from({ length: M * 2 }, () => 1.2 * rng.normal());

  test("the iid sum equals the sum of single log ratios", () => {
    const out = new Float64Array(M);
    ratio.logRatioIid(xs, N, thetas, M, out);
    for (let mm = 0; mm < M; mm++) {
      const th = new Float64Array(N * 2);
      for (let i = 0; i < N; i++) th.set(thetas.subarray(2 * mm, 2 * mm + 2), 2 * i);
      const singles = ratio.logRatio(xs, th, N);
      const sum = singles.reduce((s, v) => s + v, 0);
      expect(Math.abs(out[mm] - sum)).toBeLessThan(1e-5 * (1 + Math.abs(sum)));
      // a single observation shared by every θ row gives the same numbers as repeating it
      const one = ratio.logRatio(xs.subarray(0, 3), thetas.subarray(2 * mm, 2 * mm + 2), 1)[0];
      expect(one).toBe(singles[0]);
    }
  });

  test("the gradient with respect to θ agrees with finite differences", () => {
    const out = new Float64Array(M),
      grad = new Float64Array(M * 2);
    ratio.logRatioIidGradient(xs, N, thetas, M, out, grad);
    const eps = 1e-3,
      tmp = new Float64Array(M);
    let worst = 0,
      kinks = 0;
    for (let q = 0; q < M * 2; q++) {
      const at = (v: number) => {
        const t = thetas.slice();
        t[q] = v;
        ratio.logRatioIid(xs, N, t, M, tmp);
        return tmp[Math.floor(q / 2)];
      };
      const f0 = at(thetas[q]),
        fp = at(thetas[q] + eps),
        fm = at(thetas[q] - eps);
      // a ReLU kink within eps makes the one-sided slopes differ: not comparable
      if (Math.abs((fp - f0) / eps - (f0 - fm) / eps) > 0.2 * Math.max(0.05, Math.abs((fp - fm) / (2 * eps)))) {
        kinks++;
        continue;
      }
      const fd = (fp - fm) / (2 * eps);
      // float32 network: the difference quotient is good to ~1e-3 absolute at this eps
      worst = Math.max(worst, Math.abs(grad[q] - fd) / Math.max(0.05, Math.abs(fd)));
    }
    expect(worst).toBeLessThan(2e-2);
    expect(kinks).toBeLessThan(3);
  });
});

describe("class-prior correction (seed 001, eq. 3)", () => {
  test("an offset of exactly log(n_joint / n_marginal) on the same network", () => {
    const r = trained({}, 1);
    const corrected = new NreRatio(r.network, prior, r.parameterNames, r.loss, { joint: 4.1e6, marginal: 2.9e6 });
    const th = theta.subarray(0, 20),
      xx = x.subarray(0, 30);
    const a = r.logRatio(xx, th, 10),
      b = corrected.logRatio(xx, th, 10);
    for (let i = 0; i < 10; i++) expect(b[i]).toBeCloseTo(a[i] - Math.log(4.1 / 2.9), 12);
    const iid = new Float64Array(1),
      iidC = new Float64Array(1);
    r.logRatioIid(xx, 10, th.subarray(0, 2), 1, iid);
    corrected.logRatioIid(xx, 10, th.subarray(0, 2), 1, iidC);
    expect(iidC[0]).toBeCloseTo(iid[0] - 10 * Math.log(4.1 / 2.9), 10);
  });

  test("unbalanced training classes: x independent of θ, one joint pair against 3 contrastive pairs", () => {
    // The true ratio is 1 everywhere. A BCE classifier on classes 1 : 3 converges to the constant
    // logit log(1/3) = −1.0986 (the Bayes-optimal one for these priors), so the uncorrected log
    // ratio is −1.10 and the corrected one 0. 3,000 pairs fix a constant logit to about ±0.04
    // (binomial error of the class frequency); 0.15 allows for what a 50-unit network adds.
    const r2 = new Rng(8),
      N = 3000;
    const t = prior.sample(N, r2),
      xi = Float32Array.from({ length: N }, () => r2.normal());
    const meanLogRatio = (classPriorCorrection: boolean) => {
      const nre = new NRE({ prior, loss: "nre-a", numClasses: 3, classPriorCorrection });
      nre.appendSimulations(t, xi).train({ seed: 2, maxEpochs: 6, learningRate: 1e-3 });
      const probe = prior.sample(500, r2),
        px = Float32Array.from({ length: 500 }, () => r2.normal());
      const l = nre.ratio().logRatio(px, probe, 500);
      return l.reduce((s, v) => s + v, 0) / 500;
    };
    expect(Math.abs(meanLogRatio(true))).toBeLessThan(0.15);
    expect(Math.abs(meanLogRatio(false) + Math.log(3))).toBeLessThan(0.15);
  });
});

describe("MCMC potential", () => {
  const ratio = trained({}, 1);
  const xo = x.subarray(0, 6); // two iid observations

  test("log r summed over the observations plus log p(θ); gradient against finite differences", () => {
    const pot = nrePotential({ ratio, observations: xo });
    const th = Float64Array.of(0.3, -0.2, 1.1, 0.4, -2, 0.5);
    const out = new Float64Array(3),
      lr = new Float64Array(3);
    pot.logDensity(th, 3, out);
    ratio.logRatioIid(xo, 2, th, 3, lr);
    const lp = prior.logProb(th, 3);
    for (let i = 0; i < 3; i++) expect(out[i]).toBeCloseTo(lr[i] + lp[i], 10);
    const ld = new Float64Array(3),
      g = new Float64Array(6);
    pot.gradient!(th, 3, ld, g);
    for (let i = 0; i < 3; i++) expect(ld[i]).toBeCloseTo(out[i], 10);
    const eps = 1e-3,
      tmp = new Float64Array(3);
    for (let q = 0; q < 6; q++) {
      const at = (v: number) => {
        const t = th.slice();
        t[q] = v;
        pot.logDensity(t, 3, tmp);
        return tmp[Math.floor(q / 2)];
      };
      const fd = (at(th[q] + eps) - at(th[q] - eps)) / (2 * eps);
      expect(Math.abs(g[q] - fd)).toBeLessThan(0.02 * Math.max(0.2, Math.abs(fd)));
    }
  });

  test("outside a box prior: −Infinity; bad observations are refused", () => {
    const box = new BoxUniform([-1, -1], [1, 1]);
    const pot = nrePotential({ ratio, prior: box, observations: xo });
    const out = new Float64Array(2);
    pot.logDensity(Float64Array.of(0.5, 0.5, 1.5, 0), 2, out);
    expect(Number.isFinite(out[0])).toBe(true);
    expect(out[1]).toBe(-Infinity);
    expect(() => nrePotential({ ratio, observations: xo.subarray(0, 4) })).toThrow(
      /observations: 4 values, expected rows of 3/,
    );
    expect(() => nrePotential({ ratio, observations: Float32Array.of(1, Number.NaN, 0) })).toThrow(/value 1 .* is NaN/);
  });
});

describe("training checkpoints", () => {
  test("a resume after epoch 2 ends bit-identical to an uninterrupted run (the contrastive draws are in the state)", () => {
    const opts = { seed: 4, maxEpochs: 4, learningRate: 1e-3, batchSize: 64 };
    const make = () => new NRE({ prior, loss: "nre-c", numClasses: 2 }).appendSimulations(theta, x);
    const full = make();
    const saved: TrainingCheckpoint[] = [];
    full.train({ ...opts, checkpoint: { intervalSeconds: 0, save: (c) => saved.push(c) } });
    const cp = decodeCheckpoint(encodeCheckpoint(saved[1]), "ckpt");
    const resumed = make();
    resumed.train({ ...opts, resume: cp });
    expect(resumed.network!.store.snapshot()).toEqual(full.network!.store.snapshot());
    // a checkpoint of another loss configuration is refused
    const other = new NRE({ prior, loss: "nre-c", numClasses: 3 }).appendSimulations(theta, x);
    expect(() => other.train({ ...opts, resume: cp })).toThrow(/cannot resume/);
  });
});

describe("bad input", () => {
  const ratio = trained({}, 1);
  test.each([
    [
      "x of the wrong dimension",
      () => ratio.logRatio(Float32Array.of(1, 2), Float64Array.of(0, 0), 1),
      /logRatio: x has 2 values, expected 3 or 1 × 3/,
    ],
    [
      "NaN in x",
      () => ratio.logRatio(Float32Array.of(1, Number.NaN, 0), Float64Array.of(0, 0), 1),
      /logRatio: x: value 1 \(row 0\) is NaN/,
    ],
    [
      "NaN in θ",
      () => ratio.logRatio(Float32Array.of(1, 2, 0), Float64Array.of(0, Number.NaN), 1),
      /logRatio: theta: value 1 \(row 0\) is NaN/,
    ],
    [
      "θ rows that do not fit",
      () => ratio.logRatioIid(Float32Array.of(1, 2, 0), 1, Float64Array.of(0, 0, 1), 2, new Float64Array(2)),
      /has 3 values, expected 2 rows × 2 = 4/,
    ],
    [
      "N that does not fit the observations",
      () => ratio.logRatioIid(Float32Array.of(1, 2, 0), 2, Float64Array.of(0, 0), 1, new Float64Array(1)),
      /observations: has 3 values, expected 2 rows × 3 = 6/,
    ],
  ])("%s", (_, f, message) => {
    expect(f).toThrow(message);
  });
  test("options that cannot work", () => {
    expect(() => new NRE({ prior, loss: "nre-c", gamma: 0 })).toThrow(/gamma must be a positive number, got 0/);
    expect(() => new NRE({ prior, loss: "nre-c", numClasses: 0 })).toThrow(
      /numClasses must be a positive integer, got 0/,
    );
    expect(() => new NRE({ prior, loss: "bnre", numClasses: 3 })).toThrow(/numClasses must be 1/);
    expect(() => new NRE({ prior, loss: "bnre", regularization: -1 })).toThrow(
      /regularization must be a finite number >= 0/,
    );
    expect(() => new NRE({ prior }).ratio()).toThrow(/train first/);
  });
});
