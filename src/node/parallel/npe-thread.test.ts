// Runs against the build (dist/), because the worker thread loads compiled JavaScript.
import { describe, expect, test } from "vitest";
import type * as Nsbi from "../../node.js";

const nsbi = (await import(new URL("../../../dist/node.js", import.meta.url).href)) as typeof Nsbi;
const { BoxUniform, NPE, NpeThread, Rng, enableThreads, twoThreadTraining } = nsbi;

function data(n: number, seed: number) {
  const prior = new BoxUniform([-1, -1, -1], [1, 1, 1]);
  const rng = new Rng(seed);
  const theta = prior.sample(n, rng);
  const x = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    x[2 * i] = theta[3 * i] + theta[3 * i + 1] + 0.1 * rng.normal();
    x[2 * i + 1] = theta[3 * i + 2] * theta[3 * i] + 0.1 * rng.normal();
  }
  return { prior, theta, x };
}

describe("two threads", () => {
  const { prior, theta, x } = data(3000, 1);
  const train = (helper?: typeof twoThreadTraining) => {
    const npe = new NPE({ prior, estimator: "maf", transforms: 3, hiddenFeatures: 24, kernels: "wasm-simd" });
    const h = npe.appendSimulations(theta, x).train({ seed: 2, maxEpochs: 8, batchSize: 128, helper });
    return { npe, h };
  };

  test("data-parallel training is reproducible and learns like one thread", () => {
    const a = train(twoThreadTraining), b = train(twoThreadTraining), one = train();
    expect(a.h.validationLoss).toEqual(b.h.validationLoss);
    expect(a.npe.metadata!.threads).toBe(2);
    // same batches and initial weights: losses agree up to float summation order
    for (let e = 0; e < 8; e++) expect(Math.abs(a.h.validationLoss[e] - one.h.validationLoss[e])).toBeLessThan(0.05);
    expect(a.h.validationLoss[7]).toBeLessThan(a.h.validationLoss[0] - 0.3);
  });

  test("log-prob over two threads equals one thread exactly; sampling is seeded", () => {
    const { npe } = train();
    const posterior = npe.buildPosterior();
    const n = 20_000, xo = Float32Array.of(0.3, -0.2);
    const th = prior.sample(n, new Rng(7));
    const single = posterior.logProb(th, xo);
    const s1 = posterior.sample(n, xo, { seed: 4 });
    const stop = enableThreads(posterior);
    try {
      expect(posterior.executor).toBeInstanceOf(NpeThread);
      expect(posterior.logProb(th, xo)).toEqual(single);
      const a = posterior.sample(n, xo, { seed: 4 }), b = posterior.sample(n, xo, { seed: 4 });
      expect(a).toEqual(b);
      // the halves use other random streams than one thread, but the same distribution
      for (let j = 0; j < 3; j++) {
        let m1 = 0, m2 = 0;
        for (let i = 0; i < n; i++) { m1 += s1[3 * i + j]; m2 += a[3 * i + j]; }
        expect(Math.abs(m1 / n - m2 / n)).toBeLessThan(0.03);
      }
    } finally { stop(); }
  });
});
