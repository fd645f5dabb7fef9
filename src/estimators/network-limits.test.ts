// The size bounds: the estimate is checked against what a network really allocates (exact
// parameter count, heap use bounded within 2x), and networks beyond the documented limits fail
// with a message naming the sizes before anything is allocated.
import { describe, expect, test } from "vitest";
import { Adam } from "../engine/adam.js";
import { Rng } from "../engine/rng.js";
import { resolveFlowConfig, type FlowOptions } from "../flows/flow-config.js";
import { NPE } from "../inference/npe.js";
import { createKernels } from "../kernels/select.js";
import { checkNetworkSize, estimateNetworkSize, NETWORK_LIMITS } from "./network-limits.js";
import { NpeNetwork, type NpeNetworkConfig } from "./npe-network.js";

function config(flow: FlowOptions, thetaDim: number, xDim: number, embedding: number[] | null): NpeNetworkConfig {
  const ctx = embedding ? embedding[embedding.length - 1] : xDim;
  return {
    thetaDim,
    xDim,
    embedding: embedding ? { sizes: [xDim, ...embedding], activation: "relu" } : null,
    flow: resolveFlowConfig(flow, thetaDim, ctx, new Rng(1)),
    standardization: {
      thetaMean: Array(thetaDim).fill(0),
      thetaStd: Array(thetaDim).fill(1),
      xMean: Array(xDim).fill(0),
      xStd: Array(xDim).fill(1),
    },
  };
}

describe("estimateNetworkSize against the real allocation", () => {
  test.each([
    ["NSF defaults", config({}, 2, 2, null), 200],
    [
      "MAF, one hidden layer",
      config({ estimator: "maf", hiddenFeatures: 8, hiddenLayers: 1, transforms: 2 }, 2, 3, null),
      1000,
    ],
    ["NSF with an embedding", config({ hiddenFeatures: 64, hiddenLayers: 3, transforms: 4 }, 5, 20, [32, 16]), 512],
    [
      "wide NSF, coupling",
      config({ hiddenFeatures: 128, transforms: 10, form: "coupling", bins: 8 }, 10, 100, null),
      200,
    ],
  ])("%s", (_name, c, rows) => {
    const k = createKernels("ts"),
      before = k.heap.usedBytes;
    const net = new NpeNetwork(c, k);
    net.initialize(new Rng(2));
    new Adam(net.store, { learningRate: 1e-3 });
    net.buildGraph(rows, { grad: true });
    const used = k.heap.usedBytes - before,
      e = estimateNetworkSize(c, rows);
    expect(e.parameters).toBe(net.store.total);
    expect(e.heapBytes).toBeGreaterThanOrEqual(used);
    expect(e.heapBytes).toBeLessThan(2 * used);
  });
});

describe("limits", () => {
  const data = (n: number) => ({
    theta: new Float32Array(n * 2).map((_, i) => Math.sin(i)),
    x: new Float32Array(n * 2).map((_, i) => Math.cos(i)),
  });

  test("--transforms 100000 --hidden-features 100000: a clean error naming the sizes, before allocating", () => {
    const d = data(100);
    const npe = new NPE({ thetaDim: 2, transforms: 100000, hiddenFeatures: 100000, kernels: "ts" }).appendSimulations(
      d.theta,
      d.x,
    );
    expect(() => npe.train({ maxEpochs: 1 })).toThrow(
      /network too large: 1\.00e\+15 weights \(transforms 100000, hiddenFeatures 100000, .*the limit is 33,554,432/,
    );
  });

  test("a batch too large for memory names the batch size", () => {
    const c = config({}, 2, 2, null);
    expect(() => checkNetworkSize(c, 10_000_000, "training")).toThrow(
      /about \d+\.\d GiB to train in batches of 10000000 rows .*limit is 2\.0 GiB: use a smaller batch size/,
    );
    expect(checkNetworkSize(c, 200, "training").heapBytes).toBeLessThan(NETWORK_LIMITS.maxHeapBytes);
  });

  test("absurd sizes (1e9 hidden features, 1e5 layers, Infinity-scale products) are rejected by arithmetic", () => {
    const c = config({}, 2, 2, null);
    for (const flow of [
      { ...c.flow, hiddenFeatures: 1e9 },
      { ...c.flow, hiddenLayers: 100000 },
      { ...c.flow, transforms: 1e300, hiddenLayers: 1e300 },
    ]) {
      expect(() => new NpeNetwork({ ...c, flow }, createKernels("ts"))).toThrow(/network too large/);
    }
  });
});
