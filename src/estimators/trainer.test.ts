// Training reliability: a diverging loss stops training with an error naming the epoch (instead of
// saving NaN weights), the heap is released even then, a batch larger than the training set is
// capped, and a run resumed from a checkpoint (also through its byte encoding) ends bit-identical
// to the uninterrupted run, while a checkpoint of other options is refused.
import { afterEach, describe, expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import { resolveFlowConfig } from "../flows/flow-config.js";
import { BoxUniform } from "../flows/priors/box-uniform.js";
import { NPE, type NpeOptions } from "../inference/npe.js";
import { createKernels } from "../kernels/select.js";
import { setWarningHandler } from "../logging.js";
import type { BatchHelper } from "./batch-helper.js";
import { decodeCheckpoint, encodeCheckpoint, type TrainingCheckpoint } from "./checkpoint.js";
import { NpeNetwork } from "./npe-network.js";
import { npeLoss } from "./npe-loss.js";
import { splitData, trainLoop, TrainingDivergedError } from "./trainer.js";

/** x = (θ1 + noise, θ2²) from a box prior. */
function simulations(n: number, seed: number): { theta: Float32Array; x: Float32Array } {
  const prior = new BoxUniform([-1, -1], [1, 1]),
    rng = new Rng(seed);
  const theta = prior.sample(n, rng),
    x = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    x[2 * i] = theta[2 * i] + 0.1 * rng.normal();
    x[2 * i + 1] = theta[2 * i + 1] ** 2;
  }
  return { theta, x };
}

const net: NpeOptions = { thetaDim: 2, estimator: "nsf", transforms: 2, hiddenFeatures: 8, bins: 4, kernels: "ts" };
const data = simulations(400, 1);
const npe = (opts: NpeOptions = net) => new NPE(opts).appendSimulations(data.theta, data.x);
const weights = (n: NPE) => {
  const s = n.network!.store;
  return Buffer.from(s.kernels.heap.f32.slice(s.valuesPtr, s.valuesPtr + s.total).buffer);
};

let restoreWarnings: (() => void) | null = null;
afterEach(() => {
  restoreWarnings?.();
  restoreWarnings = null;
});

