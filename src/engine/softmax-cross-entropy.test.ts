import { describe, expect, test } from "vitest";
import { createKernels } from "../kernels/select.js";
import { fillRandom, gradCheck } from "../testing/gradcheck.js";
import { BceWithLogitsOp } from "./bce-loss.js";
import { SoftmaxCrossEntropyOp } from "./softmax-cross-entropy.js";
import { allocVector, Tensor } from "./tensor.js";

/** n rows of C logits (uniform in ±scale) and labels cycling through the classes, with gradient buffers. */
function setup(n: number, c: number, scale = 3) {
  const k = createKernels("ts");
  const z = Tensor.alloc(k, n, c, true),
    y = allocVector(k, n, false);
  fillRandom(k, z.ptr, n * z.ld, 7 + c, scale);
  for (let i = 0; i < n; i++) {
    for (let j = c; j < z.ld; j++) k.heap.f32[z.ptr + i * z.ld + j] = 0;
    k.heap.f32[y.ptr + i] = (3 * i + 1) % c;
  }
  return { k, z, y, op: new SoftmaxCrossEntropyOp(z, y) };
}

/** −(1/n) Σ log( exp z_{i,y_i} / Σ_j exp z_ij ) straight from the definition, in float64. */
function direct(z: Tensor, y: Tensor, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < z.cols; j++) sum += Math.exp(z.at(i, j));
    s -= Math.log(Math.exp(z.at(i, y.at(i, 0))) / sum);
  }
  return s / n;
}

describe("SoftmaxCrossEntropyOp", () => {
  test.each([2, 3, 7])("value equals the definition in float64 (C = %i)", (c) => {
    const { z, y, op } = setup(9, c);
    op.forward(9);
    expect(op.value).toBeCloseTo(direct(z, y, 9), 12);
    // the first 4 rows only
    op.forward(4);
    expect(op.value).toBeCloseTo(direct(z, y, 4), 12);
  });

  test("no overflow for huge logits: −log softmax of [1000, 990, 0] at class 1 is 10 + log1p(e^−10)", () => {
    const { k, z, y, op } = setup(1, 3);
    k.heap.f32.set([1000, 990, 0], z.ptr);
    k.heap.f32[y.ptr] = 1;
    op.forward(1);
    expect(op.value).toBeCloseTo(10 + Math.log1p(Math.exp(-10)), 10);
    op.backward(1);
    // gradient: softmax − onehot = [1/(1+e^−10), e^−10/(1+e^−10) − 1, ~0]
    const e = Math.exp(-10);
    expect(z.gradAt(0, 0)).toBeCloseTo(1 / (1 + e), 6);
    expect(z.gradAt(0, 1)).toBeCloseTo(e / (1 + e) - 1, 6);
    expect(Math.abs(z.gradAt(0, 2))).toBeLessThan(1e-30);
  });

  test.each([2, 5])("gradient matches finite differences of the value; padding gets 0 (C = %i)", (c) => {
    const n = 6,
      { k, z, op } = setup(n, c);
    // garbage in the gradient's padding columns must be overwritten with 0
    for (let i = 0; i < n; i++) for (let j = c; j < z.ld; j++) k.heap.f32[z.grad + i * z.ld + j] = 123;
    const indices = Array.from({ length: n * c }, (_, i) => Math.floor(i / c) * z.ld + (i % c));
    const { worst, where, checked } = gradCheck(
      k,
      () => {
        op.forward(n);
        return op.value;
      },
      () => {
        op.forward(n);
        op.backward(n);
      },
      [{ label: "logits", ptr: z.ptr, grad: z.grad, indices }],
      1e-2,
      1e-3,
    );
    expect(checked).toBe(n * c);
    expect(worst, where).toBeLessThan(1e-2);
    for (let i = 0; i < n; i++) for (let j = c; j < z.ld; j++) expect(k.heap.f32[z.grad + i * z.ld + j]).toBe(0);
    // each row's gradient sums to zero (softmax sums to 1, the one-hot to 1)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < c; j++) s += z.gradAt(i, j);
      expect(Math.abs(s)).toBeLessThan(1e-7);
    }
  });

  test("accumulating: the gradient is added to what another consumer wrote", () => {
    const n = 3,
      c = 3,
      { z, op } = setup(n, c);
    op.forward(n);
    op.backward(n);
    const once = Array.from({ length: n * c }, (_, i) => z.gradAt(Math.floor(i / c), i % c));
    op.accumulate = [true];
    op.backward(n);
    once.forEach((g, i) => {
      expect(z.gradAt(Math.floor(i / c), i % c)).toBeCloseTo(2 * g, 6);
    });
  });

  test("C = 2 equals binary cross-entropy on the logit difference z1 − z0 (value and gradient)", () => {
    const n = 8,
      { k, z, y, op } = setup(n, 2, 4);
    const d = Tensor.alloc(k, n, 1, true),
      labels = allocVector(k, n, false);
    for (let i = 0; i < n; i++) {
      k.heap.f32[d.ptr + i * d.ld] = z.at(i, 1) - z.at(i, 0);
      k.heap.f32[labels.ptr + i] = y.at(i, 0);
    }
    const bce = new BceWithLogitsOp(d, labels);
    op.forward(n);
    bce.forward(n);
    // the difference is rounded to float32 once: agreement to ~1e-6 of the logits' scale
    expect(op.value).toBeCloseTo(bce.value, 5);
    op.backward(n);
    bce.backward(n);
    for (let i = 0; i < n; i++) {
      expect(z.gradAt(i, 1)).toBeCloseTo(d.gradAt(i, 0), 6);
      expect(z.gradAt(i, 0)).toBeCloseTo(-d.gradAt(i, 0), 6);
    }
  });

  test("a label outside 0 … C − 1 is an internal error", () => {
    const { k, y, op } = setup(2, 3);
    k.heap.f32[y.ptr + 1] = 3;
    expect(() => op.forward(2)).toThrow(/label 3 in row 1/);
    k.heap.f32[y.ptr + 1] = 0.5;
    expect(() => op.forward(2)).toThrow(/label 0.5/);
  });
});
