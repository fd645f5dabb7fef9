// The row-movement kernels (gatherRows, transpose, addRows) on every kernel path, against plain
// JavaScript references: exact values, odd widths, padded leading dimensions, and nothing written
// outside the region the contract names.
import { describe, expect, test } from "vitest";
import type { KernelPath, Kernels } from "./kernel-api.js";
import { createKernels } from "./select.js";
import { wasmAvailable } from "./wasm-kernels.js";

const paths: KernelPath[] = ["ts", ...(["wasm-simd", "wasm-relaxed-simd"] as const).filter((p) => wasmAvailable(p))];

/** A value no kernel computes from the random inputs below: marks memory that must stay untouched. */
const SENTINEL = -7777.25;

/** Deterministic float32 values in (-4, 4) (mulberry32). */
function randomF32(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = 8 * (((t ^ (t >>> 14)) >>> 0) / 4294967296) - 4;
  }
  return out;
}

/**
 * A buffer of `n` elements filled with `fill`, surrounded by `guard` sentinel elements on each
 * side (so a kernel writing one row too far or one element early is caught).
 */
function buffer(
  k: Kernels,
  n: number,
  fill: Float32Array | number,
  guard = 16,
): { ptr: number; total: number; base: number } {
  const base = k.heap.alloc(n + 2 * guard);
  const f = k.heap.f32;
  f.fill(SENTINEL, base, base + n + 2 * guard);
  if (typeof fill === "number") f.fill(fill, base + guard, base + guard + n);
  else f.set(fill.subarray(0, n), base + guard);
  // keep the data 16-byte aligned for the SIMD kernels (guard is a multiple of 4)
  return { ptr: base + guard, total: n + 2 * guard, base };
}

/** The whole buffer including guards, as a copy. */
function snapshot(k: Kernels, b: { total: number; base: number }): Float32Array {
  return k.heap.f32.slice(b.base, b.base + b.total);
}

