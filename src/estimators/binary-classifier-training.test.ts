import { describe, expect, it } from "vitest";
import { Rng } from "../engine/rng.js";
import { correlation } from "../testing/mixture-fixtures.js";
import { trainBinaryClassifier } from "./binary-classifier-training.js";

/**
 * Class A: x ~ N(2θ, 1), class B: x ~ N(0, 1), θ ~ U[0, 1] in both, so log p_A/p_B = 2θx − 2θ²
 * (closed form). Class A has twice the rows of class B: the raw logit is off by log 2, the corrected one not.
 */
function labelled(nA: number, nB: number, seed: number) {
  const rng = new Rng(seed),
    n = nA + nB;
  const theta = new Float32Array(n),
    x = new Float32Array(n),
    labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    theta[i] = rng.uniform();
    x[i] = rng.normal() + (i < nA ? 2 * theta[i] : 0);
    labels[i] = i < nA ? 1 : 0;
  }
  return { theta, x, labels, n, thetaDim: 1, xDim: 1 };
}

describe("trainBinaryClassifier", () => {
  const trained = trainBinaryClassifier({
    data: labelled(8000, 4000, 1),
    classifier: { type: "mlp", hiddenFeatures: 32, hiddenLayers: 2, activation: "relu" },
    options: { seed: 2, batchSize: 128, learningRate: 2e-3, maxEpochs: 15 },
  });
  const net = trained.network;
  // a grid where both classes have events
  const pts: [number, number][] = [];
  for (let t = 0.1; t < 0.95; t += 0.1) for (let x = -1.5; x <= 2.5; x += 0.25) pts.push([t, x]);
  const m = pts.length;
  const thetaZ = net.standardizeTheta(
      Float64Array.from(pts, (p) => p[0]),
      m,
    ),
    ctx = net.embed(
      Float64Array.from(pts, (p) => p[1]),
      m,
    );
  const logits = new Float64Array(m),
    grad = new Float64Array(m);
  net.logits("rows", thetaZ, m, ctx, logits, grad);
  const exact = pts.map(([t, x]) => 2 * t * x - 2 * t * t);

  it("counts the classes (2 : 1)", () => {
    expect(trained.classCounts).toEqual({ a: 8000, b: 4000 });
  });

  it("its logit minus log(nA/nB) estimates the log density ratio; without the correction it is off by log 2", () => {
    const offset = Math.log(trained.classCounts.a / trained.classCounts.b);
    let corrected = 0,
      raw = 0;
    for (let i = 0; i < m; i++) {
      corrected += Math.abs(logits[i] - offset - exact[i]) / m;
      raw += (logits[i] - exact[i]) / m;
    }
    expect(corrected).toBeLessThan(0.12);
    expect(Math.abs(raw - Math.log(2))).toBeLessThan(0.12);
  });

  it("its θ-gradient (z-scored units) equals central differences of the logit", () => {
    const h = 1e-3,
      up = new Float64Array(m),
      down = new Float64Array(m);
    net.logits(
      "rows",
      thetaZ.map((v) => v + h),
      m,
      ctx,
      up,
    );
    net.logits(
      "rows",
      thetaZ.map((v) => v - h),
      m,
      ctx,
      down,
    );
    const err = Float64Array.from(up, (u, i) => Math.abs(grad[i] - (u - down[i]) / (2 * h))).sort();
    // ReLU kinks make a few differences wrong; the bulk must agree (the gradients are of order 1)
    expect(err[Math.floor(m / 2)]).toBeLessThan(2e-3);
    expect(err[Math.floor(0.9 * m)]).toBeLessThan(2e-2);
  });

  it("and, scaled back to θ, follows the true ∂/∂θ log r = 2x − 4θ (correlation > 0.9)", () => {
    const std = net.config.standardization.thetaStd[0];
    expect(
      correlation(
        Array.from(grad, (g) => g / std),
        pts.map(([t, x]) => 2 * x - 4 * t),
      ),
    ).toBeGreaterThan(0.9);
  });

  it("continueTraining keeps its weights only if they validate better, and records the stage", () => {
    const c = trainBinaryClassifier({
      data: labelled(600, 300, 5),
      classifier: { type: "mlp", hiddenFeatures: 8, hiddenLayers: 1, activation: "relu" },
      options: { seed: 6, batchSize: 64, maxEpochs: 3 },
    });
    for (const learningRate of [1e-4, 0.5]) {
      const before = c.network.store.snapshot(),
        best = c.metadata.bestValidationLoss,
        epochs = c.metadata.epochs;
      const h = c.continueTraining({ learningRate, maxEpochs: 2 });
      const stage = c.metadata.continued[c.metadata.continued.length - 1];
      expect(stage.learningRate).toBe(learningRate);
      expect(c.metadata.epochs).toBe(epochs + h.epochs);
      if (stage.kept) {
        expect(h.bestValidationLoss).toBeLessThan(best);
        expect(c.metadata.bestValidationLoss).toBe(h.bestValidationLoss);
      } else {
        expect(c.network.store.snapshot()).toEqual(before);
        expect(c.metadata.bestValidationLoss).toBe(best);
      }
    }
  });

  it("refuses labels other than 0/1 and a single class", () => {
    const d = labelled(10, 10, 3);
    d.labels[3] = 0.5;
    const classifier = { type: "mlp", hiddenFeatures: 8, hiddenLayers: 1, activation: "relu" } as const;
    expect(() => trainBinaryClassifier({ data: d, classifier })).toThrow(/labels\[3\] is 0.5/);
    const one = labelled(10, 0, 3);
    expect(() => trainBinaryClassifier({ data: one, classifier })).toThrow(/both classes/);
  });
});
