import { describe, expect, test } from "vitest";
import { createKernels } from "../kernels/select.js";
import { wasmAvailable } from "../kernels/wasm-kernels.js";
import { fillRandom, gradCheck, type GradTarget } from "../testing/gradcheck.js";
import { Linear } from "./linear.js";
import { ParamStore } from "./params.js";
import { Rng } from "./rng.js";
import { Tape } from "./tape.js";
import { Tensor } from "./tensor.js";

const paths = (["ts", "wasm-simd", "wasm-relaxed-simd"] as const).filter((p) => p === "ts" || wasmAvailable(p));

function randomMask(inF: number, outF: number, seed: number): Uint8Array {
  const r = new Rng(seed);
  const m = new Uint8Array(inF * outF);
  for (let i = 0; i < m.length; i++) m[i] = r.uniform() < 0.6 ? 1 : 0;
  return m;
}

/**
 * A small graph exercising every Linear feature: masked + ReLU (fused into its consumer when it has
 * one consumer), an addend input, tanh, ELU, and an input read by two layers (gradient accumulation).
 */
function buildGraph(path: (typeof paths)[number], reluConsumers: 1 | 2) {
  const k = createKernels(path);
  const store = new ParamStore(k);
  const n = 6;
  const L1 = new Linear(k, store, {
    name: "l1",
    inFeatures: 5,
    outFeatures: 7,
    activation: "relu",
    mask: randomMask(5, 7, 1),
  });
  const L2 = new Linear(k, store, { name: "l2", inFeatures: 3, outFeatures: 6 });
  const L3 = new Linear(k, store, { name: "l3", inFeatures: 7, outFeatures: 6, activation: "tanh" });
  const L4 = new Linear(k, store, { name: "l4", inFeatures: 6, outFeatures: 4, activation: "elu" });
  const L5 = new Linear(k, store, { name: "l5", inFeatures: 5, outFeatures: 3, mask: randomMask(5, 3, 2) });
  const L6 = new Linear(k, store, { name: "l6", inFeatures: 7, outFeatures: 2, bias: false });
  store.finalize(new Rng(3));
  const x = Tensor.alloc(k, n, 5, true),
    x2 = Tensor.alloc(k, n, 3, true);
  fillRandom(k, x.ptr, n * x.ld, 4);
  fillRandom(k, x2.ptr, n * x2.ld, 5);
  for (const t of [x, x2])
    for (let i = 0; i < n; i++) for (let j = t.cols; j < t.ld; j++) k.heap.f32[t.ptr + i * t.ld + j] = 0;
  const tape = new Tape();
  const h1 = L1.apply(tape, x);
  const c = L2.apply(tape, x2);
  const h2 = L3.apply(tape, h1, { addend: c });
  const outs = [L4.apply(tape, h2), L5.apply(tape, x)];
  if (reluConsumers === 2) outs.push(L6.apply(tape, h1));
  tape.finalize();
  // loss = sum_o sum R_o * out_o with fixed random R_o
  const R = outs.map((o, i) => {
    const p = k.heap.alloc(n * o.ld);
    fillRandom(k, p, n * o.ld, 10 + i);
    return p;
  });
  const loss = () => {
    tape.forward(n);
    let s = 0;
    outs.forEach((o, i) => {
      for (let r = 0; r < n; r++) for (let j = 0; j < o.cols; j++) s += k.heap.f32[R[i] + r * o.ld + j] * o.at(r, j);
    });
    return s;
  };
  const backward = () => {
    loss();
    store.zeroGrad();
    outs.forEach((o, i) => {
      for (let r = 0; r < n; r++)
        for (let j = 0; j < o.ld; j++)
          k.heap.f32[o.grad + r * o.ld + j] = j < o.cols ? k.heap.f32[R[i] + r * o.ld + j] : 0;
    });
    tape.backward(n);
  };
  const targets: GradTarget[] = store.params.map((p) => ({
    label: p.name,
    ptr: p.ptr,
    grad: p.grad,
    indices: Array.from({ length: p.rows * p.cols }, (_, i) => Math.floor(i / p.cols) * p.ld + (i % p.cols)).filter(
      (idx) => !p.spec.mask || p.spec.mask[Math.floor(idx / p.ld) * p.cols + (idx % p.ld)],
    ),
  }));
  for (const t of [x, x2]) {
    targets.push({
      label: t === x ? "x" : "x2",
      ptr: t.ptr,
      grad: t.grad,
      indices: Array.from({ length: n * t.cols }, (_, i) => Math.floor(i / t.cols) * t.ld + (i % t.cols)),
    });
  }
  return { k, store, loss, backward, targets, L1 };
}

describe.each(paths)("Linear backward vs finite differences (%s)", (path) => {
  test.each([1, 2] as const)("graph with the ReLU output read by %i layer(s)", (consumers) => {
    const g = buildGraph(path, consumers);
    const { worst, where } = gradCheck(g.k, g.loss, g.backward, g.targets, 1e-3);
    expect(worst, where).toBeLessThan(2e-2);
  });

  test("masked weights stay exactly zero and get zero gradient", () => {
    const g = buildGraph(path, 1);
    g.backward();
    const W = g.L1.W,
      f = g.k.heap.f32;
    let checked = 0;
    for (let r = 0; r < W.rows; r++)
      for (let c = 0; c < W.cols; c++) {
        if (W.spec.mask![r * W.cols + c]) continue;
        expect(f[W.ptr + r * W.ld + c]).toBe(0);
        expect(Math.abs(f[W.grad + r * W.ld + c])).toBe(0);
        checked++;
      }
    expect(checked).toBeGreaterThan(3);
  });
});

test("the same seed gives bit-identical parameters; another seed does not", () => {
  const make = (seed: number) => {
    const k = createKernels("ts");
    const s = new ParamStore(k);
    new Linear(k, s, { name: "a", inFeatures: 4, outFeatures: 5 });
    s.finalize(new Rng(seed));
    return s.snapshot();
  };
  expect(make(7)).toEqual(make(7));
  expect(make(7)).not.toEqual(make(8));
});