describe.each(paths)("%s row kernels", (path) => {
  test.each([
    // [source rows, lds, n, d, ldd]
    [11, 9, 17, 7, 10],
    [5, 6, 3, 5, 8],
    [40, 16, 64, 13, 15],
    [1000, 21, 257, 19, 23],
    [3, 1, 9, 1, 3],
    [8, 12, 0, 3, 4],
  ])("gatherRows R=%i lds=%i n=%i d=%i ldd=%i", (R, lds, n, d, ldd) => {
    const k = createKernels(path);
    const src = randomF32(R * lds, 17 + R + d);
    const S = buffer(k, R * lds, src);
    const D = buffer(k, n * ldd, SENTINEL);
    // indices: repeated rows, the first and last row, and reversed order
    const idxVals = Array.from({ length: n }, (_, i) => (i === 0 ? R - 1 : i === 1 ? 0 : (i * 7919 + 3) % R));
    const I = k.heap.allocI32(Math.max(1, n));
    k.heap.i32.set(idxVals, I);
    const srcBefore = snapshot(k, S);

    k.gatherRows(S.ptr, lds, I, D.ptr, ldd, n, d);

    const f = k.heap.f32;
    const expected = new Float32Array(D.total).fill(SENTINEL);
    const g = D.ptr - D.base;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) expected[g + i * ldd + j] = src[idxVals[i] * lds + j];
    expect(Array.from(f.subarray(D.base, D.base + D.total))).toEqual(Array.from(expected));
    // the source and the index vector are read only
    expect(Array.from(snapshot(k, S))).toEqual(Array.from(srcBefore));
    expect(Array.from(k.heap.i32.subarray(I, I + n))).toEqual(idxVals);
    if (n > 0) {
      // the copied values are real data, not the sentinel
      expect(f[D.ptr]).toBe(src[(R - 1) * lds]);
      expect(f[D.ptr + (n - 1) * ldd + d - 1]).not.toBe(SENTINEL);
    }
  });

  test("gatherRows reads whole rows at the right stride (row r starts at r·lds)", () => {
    const k = createKernels(path);
    const R = 6,
      lds = 7,
      d = 5,
      ldd = 5;
    // src[r, j] = 100 r + j: any off-by-stride error shows up as a wrong value
    const src = Float32Array.from({ length: R * lds }, (_, e) => 100 * Math.floor(e / lds) + (e % lds));
    const S = buffer(k, R * lds, src);
    const D = buffer(k, 3 * ldd, SENTINEL);
    const I = k.heap.allocI32(3);
    k.heap.i32.set([4, 2, 5], I);
    k.gatherRows(S.ptr, lds, I, D.ptr, ldd, 3, d);
    expect(Array.from(k.heap.f32.subarray(D.ptr, D.ptr + 3 * ldd))).toEqual([
      400, 401, 402, 403, 404, 200, 201, 202, 203, 204, 500, 501, 502, 503, 504,
    ]);
    expect(k.heap.f32[D.ptr + 3 * ldd]).toBe(SENTINEL);
    expect(k.heap.f32[D.ptr - 1]).toBe(SENTINEL);
  });

  test.each([
    // [rows, cols, ldw, ldt]
    [3, 5, 5, 3],
    [7, 5, 9, 11],
    [13, 9, 10, 17],
    [1, 1, 4, 4],
    [58, 50, 52, 61],
    [2, 33, 35, 5],
    [0, 4, 4, 4],
  ])("transpose rows=%i cols=%i ldw=%i ldt=%i", (rows, cols, ldw, ldt) => {
    const k = createKernels(path);
    const w = randomF32(Math.max(rows, 1) * ldw, 100 + rows * cols);
    const W = buffer(k, rows * ldw, w);
    const T = buffer(k, cols * ldt, SENTINEL);
    const wBefore = snapshot(k, W);

    k.transpose(W.ptr, ldw, rows, cols, T.ptr, ldt);

    const expected = new Float32Array(T.total).fill(SENTINEL);
    const g = T.ptr - T.base;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expected[g + c * ldt + r] = w[r * ldw + c];
    // exact: a transpose only moves values; columns r >= rows of T and the guards stay untouched
    expect(Array.from(snapshot(k, T))).toEqual(Array.from(expected));
    expect(Array.from(snapshot(k, W))).toEqual(Array.from(wBefore));
  });

  test("transpose twice is the identity on the written block", () => {
    const k = createKernels(path);
    const rows = 11,
      cols = 6,
      ldw = 7,
      ldt = 13;
    const w = randomF32(rows * ldw, 5);
    const W = buffer(k, rows * ldw, w);
    const T = buffer(k, cols * ldt, 0);
    const B = buffer(k, rows * ldw, SENTINEL);
    k.transpose(W.ptr, ldw, rows, cols, T.ptr, ldt);
    k.transpose(T.ptr, ldt, cols, rows, B.ptr, ldw);
    const f = k.heap.f32;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < ldw; c++) {
        // the padding column ldw-1 (c >= cols) was never written
        expect(f[B.ptr + r * ldw + c]).toBe(c < cols ? w[r * ldw + c] : SENTINEL);
      }
    }
  });

  test.each([
    // [n, m, lds, ldd, acc]
    [5, 4, 4, 4, 0],
    [5, 4, 4, 4, 1],
    [9, 12, 13, 20, 0],
    [9, 12, 13, 20, 1],
    [33, 8, 17, 9, 1],
    [64, 48, 52, 56, 1],
    [1, 4, 8, 8, 0],
    [0, 8, 8, 8, 1],
  ])("addRows n=%i m=%i lds=%i ldd=%i acc=%i", (n, m, lds, ldd, acc) => {
    const k = createKernels(path);
    const s = randomF32(Math.max(n, 1) * lds, 31 + n + m);
    const t0 = randomF32(Math.max(n, 1) * ldd, 77 + n + m);
    const S = buffer(k, n * lds, s);
    const D = buffer(k, n * ldd, t0);
    const sBefore = snapshot(k, S),
      dBefore = snapshot(k, D);

    k.addRows(S.ptr, lds, D.ptr, ldd, n, m, acc);

    const expected = dBefore.slice();
    const g = D.ptr - D.base;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        const e = g + i * ldd + j;
        expected[e] = acc ? Math.fround(t0[i * ldd + j] + s[i * lds + j]) : s[i * lds + j];
      }
    }
    // float32 addition is exactly rounded, so every path must match bit for bit; columns m..ldd,
    // rows >= n and the guards keep their previous contents
    expect(Array.from(snapshot(k, D))).toEqual(Array.from(expected));
    expect(Array.from(snapshot(k, S))).toEqual(Array.from(sBefore));
    if (n > 0 && acc) expect(k.heap.f32[D.ptr]).not.toBe(s[0]);
  });

  test("addRows accumulates over repeated calls", () => {
    const k = createKernels(path);
    const n = 3,
      m = 8,
      ld = 12;
    const S = buffer(k, n * ld, 0.5);
    const D = buffer(k, n * ld, 0);
    for (let r = 0; r < 4; r++) k.addRows(S.ptr, ld, D.ptr, ld, n, m, 1);
    const f = k.heap.f32;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < ld; j++) expect(f[D.ptr + i * ld + j]).toBe(j < m ? 2 : 0);
    }
    // acc = 0 overwrites instead
    k.addRows(S.ptr, ld, D.ptr, ld, n, m, 0);
    expect(f[D.ptr + ld + 3]).toBe(0.5);
  });
});

test("all three kernel paths are exercised in this runtime", () => {
  // vitest.config.ts enables relaxed SIMD for the test workers
  expect(paths).toEqual(["ts", "wasm-simd", "wasm-relaxed-simd"]);
});
