import { describe, expect, test } from "vitest";
import type { Kernels } from "../kernels/kernel-api.js";
import { createKernels, type KernelChoice } from "../kernels/select.js";
import { wasmAvailable } from "../kernels/wasm-kernels.js";
import { gemm, gemmTransposedX, type MatrixView } from "./gemm.js";
import { Rng } from "./rng.js";

// The named-operand helpers against a plain float64 triple loop, on every kernel path.
const paths: KernelChoice[] = ["ts", ...(["wasm-simd", "wasm-relaxed-simd"] as const).filter((p) => wasmAvailable(p))];

/** A rows × ld matrix of uniform(-1, 1) values in the heap, also returned as a JS copy. */
function matrix(k: Kernels, rows: number, ld: number, rng: Rng): MatrixView & { values: Float32Array } {
  const ptr = k.heap.alloc(rows * ld),
    values = new Float32Array(rows * ld);
  for (let i = 0; i < values.length; i++) values[i] = 2 * rng.uniform() - 1;
  k.heap.f32.set(values, ptr);
  return { ptr, ld, values };
}

const read = (k: Kernels, v: MatrixView, i: number, j: number) => k.heap.f32[v.ptr + i * v.ld + j];

describe.each(paths)("engine gemm helpers on %s", (path) => {
  test("gemm: Y = relu(bias + addend + X W), masked where Z <= 0, on column sub-views and row ranges", () => {
    const k = createKernels(path),
      rng = new Rng(3);
    const n = 11,
      inner = 9,
      cols = 8,
      c0 = 4; // write result columns [c0, c0 + cols) of 16-wide matrices
    const X = matrix(k, n, 12, rng),
      W = matrix(k, inner, 16, rng),
      B = matrix(k, 1, 16, rng);
    const A = matrix(k, n, 16, rng),
      Z = matrix(k, n, 16, rng),
      Y = matrix(k, n, 16, rng);
    // per group of 4 result columns, the rows of W that can be non-zero (W is zero outside: a mask)
    // Row 8 is outside both: X's column 8 is NaN there, so a product that ignored kRange would be NaN.
    const spans = [
        [2, 7],
        [0, 8],
      ],
      kRange = k.heap.allocI32(4);
    spans.forEach(([s, e], g) => {
      k.heap.i32[kRange + 2 * g] = s;
      k.heap.i32[kRange + 2 * g + 1] = e;
      for (let r = 0; r < inner; r++)
        if (r < s || r >= e) for (let j = 0; j < 4; j++) W.values[r * 16 + c0 + 4 * g + j] = 0;
    });
    k.heap.f32.set(W.values, W.ptr);
    for (let i = 0; i < n; i++) {
      X.values[i * 12 + 8] = NaN;
      k.heap.f32[X.ptr + i * 12 + 8] = NaN;
    }
    const sub = (v: MatrixView) => ({ ptr: v.ptr + c0, ld: v.ld });
    gemm(k, {
      x: X,
      w: sub(W),
      y: sub(Y),
      rows: n,
      inner,
      cols,
      bias: B.ptr + c0,
      addend: sub(A),
      relu: true,
      kRange,
      reluMaskOf: sub(Z),
    });
    let nonZero = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < cols; j++) {
        const [s, e] = spans[j >> 2],
          c = c0 + j;
        let v = B.values[c] + A.values[i * 16 + c];
        for (let r = s; r < e; r++) v += X.values[i * 12 + r] * W.values[r * 16 + c];
        v = Math.max(v, 0);
        if (!(Z.values[i * 16 + c] > 0)) v = 0;
        if (v !== 0) nonZero++;
        expect(read(k, Y, i, c)).toBeCloseTo(v, 5);
      }
      // columns outside the sub-view are untouched
      expect(read(k, Y, i, 0)).toBe(Y.values[i * 16]);
      expect(read(k, Y, i, 12)).toBe(Y.values[i * 16 + 12]);
    }
    expect(nonZero).toBeGreaterThan(10);
  });

  test("gemm without options is the plain product X W", () => {
    const k = createKernels(path),
      rng = new Rng(4);
    const n = 6,
      inner = 5,
      cols = 4;
    const X = matrix(k, n, 8, rng),
      W = matrix(k, inner, 4, rng),
      Y = matrix(k, n, 4, rng);
    gemm(k, { x: X, w: W, y: Y, rows: n, inner, cols });
    for (let i = 0; i < n; i++)
      for (let j = 0; j < cols; j++) {
        let v = 0;
        for (let r = 0; r < inner; r++) v += X.values[i * 8 + r] * W.values[r * 4 + j];
        expect(read(k, Y, i, j)).toBeCloseTo(v, 5);
      }
  });

  test("gemmTransposedX: G (+)= Xᵀ D", () => {
    const k = createKernels(path),
      rng = new Rng(5);
    const n = 13,
      xCols = 6,
      cols = 8;
    const X = matrix(k, n, 8, rng),
      D = matrix(k, n, 8, rng),
      G = matrix(k, xCols, 8, rng);
    gemmTransposedX(k, { x: X, d: D, g: G, rows: n, xCols, cols, accumulate: true });
    const G2 = matrix(k, xCols, 8, rng);
    gemmTransposedX(k, { x: X, d: D, g: G2, rows: n, xCols, cols });
    for (let r = 0; r < xCols; r++)
      for (let c = 0; c < cols; c++) {
        let v = 0;
        for (let i = 0; i < n; i++) v += X.values[i * 8 + r] * D.values[i * 8 + c];
        expect(read(k, G, r, c)).toBeCloseTo(G.values[r * 8 + c] + v, 5);
        expect(read(k, G2, r, c)).toBeCloseTo(v, 5);
      }
  });
});
