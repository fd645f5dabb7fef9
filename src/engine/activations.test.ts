import { describe, expect, test } from "vitest";
import { Act } from "../kernels/kernel-api.js";
import { createKernels } from "../kernels/select.js";
import { wasmAvailable } from "../kernels/wasm-kernels.js";
import { fillRandom, gradCheck, type GradTarget } from "../testing/gradcheck.js";
import { activationBackward, activationCode, applyActivation, LEAKY_RELU_NEGATIVE_SLOPE } from "./activations.js";
import { Mlp } from "./mlp.js";
import { ParamStore } from "./params.js";
import { Rng } from "./rng.js";
import { Tape } from "./tape.js";
import { Tensor } from "./tensor.js";

const paths = (["ts", "wasm-simd", "wasm-relaxed-simd"] as const).filter((p) => p === "ts" || wasmAvailable(p));

describe("leaky ReLU", () => {
  test("the name maps to its code; unknown names (also inherited keys) are refused", () => {
    expect(activationCode("leaky_relu")).toBe(Act.leaky_relu);
    expect(() => activationCode("leaky")).toThrow(/expected one of none, relu, tanh, elu, leaky_relu/);
    expect(() => activationCode("toString")).toThrow(/activation 'toString'/);
  });

  test("f(v) = v for v > 0 and 0.2·v otherwise; f' read off the output is 1 or 0.2", () => {
    expect(LEAKY_RELU_NEGATIVE_SLOPE).toBe(0.2);
    const k = createKernels("ts"),
      y = k.heap.alloc(8),
      dy = k.heap.alloc(8);
    // two rows of 3 values with leading dimension 4: the fourth column must stay untouched
    k.heap.f32.set([-1, 0, 2, 9, -0.5, 3, -4, 9], y);
    applyActivation(k.heap, Act.leaky_relu, y, 4, 2, 3);
    expect(Array.from(k.heap.f32.subarray(y, y + 8))).toEqual(
      [-0.2, 0, 2, 9, -0.1, 3, -0.8, 9].map((v) => Math.fround(v)),
    );
    k.heap.f32.fill(2, dy, dy + 8);
    activationBackward(k.heap, Act.leaky_relu, dy, y, 4, 2, 3);
    expect(Array.from(k.heap.f32.subarray(dy, dy + 8))).toEqual([0.4, 0.4, 2, 2, 0.4, 2, 0.4, 2].map(Math.fround));
  });
});

/** An MLP [4, 8, 8, 3] with leaky ReLU, its input with a gradient, and loss = Σ R ⊙ output. */
function buildMlp(path: (typeof paths)[number]) {
  const k = createKernels(path),
    store = new ParamStore(k),
    n = 7;
  const mlp = new Mlp(k, store, { name: "net", sizes: [4, 8, 8, 3], activation: "leaky_relu" });
  store.finalize(new Rng(11));
  const x = Tensor.alloc(k, n, 4, true);
  fillRandom(k, x.ptr, n * x.ld, 3, 2);
  const tape = new Tape(),
    out = mlp.apply(tape, x);
  tape.finalize();
  const R = k.heap.alloc(n * out.ld);
  fillRandom(k, R, n * out.ld, 5);
  for (let i = 0; i < n; i++) for (let j = out.cols; j < out.ld; j++) k.heap.f32[R + i * out.ld + j] = 0;
  const loss = () => {
    tape.forward(n);
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < out.cols; j++) s += k.heap.f32[R + i * out.ld + j] * out.at(i, j);
    return s;
  };
  const backward = () => {
    loss();
    store.zeroGrad();
    k.heap.f32.set(k.heap.f32.subarray(R, R + n * out.ld), out.grad);
    tape.backward(n);
  };
  const targets: GradTarget[] = store.params.map((p) => ({
    label: p.name,
    ptr: p.ptr,
    grad: p.grad,
    indices: Array.from({ length: p.rows * p.cols }, (_, i) => Math.floor(i / p.cols) * p.ld + (i % p.cols)),
  }));
  targets.push({
    label: "x",
    ptr: x.ptr,
    grad: x.grad,
    indices: Array.from({ length: n * 4 }, (_, i) => Math.floor(i / 4) * x.ld + (i % 4)),
  });
  return { k, store, mlp, x, out, n, loss, backward, targets };
}

test("an MLP with leaky ReLU computes x → W3ᵀ f(W2ᵀ f(W1ᵀ x + b1) + b2) + b3 (hand computation in float64)", () => {
  const g = buildMlp("ts");
  g.loss();
  let negatives = 0;
  for (let i = 0; i < g.n; i++) {
    let h = Array.from({ length: 4 }, (_, j) => g.x.at(i, j));
    g.mlp.layers.forEach((layer, l) => {
      const W = g.store.getDense(layer.W),
        b = g.store.getDense(layer.b!),
        m = layer.outFeatures;
      const pre = Array.from({ length: m }, (_, o) => h.reduce((s, v, j) => s + v * W[j * m + o], b[o]));
      const last = l === g.mlp.layers.length - 1;
      if (!last) negatives += pre.filter((v) => v < 0).length;
      h = last ? pre : pre.map((v) => (v > 0 ? v : 0.2 * v));
    });
    h.forEach((v, o) => {
      expect(g.out.at(i, o)).toBeCloseTo(v, 5);
    });
  }
  // the negative branch (slope 0.2) is exercised, not only the identity
  expect(negatives).toBeGreaterThan(20);
});

describe.each(paths)("MLP with leaky ReLU (%s)", (path) => {
  test("backward matches finite differences (weights, biases and the input)", () => {
    const g = buildMlp(path);
    const { worst, where, skipped, checked } = gradCheck(g.k, g.loss, g.backward, g.targets, 1e-3);
    expect(worst, where).toBeLessThan(2e-2);
    expect(skipped).toBeLessThan(0.05 * (skipped + checked));
  });

  test("output and gradients equal the TypeScript path's", () => {
    const a = buildMlp("ts"),
      b = buildMlp(path);
    a.backward();
    b.backward();
    for (let i = 0; i < a.n; i++) for (let j = 0; j < 3; j++) expect(b.out.at(i, j)).toBeCloseTo(a.out.at(i, j), 5);
    a.targets.forEach((t, ti) => {
      const u = b.targets[ti];
      for (const idx of t.indices) expect(b.k.heap.f32[u.grad + idx]).toBeCloseTo(a.k.heap.f32[t.grad + idx], 5);
    });
  });
});
