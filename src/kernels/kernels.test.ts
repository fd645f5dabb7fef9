import { describe, expect, test } from "vitest";
import { fillRandom } from "../testing/gradcheck.js";
import type { Kernels } from "./kernel-api.js";
import { createKernels, resolveKernelPath } from "./select.js";
import { createTsKernels } from "./ts-kernels.js";
import { wasmAvailable } from "./wasm-kernels.js";

// Each WASM path must match the TypeScript reference to float32 tolerance on the same inputs.
const wasmPaths = (["wasm-simd", "wasm-relaxed-simd"] as const).filter((p) => wasmAvailable(p));

function pair(path: (typeof wasmPaths)[number]): [Kernels, Kernels] {
  return [createTsKernels(), createKernels(path)];
}

/** Allocate the same random buffer in both heaps. */
function same(ks: Kernels[], n: number, seed: number, scale = 1): number[] {
  return ks.map((k) => {
    const p = k.heap.alloc(n);
    fillRandom(k, p, n, seed, scale);
    return p;
  });
}

function maxDiff(a: Kernels, pa: number, b: Kernels, pb: number, n: number): number {
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(a.heap.f32[pa + i] - b.heap.f32[pb + i]));
  return d;
}

function ranges(k: Kernels, pairs: [number, number][]): number {
  const p = k.heap.allocI32(2 * pairs.length);
  pairs.forEach(([s, e], g) => {
    k.heap.i32[p + 2 * g] = s;
    k.heap.i32[p + 2 * g + 1] = e;
  });
  return p;
}

test("wasm SIMD is available in this runtime (Node 20)", () => {
  expect(wasmAvailable("wasm-simd")).toBe(true);
  expect(resolveKernelPath("ts")).toBe("ts");
});

