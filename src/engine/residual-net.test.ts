import { describe, expect, test } from "vitest";
import { createKernels } from "../kernels/select.js";
import { wasmAvailable } from "../kernels/wasm-kernels.js";
import { fillRandom, gradCheck, type GradTarget } from "../testing/gradcheck.js";
import { pairRows } from "./pair-rows.js";
import { ParamStore } from "./params.js";
import { ResidualNet } from "./residual-net.js";
import { Rng } from "./rng.js";
import { RowScaledTapeOp } from "./row-scaled-tape.js";
import { Tape } from "./tape.js";
import { Tensor } from "./tensor.js";

const paths = (["ts", "wasm-simd", "wasm-relaxed-simd"] as const).filter((p) => p === "ts" || wasmAvailable(p));

/**
 * θ rows [n, 3] and observation rows [n, 5] (both with gradients) → PairRowsOp with 3 atoms per
 * observation and a fixed index → a ResidualNet (2 blocks, hidden 6, 2 outputs) on the n·3 pairs
 * (an inner tape run by RowScaledTapeOp). Loss = Σ R ⊙ out with fixed random R. Every weight is
 * refilled at a scale where the residual branches matter (the default near-zero init would hide them).
 */
function buildGraph(path: (typeof paths)[number]) {
  const k = createKernels(path);
  const store = new ParamStore(k);
  const n = 4,
    atoms = 3;
  const net = new ResidualNet(k, store, { name: "net", inFeatures: 8, outFeatures: 2, hiddenFeatures: 6, blocks: 2 });
  store.finalize(new Rng(1));
  store.params.forEach((p, i) => {
    fillRandom(k, p.ptr, p.size, 20 + i, 0.6);
    for (let r = 0; r < p.rows; r++) for (let c = p.cols; c < p.ld; c++) k.heap.f32[p.ptr + r * p.ld + c] = 0;
  });
  const a = Tensor.alloc(k, n, 3, true),
    b = Tensor.alloc(k, n, 5, true);
  fillRandom(k, a.ptr, n * a.ld, 4);
  fillRandom(k, b.ptr, n * b.ld, 5);
  const index = k.heap.allocI32(n * atoms);
  const idx = [0, 2, 3, 1, 1, 0, 2, 2, 3, 3, 0, 0]; // a row may be used several times, or never as a contrast
  idx.forEach((v, i) => {
    k.heap.i32[index + i] = v;
  });
  const tape = new Tape();
  const pairs = pairRows(k, tape, { a, b, index, atoms });
  const inner = new Tape();
  const out = net.apply(inner, pairs);
  tape.record(new RowScaledTapeOp(inner, atoms));
  tape.finalize();
  const R = k.heap.alloc(n * atoms * out.ld);
  fillRandom(k, R, n * atoms * out.ld, 9);
  const loss = () => {
    tape.forward(n);
    let s = 0;
    for (let r = 0; r < n * atoms; r++)
      for (let j = 0; j < out.cols; j++) s += k.heap.f32[R + r * out.ld + j] * out.at(r, j);
    return s;
  };
  const backward = () => {
    loss();
    store.zeroGrad();
    for (let r = 0; r < n * atoms; r++)
      for (let j = 0; j < out.ld; j++)
        k.heap.f32[out.grad + r * out.ld + j] = j < out.cols ? k.heap.f32[R + r * out.ld + j] : 0;
    tape.backward(n);
  };
  const dense = (t: { ptr: number; grad: number; ld: number }, rows: number, cols: number, label: string) => ({
    label,
    ptr: t.ptr,
    grad: t.grad,
    indices: Array.from({ length: rows * cols }, (_, i) => Math.floor(i / cols) * t.ld + (i % cols)),
  });
  const targets: GradTarget[] = store.params.map((p) => dense(p, p.rows, p.cols, p.name));
  targets.push(dense(a, n, 3, "theta"), dense(b, n, 5, "context"));
  return { k, loss, backward, targets, out, n, atoms };
}