describe("divergence", () => {
  test("learning rate 1e30: TrainingDivergedError in epoch 1 and no network", () => {
    const n = npe();
    let err: unknown;
    try {
      n.train({ seed: 1, maxEpochs: 3, learningRate: 1e30 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect(err).toBeInstanceOf(NsbiInputError);
    expect((err as TrainingDivergedError).epoch).toBe(1);
    expect((err as Error).message).toMatch(/diverged.*non-finite in epoch 1.*no model was produced.*learning rate/);
    expect(n.network).toBeNull();
  });

  test("the heap is released when training throws", () => {
    const kernels = createKernels("ts");
    const config = {
      thetaDim: 2,
      xDim: 2,
      embedding: null,
      flow: resolveFlowConfig({ estimator: "maf", transforms: 2, hiddenFeatures: 8 }, 2, 2, new Rng(1)),
      standardization: { thetaMean: [0, 0], thetaStd: [1, 1], xMean: [0, 0], xStd: [1, 1] },
    };
    const network = new NpeNetwork(config, kernels);
    network.initialize(new Rng(2));
    const g = network.buildGraph(50, { grad: true });
    const before = kernels.heap.mark(),
      initial = network.store.snapshot();
    const run = (learningRate: number) =>
      trainLoop({
        store: network.store,
        graph: { tape: g.tape, inputs: [g.theta, g.x], output: g.logProb },
        loss: npeLoss,
        data: { columns: [data.theta, data.x], n: 400 },
        options: { batchSize: 50, maxEpochs: 2, learningRate },
        split: splitData(400, 0.1, new Rng(3)),
        shuffleRng: new Rng(4),
      });
    expect(() => run(1e30)).toThrow(TrainingDivergedError);
    expect(kernels.heap.mark()).toBe(before);
    network.store.restore(initial);
    run(1e-3);
    expect(kernels.heap.mark()).toBe(before);
  });
});

test("a batch size above the training rows is capped, with a warning, and trains as that batch size", () => {
  const warnings: string[] = [];
  const previous = setWarningHandler((m) => warnings.push(m));
  restoreWarnings = () => setWarningHandler(previous);
  const big = npe(),
    exact = npe();
  big.train({ seed: 2, maxEpochs: 2, batchSize: 1_000_000 });
  expect(warnings).toEqual(["batch size 1000000 is larger than the 360 training rows; using 360"]);
  expect(big.metadata!.options.batchSize).toBe(360);
  exact.train({ seed: 2, maxEpochs: 2, batchSize: 360 });
  expect(weights(big).equals(weights(exact))).toBe(true);
});

describe("checkpoints and resume", () => {
  const maxEpochs = 6;
  const saved: TrainingCheckpoint[] = [];
  const full = npe();
  full.train({ seed: 5, maxEpochs, batchSize: 64, checkpoint: { intervalSeconds: 0, save: (c) => saved.push(c) } });

  test("one checkpoint after every epoch but the last, with copies of the state", () => {
    expect(saved.map((c) => c.state.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(saved[0].state.values).not.toEqual(saved[1].state.values);
    expect(saved[4].state.trainLoss).toEqual(full.history!.trainLoss.slice(0, 5));
  });

  test.each([1, 3, 5])("resuming after epoch %i (through the byte encoding) is bit-identical", (epoch) => {
    const cp = decodeCheckpoint(encodeCheckpoint(saved[epoch - 1]), "ckpt");
    const resumed = npe();
    const h = resumed.train({ seed: 5, maxEpochs, batchSize: 64, resume: cp });
    expect(h.resumedAfterEpoch).toBe(epoch);
    expect(weights(resumed).equals(weights(full))).toBe(true);
    expect(h.validationLoss).toEqual(full.history!.validationLoss);
    expect(h.steps).toBe(full.history!.steps);
  });

  test("the test can fail: a wrong random state or row order changes the weights", () => {
    const cp = saved[2],
      other = saved[1];
    for (const state of [
      { ...cp.state, shuffleRng: other.state.shuffleRng },
      { ...cp.state, trainOrder: other.state.trainOrder },
    ]) {
      const resumed = npe();
      resumed.train({ seed: 5, maxEpochs, batchSize: 64, resume: { ...cp, state } });
      expect(weights(resumed).equals(weights(full))).toBe(false);
    }
  });

  test("maxEpochs may change on resume (continue a finished budget)", () => {
    const longer = npe(),
      resumed = npe();
    longer.train({ seed: 5, maxEpochs: maxEpochs + 2, batchSize: 64 });
    resumed.train({ seed: 5, maxEpochs: maxEpochs + 2, batchSize: 64, resume: saved[4] });
    expect(weights(resumed).equals(weights(longer))).toBe(true);
  });

  test("a checkpoint of other options, data, network or threads is refused, naming the difference", () => {
    const cp = saved[2];
    const resume =
      (n: NPE, o: Record<string, unknown> = {}) =>
      () =>
        n.train({ seed: 5, maxEpochs, batchSize: 64, resume: cp, resumeSource: "m/training.checkpoint", ...o });
    expect(resume(npe(), { learningRate: 1e-3 })).toThrow(
      /cannot resume from m\/training.checkpoint: it was written with learningRate 0.0005, this run has 0.001/,
    );
    expect(resume(npe(), { seed: 6 })).toThrow(/cannot resume.*seed 5, this run has 6/);
    expect(resume(npe({ ...net, hiddenFeatures: 9 }))).toThrow(/flow hiddenFeatures 8, this run builds 9/);
    const other = simulations(400, 2);
    expect(resume(new NPE(net).appendSimulations(other.theta, other.x))).toThrow(
      /other data \(same shape, different values\)/,
    );
    // a helper that must never be used: the run is refused before the first batch, and the helper closed
    let closed = 0;
    const unused: BatchHelper = {
      setOrder: () => {
        throw new Error("unreachable: refused before training starts");
      },
      params: new Float32Array(0),
      grads: new Float32Array(0),
      start: () => {
        throw new Error("unreachable: refused before training starts");
      },
      finish: () => 0,
      close: () => {
        closed++;
      },
    };
    expect(resume(npe(), { helper: () => unused })).toThrow(/written with 1 thread\(s\), this run uses 2/);
    expect(closed).toBe(1);
  });

  test("a damaged checkpoint file is a format error naming it", () => {
    const bytes = encodeCheckpoint(saved[0]);
    bytes[bytes.length - 3] ^= 1;
    expect(() => decodeCheckpoint(bytes, "m/training.checkpoint")).toThrow(
      /m\/training.checkpoint: .*does not match its SHA-256/,
    );
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 8), "c")).toThrow(/truncated/);
    expect(() => decodeCheckpoint(new Uint8Array(40), "c")).toThrow(/wrong magic/);
  });
});
