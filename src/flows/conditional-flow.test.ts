import { describe, expect, test } from "vitest";
import { createKernels } from "../kernels/select.js";
import type { KernelPath } from "../kernels/kernel-api.js";
import { wasmAvailable } from "../kernels/wasm-kernels.js";
import { ParamStore } from "../engine/params.js";
import { Rng } from "../engine/rng.js";
import { Tape } from "../engine/tape.js";
import { Tensor } from "../engine/tensor.js";
import { gradCheck, type GradTarget } from "../testing/gradcheck.js";
import { ConditionalFlow } from "./conditional-flow.js";
import { resolveFlowConfig, type FlowOptions } from "./flow-config.js";

const paths: KernelPath[] = (["ts", "wasm-simd", "wasm-relaxed-simd"] as const).filter(
  (p) => p === "ts" || wasmAvailable(p),
);

/** A flow with random (non-identity) weights so that every part of it matters. */
function randomFlow(path: KernelPath, opts: FlowOptions, D: number, C: number, seed = 1, weightScale = 0.6) {
  const k = createKernels(path);
  const store = new ParamStore(k);
  const rng = new Rng(seed);
  const flow = new ConditionalFlow(k, store, resolveFlowConfig(opts, D, C, rng));
  store.finalize(rng);
  for (const p of store.params) {
    const v = new Float64Array(p.rows * p.cols);
    for (let i = 0; i < v.length; i++) v[i] = (2 * rng.uniform() - 1) * weightScale;
    store.setDense(p, v);
  }
  return { k, store, flow };
}

function tapeFor(f: ReturnType<typeof randomFlow>, rows: number, grad: boolean) {
  const { k, flow } = f;
  const x = Tensor.alloc(k, rows, flow.features, grad);
  const c = flow.config.contextFeatures > 0 ? Tensor.alloc(k, rows, flow.config.contextFeatures, grad) : null;
  const tape = new Tape();
  const lp = flow.logProb(tape, x, c, grad);
  tape.finalize();
  return { tape, x, c, lp };
}

const cases: [string, FlowOptions, number, number][] = [
  ["MAF softplus, D=3, C=2", { estimator: "maf", transforms: 3, hiddenFeatures: 10 }, 3, 2],
  [
    "MAF exp, D=4, unconditional, random permutation",
    { estimator: "maf", affineScale: "exp", transforms: 2, hiddenFeatures: 9, permutation: "random" },
    4,
    0,
  ],
  [
    "MAF coupling, D=5, C=3, tanh, 3 hidden layers",
    { estimator: "maf", form: "coupling", transforms: 2, hiddenFeatures: 8, activation: "tanh", hiddenLayers: 3 },
    5,
    3,
  ],
  ["MAF D=1, C=2, elu", { estimator: "maf", transforms: 2, hiddenFeatures: 6, activation: "elu" }, 1, 2],
];
// the spline's inverse takes the generic output-layer path of sampling (not the fused affine one)
const samplingCases: typeof cases = [
  ...cases,
  ["NSF D=3, C=2", { estimator: "nsf", transforms: 2, hiddenFeatures: 10, bins: 4 }, 3, 2],
  [
    "NSF coupling, D=4, unconditional, tanh",
    { estimator: "nsf", form: "coupling", transforms: 2, hiddenFeatures: 7, bins: 3, activation: "tanh" },
    4,
    0,
  ],
];