describe.each(paths)("ResidualNet on paired rows: backward vs finite differences (%s)", (path) => {
  test("weights, gathered θ rows (scatter-add) and repeated context rows", () => {
    const g = buildGraph(path);
    const { worst, where, skipped, checked } = gradCheck(g.k, g.loss, g.backward, g.targets, 1e-3);
    expect(worst, where).toBeLessThan(2e-2);
    // a handful of entries may sit on a ReLU kink within eps
    expect(skipped).toBeLessThan(0.05 * (checked + skipped));
  });
});

test("the TypeScript and WebAssembly paths agree on the forward pass and the gradients", () => {
  const outputs = paths.map((p) => {
    const g = buildGraph(p);
    g.backward();
    const f = g.k.heap.f32;
    const vals: number[] = [];
    for (let r = 0; r < g.n * g.atoms; r++) for (let j = 0; j < g.out.cols; j++) vals.push(g.out.at(r, j));
    for (const t of g.targets) for (const i of t.indices) vals.push(f[t.grad + i]);
    return vals;
  });
  for (let p = 1; p < outputs.length; p++)
    outputs[p].forEach((v, i) => {
      expect(Math.abs(v - outputs[0][i])).toBeLessThan(1e-4 * (1 + Math.abs(outputs[0][i])));
    });
});

test("ReLU as its own op: the forward is max(x, 0) and the residual stream reaches the output", () => {
  // with every block's second layer zero, h_B = h₀ and out = W_f (W₀ u + b₀) + b_f exactly
  const k = createKernels("ts"),
    store = new ParamStore(k);
  const net = new ResidualNet(k, store, { name: "net", inFeatures: 2, outFeatures: 1, hiddenFeatures: 3, blocks: 1 });
  store.finalize(new Rng(2));
  const second = net.blocks[0].second;
  k.heap.f32.fill(0, second.W.ptr, second.W.ptr + second.W.size);
  k.heap.f32.fill(0, second.b!.ptr, second.b!.ptr + second.b!.size);
  const u = Tensor.alloc(k, 1, 2, false);
  u.setRows([0.7, -1.3], 1);
  const tape = new Tape();
  const out = net.apply(tape, u, false);
  tape.forward(1);
  const W0 = store.getDense(net.initial.W),
    b0 = store.getDense(net.initial.b!),
    Wf = store.getDense(net.final.W),
    bf = store.getDense(net.final.b!);
  let expected = bf[0];
  for (let h = 0; h < 3; h++) expected += Wf[h] * (b0[h] + 0.7 * W0[h] - 1.3 * W0[3 + h]);
  expect(out.at(0, 0)).toBeCloseTo(expected, 5);
});

test("parameter names follow nflows' ResidualNet state_dict; the blocks' last layers start near zero", () => {
  const k = createKernels("ts"),
    store = new ParamStore(k);
  new ResidualNet(k, store, { name: "net", inFeatures: 4, outFeatures: 1, hiddenFeatures: 50 });
  store.finalize(new Rng(3));
  expect(store.params.map((p) => p.name)).toEqual([
    "net.initial_layer.weight",
    "net.initial_layer.bias",
    "net.blocks.0.linear_layers.0.weight",
    "net.blocks.0.linear_layers.0.bias",
    "net.blocks.0.linear_layers.1.weight",
    "net.blocks.0.linear_layers.1.bias",
    "net.blocks.1.linear_layers.0.weight",
    "net.blocks.1.linear_layers.0.bias",
    "net.blocks.1.linear_layers.1.weight",
    "net.blocks.1.linear_layers.1.bias",
    "net.final_layer.weight",
    "net.final_layer.bias",
  ]);
  const last = store.getDense(store.params[4]);
  expect(Math.max(...last.map(Math.abs))).toBeLessThanOrEqual(1e-3);
  expect(Math.max(...store.getDense(store.params[2]).map(Math.abs))).toBeGreaterThan(0.05);
});
