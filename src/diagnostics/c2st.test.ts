import { describe, expect, test } from "vitest";
import { bceWithLogits } from "../engine/bce-loss.js";
import { Rng } from "../engine/rng.js";
import { setWarningHandler } from "../logging.js";
import { Tape } from "../engine/tape.js";
import { Tensor, allocVector } from "../engine/tensor.js";
import { createKernels } from "../kernels/select.js";
import { wasmAvailable } from "../kernels/wasm-kernels.js";
import { fillRandom, gradCheck, type GradTarget } from "../testing/gradcheck.js";
import { loadReferenceSamples } from "../workflows/tasks/sbibm-reference.js";
import { buildC2stClassifier, c2st } from "./c2st.js";

const paths = (["ts", "wasm-simd", "wasm-relaxed-simd"] as const).filter((p) => p === "ts" || wasmAvailable(p));

function gaussian(n: number, dim: number, shift: number, rng: Rng): Float32Array {
  const a = new Float32Array(n * dim);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal() + shift;
  return a;
}

describe("binary cross-entropy with logits", () => {
  test("value is the stable softplus form, also for large logits", () => {
    const k = createKernels("ts");
    const z = Tensor.alloc(k, 4, 1, true),
      y = allocVector(k, 4, false);
    const tape = new Tape();
    const bce = bceWithLogits(tape, z, y);
    z.setRows([0, 100, -100, 2], 4);
    y.setRows([1, 0, 0, 1], 4);
    tape.forward(4);
    const expected = (Math.log(2) + 100 + Math.log1p(Math.exp(-100)) + Math.log1p(Math.exp(-2))) / 4;
    expect(bce.value).toBeCloseTo(expected, 10);
    tape.backward(4);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    [sig(0) - 1, sig(100), sig(-100), sig(2) - 1].forEach((g, i) => {
      expect(z.gradAt(i, 0)).toBeCloseTo(g / 4, 7);
    });
    for (let i = 0; i < 4; i++) for (let j = 1; j < z.ld; j++) expect(k.heap.f32[z.grad + i * z.ld + j]).toBe(0);
  });

  test.each(paths)("gradient of the logits matches finite differences (%s)", (path) => {
    const k = createKernels(path),
      n = 7;
    const z = Tensor.alloc(k, n, 1, true),
      y = allocVector(k, n, false);
    const tape = new Tape();
    const bce = bceWithLogits(tape, z, y);
    tape.finalize();
    fillRandom(k, z.ptr, n * z.ld, 11, 3);
    y.setRows([0, 1, 1, 0, 1, 0.25, 0], n);
    const loss = () => {
      tape.forward(n);
      return bce.value;
    };
    const backward = () => {
      tape.forward(n);
      tape.backward(n);
    };
    const target: GradTarget = {
      label: "logits",
      ptr: z.ptr,
      grad: z.grad,
      indices: Array.from({ length: n }, (_, i) => i * z.ld),
    };
    const { worst, where, checked } = gradCheck(k, loss, backward, [target], 1e-2, 1e-3);
    expect(checked).toBe(n);
    expect(worst, where).toBeLessThan(1e-2);
  });

  test.each(paths)(
    "the classifier's full objective (MLP + BCE + scikit-learn's L2) matches finite differences (%s)",
    (path) => {
      const k = createKernels(path),
        n = 9,
        dim = 2;
      // a large alpha so that the L2 term's gradient is visible next to the data term
      const c = buildC2stClassifier(k, dim, n, new Rng(4), 0.5);
      const rng = new Rng(5);
      c.x.setRows(gaussian(n, dim, 0, rng), n);
      c.labels.setRows([0, 1, 0, 1, 1, 0, 0, 1, 1], n);
      const loss = () => {
        c.tape.forward(n);
        return c.bce.value + c.penalty.value;
      };
      const backward = () => {
        c.tape.forward(n);
        c.store.zeroGrad();
        c.tape.backward(n);
      };
      const targets: GradTarget[] = c.store.params.map((p) => ({
        label: p.name,
        ptr: p.ptr,
        grad: p.grad,
        indices: Array.from({ length: p.rows * p.cols }, (_, i) => Math.floor(i / p.cols) * p.ld + (i % p.cols)),
      }));
      const { worst, where, skipped, checked } = gradCheck(k, loss, backward, targets, 1e-3, 1e-2);
      expect(skipped).toBeLessThan(0.05 * (checked + skipped));
      expect(worst, where).toBeLessThan(2e-2);
    },
  );
});