describe.each(wasmPaths)("%s agrees with the TypeScript kernels", (path) => {
  test.each([
    [7, 5, 12, false, false, 0],
    [13, 58, 48, true, false, 1],
    [64, 55, 56, true, true, 1],
    [5, 3, 4, false, true, 0],
    [1030, 55, 4, true, false, 0],
    [10, 20, 20, true, true, 1],
  ])("gemmNN n=%i k=%i m=%i bias=%s addend=%s relu=%i", (n, k, m, bias, addend, relu) => {
    const ks = pair(path);
    const ldx = (k + 3) & ~3;
    const X = same(ks, n * ldx, 1),
      W = same(ks, k * m, 2),
      b = same(ks, m, 3),
      A = same(ks, n * m, 4),
      Y = same(ks, n * m, 5);
    ks.forEach((kk, i) => {
      kk.gemmNN(X[i], ldx, W[i], m, bias ? b[i] : 0, addend ? A[i] : 0, m, Y[i], m, n, k, m, relu, 0, 0, 0, 0);
    });
    expect(maxDiff(ks[0], Y[0], ks[1], Y[1], n * m)).toBeLessThan(2e-5 * k);
    // the output is not trivially zero
    expect(Math.max(...Array.from(ks[1].heap.f32.subarray(Y[1], Y[1] + n * m)).map(Math.abs))).toBeGreaterThan(0.1);
  });

  test("gemmNN with row ranges and the fused ReLU backward mask", () => {
    const ks = pair(path);
    const n = 9,
      k = 10,
      m = 12;
    const X = same(ks, n * 12, 6),
      W = same(ks, k * m, 7),
      Z = same(ks, n * m, 8),
      Y = same(ks, n * m, 9);
    const spans: [number, number][] = [
      [0, 3],
      [2, 10],
      [10, 0],
    ];
    const R = ks.map((kk) => ranges(kk, spans));
    // contract: rows outside a group's range are zero in W (the kernel may still read them)
    ks.forEach((kk, i) => {
      for (let r = 0; r < k; r++)
        for (let c = 0; c < m; c++) {
          const [s, e] = spans[c >> 2];
          if (r < s || r >= e) kk.heap.f32[W[i] + r * m + c] = 0;
        }
    });
    ks.forEach((kk, i) => {
      kk.gemmNN(X[i], 12, W[i], m, 0, 0, 0, Y[i], m, n, k, m, 0, R[i], Z[i], m, 1);
    });
    expect(maxDiff(ks[0], Y[0], ks[1], Y[1], n * m)).toBeLessThan(1e-5 * k);
    // reference by hand for one entry: row 4, column 5 (group 1: rows 2..9), masked by Z
    const f = ks[0].heap.f32;
    let s = 0;
    for (let r = 2; r < 10; r++) s += f[X[0] + 4 * 12 + r] * f[W[0] + r * m + 5];
    const expected = f[Z[0] + 4 * m + 5] > 0 ? s : 0;
    expect(ks[1].heap.f32[Y[1] + 4 * m + 5]).toBeCloseTo(expected, 5);
    // empty group 2 gives exactly zero
    expect(ks[1].heap.f32[Y[1] + 3 * m + 9]).toBe(0);
  });

  test.each([
    [512, 58, 48],
    [37, 6, 8],
    [3, 5, 4],
  ])("gemmTN n=%i k=%i m=%i, colSum", (n, k, m) => {
    const ks = pair(path);
    const ldx = (k + 3) & ~3;
    const X = same(ks, n * ldx, 10),
      D = same(ks, n * m, 11),
      G = same(ks, k * m, 12),
      b = same(ks, m, 13);
    ks.forEach((kk, i) => {
      kk.gemmTN(X[i], ldx, D[i], m, G[i], m, n, k, m, 1, 0);
      kk.colSum(D[i], m, b[i], n, m, 0);
    });
    expect(maxDiff(ks[0], G[0], ks[1], G[1], k * m)).toBeLessThan(3e-6 * n);
    expect(maxDiff(ks[0], b[0], ks[1], b[1], m)).toBeLessThan(3e-6 * n);
  });

  test("adam, sumSq, scale, mulInPlace", () => {
    const ks = pair(path);
    const n = 64;
    const p = same(ks, n, 14),
      g = same(ks, n, 15),
      m = same(ks, n, 16, 0.1),
      v = same(ks, n, 17, 0.01);
    ks.forEach((kk, i) => {
      const f = kk.heap.f32;
      for (let j = 0; j < n; j++) f[v[i] + j] = Math.abs(f[v[i] + j]);
    });
    for (const [wd, mode] of [
      [0, 0],
      [0.1, 0],
      [0.1, 1],
    ]) {
      ks.forEach((kk, i) => {
        kk.adam(p[i], g[i], m[i], v[i], n, 1e-2, 0.9, 0.999, 1e-8, wd, mode, 0.19, 0.002);
      });
      expect(maxDiff(ks[0], p[0], ks[1], p[1], n)).toBeLessThan(1e-6);
      expect(maxDiff(ks[0], v[0], ks[1], v[1], n)).toBeLessThan(1e-7);
    }
    expect(ks[1].sumSq(g[1], n)).toBeCloseTo(ks[0].sumSq(g[0], n), 4);
    ks.forEach((kk, i) => {
      kk.scale(g[i], n, 0.5);
      kk.mulInPlace(g[i], p[i], n);
    });
    expect(maxDiff(ks[0], g[0], ks[1], g[1], n)).toBeLessThan(1e-6);
  });

  test.each([0, 1])("affine forward/backward, scale mode %i", (mode) => {
    const ks = pair(path);
    const n = 11,
      d = 3;
    const X = same(ks, n * 4, 18, 2),
      P = same(ks, n * 8, 19, 1.5),
      Z = same(ks, n * 4, 20),
      L = same(ks, n, 21);
    const G = same(ks, n * 4, 22),
      GL = same(ks, n, 23),
      dP = same(ks, n * 8, 24),
      dX = same(ks, n * 4, 25);
    ks.forEach((kk, i) => {
      kk.affineForward(X[i], 4, P[i], 8, Z[i], 4, L[i], n, d, mode);
      kk.affineBackward(X[i], 4, P[i], 8, G[i], 4, GL[i], dP[i], 8, dX[i], 4, 1, n, d, mode);
    });
    for (const [a, b, len] of [
      [Z, Z, n * 4],
      [L, L, n],
      [dP, dP, n * 8],
      [dX, dX, n * 4],
    ] as const) {
      expect(maxDiff(ks[0], a[0], ks[1], b[1], len)).toBeLessThan(2e-5);
    }
  });

  test.each([0, 1])("affine inverse with parameters from hidden units, scale mode %i", (mode) => {
    const ks = pair(path);
    const n = 23,
      k = 28,
      ldh = 32,
      ldwt = 32;
    const H = same(ks, n * ldh, 32),
      Wt = same(ks, 2 * ldwt, 33, 0.3),
      b = same(ks, 2, 34),
      Z = same(ks, n * 4, 35, 2);
    const X = same(ks, n * 4, 36),
      L = same(ks, n, 37);
    ks.forEach((kk, i) => {
      kk.heap.f32.fill(0, L[i], L[i] + n);
    });
    ks.forEach((kk, i) => {
      kk.affineInverseDot(H[i], ldh, Wt[i], ldwt, b[i], Z[i] + 1, 4, X[i] + 1, 4, L[i], n, k, mode);
    });
    expect(maxDiff(ks[0], X[0], ks[1], X[1], n * 4)).toBeLessThan(2e-5 * k);
    expect(maxDiff(ks[0], L[0], ks[1], L[1], n)).toBeLessThan(2e-5 * k);
    // a row's result does not depend on whether it falls in a 4-row block or in the tail
    const Xb = ks[1].heap.alloc(n * 4);
    ks[1].affineInverseDot(H[1], ldh, Wt[1], ldwt, b[1], Z[1] + 1, 4, Xb + 1, 4, 0, n - 2, k, mode);
    for (let r = 0; r < n - 2; r++) expect(ks[1].heap.f32[Xb + 4 * r + 1]).toBe(ks[1].heap.f32[X[1] + 4 * r + 1]);
    // the same as the GEMM of the interleaved output layer followed by affineInverse
    const kk = ks[1],
      W = kk.heap.alloc(k * 4),
      P = kk.heap.alloc(n * 4),
      X2 = kk.heap.alloc(n * 4),
      L2 = kk.heap.alloc(n);
    for (let r = 0; r < k; r++)
      for (let c = 0; c < 2; c++) kk.heap.f32[W + r * 4 + c] = kk.heap.f32[Wt[1] + c * ldwt + r];
    kk.gemmNN(H[1], ldh, W, 4, 0, 0, 0, P, 4, n, k, 4, 0, 0, 0, 0, 0);
    for (let r = 0; r < n; r++) {
      kk.heap.f32[P + 4 * r] += kk.heap.f32[b[1]];
      kk.heap.f32[P + 4 * r + 1] += kk.heap.f32[b[1] + 1];
    }
    kk.affineInverse(Z[1] + 1, 4, P, 4, X2 + 1, 4, L2, n, 1, mode);
    for (let r = 0; r < n; r++) {
      expect(kk.heap.f32[X2 + 4 * r + 1]).toBeCloseTo(kk.heap.f32[X[1] + 4 * r + 1], 4);
      expect(kk.heap.f32[L2 + r]).toBeCloseTo(kk.heap.f32[L[1] + r], 5);
    }
  });

  test.each([0, 1])("affine inverse undoes affine forward, scale mode %i", (mode) => {
    const ks = pair(path);
    const n = 11,
      d = 3;
    const X = same(ks, n * 4, 26, 2),
      P = same(ks, n * 8, 27, 1.5),
      Z = same(ks, n * 4, 28),
      L = same(ks, n, 29);
    const Xi = same(ks, n * 4, 30),
      Li = same(ks, n, 31);
    ks.forEach((kk, i) => {
      kk.heap.f32.fill(0, L[i], L[i] + n);
      kk.heap.f32.fill(0, Li[i], Li[i] + n);
      kk.affineForward(X[i], 4, P[i], 8, Z[i], 4, L[i], n, d, mode);
      kk.affineInverse(Z[i], 4, P[i], 8, Xi[i], 4, Li[i], n, d, mode);
    });
    for (const [a, b, len] of [
      [Xi, Xi, n * 4],
      [Li, Li, n],
    ] as const) {
      expect(maxDiff(ks[0], a[0], ks[1], b[1], len)).toBeLessThan(2e-5);
    }
    for (let r = 0; r < n; r++)
      for (let j = 0; j < d; j++) {
        expect(ks[1].heap.f32[Xi[1] + r * 4 + j]).toBeCloseTo(ks[1].heap.f32[X[1] + r * 4 + j], 4);
      }
    expect(maxDiff(ks[1], L[1], ks[1], Li[1], n)).toBeLessThan(1e-6);
  });
});
