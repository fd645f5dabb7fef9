import { expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import {
  backSubstituteTransposed,
  choleskyLower,
  choleskyLowerOrNull,
  choleskySolve,
  forwardSubstitute,
} from "./cholesky.js";

test("a 2 × 2 factor by hand: [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]]", () => {
  const L = choleskyLower([4, 2, 2, 3], 2);
  expect(L[0]).toBe(2);
  expect(L[1]).toBe(0);
  expect(L[2]).toBe(1);
  expect(L[3]).toBeCloseTo(Math.SQRT2, 15);
});

test("L Lᵀ reproduces a 58 × 58 covariance (the T2K size) and the solves invert it", () => {
  const n = 58,
    B = Array.from({ length: n * n }, (_, i) => Math.sin(1.7 * i));
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
      A[i * n + j] = s;
    }
  const L = choleskyLower(A, n);
  let err = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += L[i * n + k] * L[j * n + k];
      err = Math.max(err, Math.abs(s - A[i * n + j]));
      if (j > i) expect(L[i * n + j]).toBe(0);
    }
  expect(err).toBeLessThan(1e-12 * n);
  // A x = b for a known x
  const x = Array.from({ length: n }, (_, i) => Math.cos(i));
  const b = Array.from({ length: n }, (_, i) => x.reduce((s, v, j) => s + A[i * n + j] * v, 0));
  const solved = choleskySolve(L, n, b);
  for (let i = 0; i < n; i++) expect(solved[i]).toBeCloseTo(x[i], 10);
  // the two triangular halves separately: L y = b then Lᵀ x = y
  const y = forwardSubstitute(L, n, b);
  for (let i = 0; i < n; i++)
    expect(y.slice(0, i + 1).reduce((s, v, k) => s + L[i * n + k] * v, 0)).toBeCloseTo(b[i], 9);
  expect(Array.from(backSubstituteTransposed(L, n, y))).toEqual(Array.from(solved));
});

test("forward substitution in place gives the same result", () => {
  const L = choleskyLower([4, 2, 2, 3], 2),
    b = Float64Array.of(2, 4);
  const y = forwardSubstitute(L, 2, b);
  expect(Array.from(forwardSubstitute(L, 2, b, b))).toEqual(Array.from(y));
  expect(y[0]).toBe(1); // 2·y0 = 2
  expect(y[1]).toBeCloseTo(3 / Math.SQRT2, 15); // 1·1 + √2·y1 = 4
});

test("a matrix that is not positive definite names the matrix and the pivot; OrNull returns null", () => {
  // eigenvalues 3 and −1: pivot 1 is 1 − 2²/1 = −3
  expect(() => choleskyLower([1, 2, 2, 1], 2, "my covariance")).toThrow(
    /cholesky\(my covariance\): the matrix is not positive definite; pivot 1 \(0-based row\) is -3\.00000/,
  );
  expect(choleskyLowerOrNull([1, 2, 2, 1], 2)).toBeNull();
  expect(choleskyLowerOrNull([1, 0, 0, 1], 2)).not.toBeNull();
  expect(() => choleskyLower([1, 0, NaN, 1], 2)).toThrow(/entry \(1, 0\) is NaN/);
  expect(() => choleskyLower([1, 0, 0], 2)).toThrow(NsbiInputError);
});