describe("c2st (sbibm definition)", () => {
  test("two halves of one Gaussian sample are indistinguishable", () => {
    const all = gaussian(2000, 2, 0, new Rng(1));
    const r = c2st(all.subarray(0, 2000), all.subarray(2000), 2, { seed: 3 });
    expect(r.accuracy).toBeLessThanOrEqual(0.55);
    expect(r.foldAccuracies).toHaveLength(5);
    expect(r.nReference).toBe(1000);
    expect(r.nSamples).toBe(1000);
  });

  test("unequal sizes (5,000 vs 1,000 from one distribution): the larger is subsampled, chance stays 0.5, with a warning", () => {
    const rng = new Rng(4);
    const big = gaussian(5000, 2, 0, rng),
      small = gaussian(1000, 2, 0, rng);
    const warnings: string[] = [];
    const previous = setWarningHandler((m) => warnings.push(m));
    let r, swapped;
    try {
      r = c2st(big, small, 2, { seed: 3, maxEpochs: 60 });
      swapped = c2st(small, big, 2, { seed: 3, maxEpochs: 60 });
    } finally {
      setWarningHandler(previous);
    }
    // without balancing, answering "reference" always would score 5000/6000 = 0.833
    expect(r.accuracy).toBeLessThanOrEqual(0.56);
    expect(swapped.accuracy).toBeLessThanOrEqual(0.56);
    expect(r).toMatchObject({
      nReference: 1000,
      nSamples: 1000,
      subsampled: { set: "reference", from: 5000, to: 1000 },
    });
    expect(swapped.subsampled).toEqual({ set: "samples", from: 5000, to: 1000 });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/reference has 5000 rows.*random subset of 1000/);
    // equal sizes are not touched
    expect(c2st(small, big.subarray(0, 2000), 2, { seed: 3, maxEpochs: 5 }).subsampled).toBeUndefined();
  });

  test("a few samples at 3e38 (a diverged chain) do not turn a separable pair into a false 0.5", () => {
    // N(0, I) vs N(3, I) in 2-D: Bayes accuracy Φ(3√2/2) ≈ 0.983; both columns of 5 of 1,000 sample rows replaced by 3e38
    // used to overflow the float32 classifier to NaN and score exactly 0.5
    const rng = new Rng(5);
    const reference = gaussian(1000, 2, 0, rng),
      samples = gaussian(1000, 2, 3, rng);
    for (let i = 0; i < 10; i++) samples[i] = 3e38;
    const warnings: string[] = [];
    const previous = setWarningHandler((m) => warnings.push(m));
    let r;
    try {
      r = c2st(reference, samples, 2, { seed: 3, maxEpochs: 100 });
    } finally {
      setWarningHandler(previous);
    }
    expect(r.accuracy).toBeGreaterThan(0.95);
    expect(warnings.some((w) => /10 values lie more than 10000 reference standard deviations/.test(w))).toBe(true);
  });

  test("a one-sigma shift per coordinate is detected near the Bayes accuracy", () => {
    // optimal classifier for N(0, I) vs N(1, I) in 2-D: Φ(|μ|/2) = Φ(√2/2) ≈ 0.760
    const rng = new Rng(2);
    const r = c2st(gaussian(1000, 2, 0, rng), gaussian(1000, 2, 1, rng), 2, { seed: 3 });
    expect(r.accuracy).toBeGreaterThanOrEqual(0.7);
    expect(r.accuracy).toBeLessThan(0.8);
  });

  test("issue #3's checks on sbibm's two_moons reference posterior: disjoint halves ≤ 0.53, a one-σ shift ≥ 0.75", () => {
    const ref = loadReferenceSamples("two_moons", 1);
    const half = (ref.rows >> 1) * 2;
    expect(
      c2st(ref.data.subarray(0, half), ref.data.subarray(half, 2 * half), 2, { seed: 1 }).accuracy,
    ).toBeLessThanOrEqual(0.53);
    // shift every coordinate by its own standard deviation
    const shifted = Float32Array.from(ref.data);
    for (let j = 0; j < 2; j++) {
      let m = 0,
        v = 0;
      for (let i = 0; i < ref.rows; i++) m += ref.data[2 * i + j] / ref.rows;
      for (let i = 0; i < ref.rows; i++) v += (ref.data[2 * i + j] - m) ** 2 / (ref.rows - 1);
      for (let i = 0; i < ref.rows; i++) shifted[2 * i + j] += Math.sqrt(v);
    }
    expect(c2st(ref.data, shifted, 2, { seed: 1 }).accuracy).toBeGreaterThanOrEqual(0.75);
  });

  test("the same seed gives the same result", () => {
    const rng = new Rng(5);
    const a = gaussian(300, 3, 0, rng),
      b = gaussian(300, 3, 0.3, rng);
    const first = c2st(a, b, 3, { seed: 9, maxEpochs: 40 });
    expect(c2st(a, b, 3, { seed: 9, maxEpochs: 40 })).toEqual(first);
    expect(c2st(a, b, 3, { seed: 10, maxEpochs: 40 }).foldAccuracies).not.toEqual(first.foldAccuracies);
  });

  test("bad input throws an error naming the argument", () => {
    const ok = gaussian(20, 2, 0, new Rng(1));
    expect(() => c2st(ok.subarray(0, 21), ok, 2)).toThrow(/reference has 21 values, not a multiple of dim 2/);
    expect(() => c2st(ok, ok.subarray(0, 10), 2)).toThrow(/samples has 5 rows, need at least 10/);
    const bad = ok.slice();
    bad[7] = NaN;
    expect(() => c2st(ok, bad, 2)).toThrow(/samples row 4 has a non-finite value/);
    expect(() => c2st(bad, ok, 2)).toThrow(/reference row 4/);
    expect(() => c2st(ok, ok, 0)).toThrow(/dim must be a positive integer/);
    expect(() => c2st(ok, ok, 2, { folds: 1 })).toThrow(/options\.folds/);
    expect(() => c2st(ok, ok, 2, { maxEpochs: 0 })).toThrow(/options\.maxEpochs/);
  });
});