describe.each(paths)("conditional flow (%s)", (path) => {
  test.each(samplingCases)("%s: sampling inverts the density and its log-prob matches", (_name, opts, D, C) => {
    const f = randomFlow(path, opts, D, C);
    const n = 50;
    const { tape, x, c, lp } = tapeFor(f, n, false);
    const ctx = Float32Array.from({ length: C }, (_, i) => 0.3 * (i + 1) - 0.4);
    const out = new Float32Array(n * D),
      lpSample = new Float64Array(n);
    f.flow.sample(n, C ? ctx : null, new Rng(5), out, 0, lpSample);
    x.setRows(out, n);
    if (c) for (let i = 0; i < n; i++) c.heap.f32.set(ctx, c.ptr + i * c.ld);
    tape.forward(n);
    for (let i = 0; i < n; i++) expect(Math.abs(f.k.heap.f32[lp.ptr + i] - lpSample[i])).toBeLessThan(2e-3);
    // the samples are not degenerate
    const spread = Math.max(...out) - Math.min(...out);
    expect(spread).toBeGreaterThan(0.5);
  });

  test.each(cases)("%s: backward matches finite differences", (_name, opts, D, C) => {
    const f = randomFlow(path, opts, D, C, 2, 0.4);
    const n = 4;
    const { tape, x, c, lp } = tapeFor(f, n, true);
    const r = new Rng(9);
    for (const t of c ? [x, c] : [x])
      for (let i = 0; i < n; i++) for (let j = 0; j < t.cols; j++) t.heap.f32[t.ptr + i * t.ld + j] = r.normal();
    const loss = () => {
      tape.forward(n);
      let s = 0;
      for (let i = 0; i < n; i++) s += (i + 1) * f.k.heap.f32[lp.ptr + i];
      return s;
    };
    const backward = () => {
      loss();
      f.store.zeroGrad();
      for (let i = 0; i < n; i++) f.k.heap.f32[lp.grad + i] = i + 1;
      tape.backward(n);
    };
    const targets: GradTarget[] = f.store.params.map((p) => ({
      label: p.name,
      ptr: p.ptr,
      grad: p.grad,
      indices: Array.from({ length: p.rows * p.cols }, (_, i) => i)
        .filter((i) => !p.spec.mask || p.spec.mask[i])
        .map((i) => Math.floor(i / p.cols) * p.ld + (i % p.cols)),
    }));
    for (const t of c ? [x, c] : [x]) {
      targets.push({
        label: t === x ? "x" : "context",
        ptr: t.ptr,
        grad: t.grad,
        indices: Array.from({ length: n * t.cols }, (_, i) => Math.floor(i / t.cols) * t.ld + (i % t.cols)),
      });
    }
    const { worst, where, skipped, checked } = gradCheck(f.k, loss, backward, targets, 5e-3, 3e-2);
    expect(worst, where).toBeLessThan(3e-2);
    expect(skipped).toBeLessThan(0.03 * (skipped + checked));
  });
});

test("a 2-D flow density integrates to 1", () => {
  const f = randomFlow("ts", { estimator: "maf", transforms: 3, hiddenFeatures: 8 }, 2, 0, 3, 0.5);
  const G = 241,
    lo = -12,
    hi = 12,
    h = (hi - lo) / (G - 1);
  const { tape, x, lp } = tapeFor(f, G, false);
  let total = 0;
  for (let a = 0; a < G; a++) {
    for (let b = 0; b < G; b++) {
      x.heap.f32[x.ptr + b * x.ld] = lo + a * h;
      x.heap.f32[x.ptr + b * x.ld + 1] = lo + b * h;
    }
    tape.forward(G);
    for (let b = 0; b < G; b++) total += Math.exp(f.k.heap.f32[lp.ptr + b]) * h * h;
  }
  expect(total).toBeGreaterThan(0.98);
  expect(total).toBeLessThan(1.02);
});

test("kernel paths agree on log-prob", () => {
  const [a, b] = paths.length > 1 ? [paths[0], paths[1]] : [paths[0], paths[0]];
  const fa = randomFlow(a, cases[0][1], 3, 2),
    fb = randomFlow(b, cases[0][1], 3, 2);
  const ta = tapeFor(fa, 20, false),
    tb = tapeFor(fb, 20, false);
  const r = new Rng(4);
  const vals = Float32Array.from({ length: 20 * 5 }, () => r.normal());
  for (const t of [ta, tb]) {
    t.x.setRows(vals, 20, 0, 5);
    t.c!.setRows(vals, 20, 3, 5);
    t.tape.forward(20);
  }
  for (let i = 0; i < 20; i++) expect(fa.k.heap.f32[ta.lp.ptr + i]).toBeCloseTo(fb.k.heap.f32[tb.lp.ptr + i], 3);
});
