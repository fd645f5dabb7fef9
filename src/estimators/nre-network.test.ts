import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { createKernels } from "../kernels/select.js";
import { wasmAvailable } from "../kernels/wasm-kernels.js";
import { fillRandom, gradCheck } from "../testing/gradcheck.js";
import { bnreLoss, drawContrastiveIndices, nreCLoss, type ContrastiveLoss } from "./nre-losses.js";
import { checkNreNetworkSize, estimateNreNetworkSize, NreNetwork, type NreNetworkConfig } from "./nre-network.js";

const paths = (["ts", "wasm-simd"] as const).filter((p) => p === "ts" || wasmAvailable(p));

const config = (classifier: NreNetworkConfig["classifier"]): NreNetworkConfig => ({
  thetaDim: 2,
  xDim: 3,
  embedding: { sizes: [3, 5, 4], activation: "tanh" },
  classifier,
  standardization: { thetaMean: [0, 0], thetaStd: [1, 1], xMean: [0, 0, 0], xStd: [1, 1, 1] },
});

describe.each(paths)(
  "the training graph (embedding → pairs → classifier → loss) vs finite differences (%s)",
  (path) => {
    test.each([
      ["resnet, NRE-C K=2", { type: "resnet", hiddenFeatures: 6, blocks: 2 }, nreCLoss(2, 1.5)],
      ["mlp, BNRE", { type: "mlp", hiddenFeatures: 5, hiddenLayers: 2, activation: "relu" }, bnreLoss(3)],
    ] as const)("%s: every weight", (_, classifier, loss: ContrastiveLoss) => {
      const k = createKernels(path);
      const net = new NreNetwork(config(classifier as NreNetworkConfig["classifier"]), k);
      net.initialize(new Rng(1));
      // weights at a scale where the residual branches matter
      net.store.params.forEach((p, i) => {
        fillRandom(k, p.ptr, p.size, 30 + i, 0.7);
        for (let r = 0; r < p.rows; r++) for (let c = p.cols; c < p.ld; c++) k.heap.f32[p.ptr + r * p.ld + c] = 0;
      });
      const n = 5,
        g = net.buildTrainingGraph(n, loss.atoms);
      const rng = new Rng(2);
      g.theta.setRows(
        Array.from({ length: 2 * n }, () => rng.normal()),
        n,
      );
      g.x.setRows(
        Array.from({ length: 3 * n }, () => rng.normal()),
        n,
      );
      drawContrastiveIndices(rng, n, loss.groups, k.heap.i32, g.index);
      const graph = { tape: g.tape, inputs: [g.theta, g.x], output: g.logits };
      const value = () => {
        g.tape.forward(n);
        return loss.value(graph, n);
      };
      const backward = () => {
        value();
        net.store.zeroGrad();
        loss.seedGradient(graph, n);
        g.tape.backward(n);
      };
      const targets = net.store.params.map((p) => ({
        label: p.name,
        ptr: p.ptr,
        grad: p.grad,
        indices: Array.from({ length: p.rows * p.cols }, (_, i) => Math.floor(i / p.cols) * p.ld + (i % p.cols)),
      }));
      const { worst, where, skipped, checked } = gradCheck(k, value, backward, targets, 1e-3, 1e-3);
      expect(worst, where).toBeLessThan(3e-2);
      expect(skipped).toBeLessThan(0.05 * (checked + skipped));
    });
  },
);

describe("network size", () => {
  test("the estimate bounds the heap a training graph really uses (within 2.5×)", () => {
    for (const classifier of [
      { type: "resnet", hiddenFeatures: 50, blocks: 2 },
      { type: "mlp", hiddenFeatures: 120, hiddenLayers: 3, activation: "relu" },
    ] as const) {
      const c = config(classifier),
        k = createKernels("ts"),
        before = k.heap.usedBytes;
      const net = new NreNetwork(c, k);
      net.initialize(new Rng(1));
      net.buildTrainingGraph(200, 10);
      const used = k.heap.usedBytes - before,
        est = estimateNreNetworkSize(c, 200, 10).heapBytes;
      // the estimate also counts Adam's two moments, which the trainer allocates later
      expect(est).toBeGreaterThan(used);
      expect(est).toBeLessThan(2.5 * used);
    }
  });

  test("absurd sizes are refused before any allocation", () => {
    const c = config({ type: "resnet", hiddenFeatures: 1e6, blocks: 2 });
    expect(() => checkNreNetworkSize(c, 200, 2, "training")).toThrow(
      /network too large: .*classifier resnet, hiddenFeatures 1000000/,
    );
    expect(() => new NreNetwork(c, createKernels("ts"))).toThrow(/network too large/);
    const d = config({ type: "mlp", hiddenFeatures: 2000, hiddenLayers: 3, activation: "relu" });
    expect(() => checkNreNetworkSize(d, 100_000, 10, "training")).toThrow(
      /too large for memory: .* batches of 100000 rows/,
    );
  });
});
