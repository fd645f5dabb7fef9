// Runs against the build (dist/), because the worker thread loads compiled JavaScript.
import { describe, expect, test } from "vitest";
import type * as Nsbi from "../../node.js";
import type { NpeThread as NpeThreadType } from "./npe-thread.js";

const nsbi = (await import(new URL("../../../dist/node.js", import.meta.url).href)) as typeof Nsbi;
const { BoxUniform, NPE, Rng, enableThreads, twoThreadTraining } = nsbi;
// from the build's own module (the package entry that re-exports it may change)
const { NpeThread } = (await import(
  new URL("../../../dist/node/parallel/npe-thread.js", import.meta.url).href
)) as typeof import("./npe-thread.js");
const { twoThreadsPay } = (await import(
  new URL("../../../dist/node/parallel/threads.js", import.meta.url).href
)) as typeof import("./threads.js");
type Factory = typeof twoThreadTraining;

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

/** A two-thread factory like twoThreadTraining that keeps its NpeThread for inspection. */
function inspectable(options: { useWorker: boolean; waitForWorker: boolean }) {
  const threads: NpeThreadType[] = [];
  const factory: Factory = (network, theta, x, trainRows, validationRows, batchRows) => {
    const thread = new NpeThread(network, { useWorker: options.useWorker });
    threads.push(thread);
    if (options.waitForWorker) thread.waitForWorker();
    const helper = thread.trainingHelper(theta, x, trainRows, validationRows, batchRows);
    return {
      ...helper,
      close() {
        helper.close();
        thread.close();
      },
      params: helper.params,
      grads: helper.grads,
    };
  };
  return { factory, threads };
}

describe("two threads", () => {
  const { prior, theta, x } = data(3000, 1);
  const train = (helper?: Factory, maxEpochs = 8) => {
    const npe = new NPE({ prior, estimator: "maf", transforms: 3, hiddenFeatures: 24, kernels: "wasm-simd" });
    const h = npe.appendSimulations(theta, x).train({ seed: 2, maxEpochs, batchSize: 128, helper });
    return { npe, h };
  };
  const weights = (npe: InstanceType<typeof NPE>) => npe.buildPosterior().network.store.snapshot();

  test("data-parallel training is reproducible and learns like one thread", () => {
    const split = inspectable({ useWorker: true, waitForWorker: false }).factory;
    const a = train(split),
      b = train(split),
      one = train();
    expect(a.h.validationLoss).toEqual(b.h.validationLoss);
    expect(a.npe.metadata!.threads).toBe(2);
    // same batches and initial weights: losses agree up to float summation order
    for (let e = 0; e < 8; e++) expect(Math.abs(a.h.validationLoss[e] - one.h.validationLoss[e])).toBeLessThan(0.05);
    expect(a.h.validationLoss[7]).toBeLessThan(a.h.validationLoss[0] - 0.3);
  });

  test("training gives identical results whether the second halves ran on the worker or on the calling thread", () => {
    const never = inspectable({ useWorker: false, waitForWorker: false });
    const always = inspectable({ useWorker: true, waitForWorker: true });
    const lazy = inspectable({ useWorker: true, waitForWorker: false });
    const a = train(never.factory, 3),
      b = train(always.factory, 3),
      c = train(lazy.factory, 3);
    const [tn] = never.threads,
      [ta] = always.threads,
      [tl] = lazy.threads;
    expect(tn.workerState).toBe("closed");
    expect(tn.shares.worker).toBe(0);
    expect(tn.shares.callingThread).toBeGreaterThan(50);
    expect(ta.shares.callingThread).toBe(0);
    expect(ta.shares.worker).toBe(tn.shares.callingThread);
    expect(b.h.trainLoss).toEqual(a.h.trainLoss);
    expect(b.h.validationLoss).toEqual(a.h.validationLoss);
    expect(weights(b.npe)).toEqual(weights(a.npe));
    // as twoThreadTraining: the worker starts in the background and the first shares run here
    expect(tl.shares.callingThread).toBeGreaterThan(0);
    expect(tl.shares.callingThread + tl.shares.worker).toBe(tn.shares.callingThread);
    expect(c.h.validationLoss).toEqual(a.h.validationLoss);
    expect(weights(c.npe)).toEqual(weights(a.npe));
    // and the halves are a real split: one thread sums in another order
    expect(train(undefined, 3).h.validationLoss).not.toEqual(a.h.validationLoss);
  });

  test("twoThreadTraining gives a training too small to pay for a second thread one thread", () => {
    const small = train(twoThreadTraining, 3),
      one = train(undefined, 3);
    const weightsCount = small.npe.buildPosterior().network.store.total;
    expect(twoThreadsPay(weightsCount, 2700, 128)).toBe(false);
    expect(small.h.validationLoss).toEqual(one.h.validationLoss);
    // the T2K tune network's sizes (20,084 weights, 171,747 rows, batch 512) get two threads
    expect(twoThreadsPay(20_084, 154_572, 512)).toBe(true);
    expect(twoThreadsPay(20_084, 154_572, 128)).toBe(false);
  });

  test("small calls start no worker; log-prob over two threads equals one thread; sampling is seeded and independent of the worker", () => {
    const { npe } = train();
    const posterior = npe.buildPosterior();
    const n = 20_000,
      xo = Float32Array.of(0.3, -0.2);
    const th = prior.sample(n, new Rng(7));
    const single = posterior.logProb(th, xo);
    const s1 = posterior.sample(n, xo, { seed: 4 }),
      small1 = posterior.sample(1000, xo, { seed: 4 });

    // a worker that never runs: the reference for the two-thread results
    posterior.executor = new NpeThread(posterior.network, { useWorker: false });
    const reference = posterior.sample(n, xo, { seed: 4 });
    expect(posterior.logProb(th, xo)).toEqual(single);

    const stop = enableThreads(posterior);
    try {
      const thread = posterior.executor as NpeThreadType;
      expect(thread).toBeInstanceOf(NpeThread);
      // below the split size nothing is started, and the result is one thread's
      expect(posterior.sample(1000, xo, { seed: 4 })).toEqual(small1);
      posterior.logProb(th.subarray(0, 3000), xo);
      expect(thread.workerState).toBe("not started");
      // large calls before the worker runs: same draws as the reference
      expect(posterior.sample(n, xo, { seed: 4 })).toEqual(reference);
      expect(thread.workerState).not.toBe("running");
      // with the worker running, its shares come from the other thread: still the same draws
      thread.waitForWorker();
      const before = thread.shares.worker;
      expect(posterior.logProb(th, xo)).toEqual(single);
      const a = posterior.sample(n, xo, { seed: 4 });
      expect(thread.shares.worker).toBeGreaterThan(before + 1);
      expect(a).toEqual(reference);
      // the halves use other random streams than one thread, but the same distribution
      expect(a).not.toEqual(s1);
      for (let j = 0; j < 3; j++) {
        let m1 = 0,
          m2 = 0;
        for (let i = 0; i < n; i++) {
          m1 += s1[3 * i + j];
          m2 += a[3 * i + j];
        }
        expect(Math.abs(m1 / n - m2 / n)).toBeLessThan(0.03);
      }
    } finally {
      stop();
    }
  });
});
