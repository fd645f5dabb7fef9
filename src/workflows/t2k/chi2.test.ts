import { expect, test } from "vitest";
import { NsbiInputError } from "../../errors.js";
import { Chi2, chi2Diagonal, chi2Full } from "./chi2.js";
import { choleskyLower } from "../../numerics/cholesky.js";

test("diagonal covariance: full χ² = diagonal χ² = Σ r²/σ²", () => {
  const d = [1, 2, 3],
    x = [1.5, 1, 3.3],
    v = [0.25, 4, 0.09];
  const cov = [v[0], 0, 0, 0, v[1], 0, 0, 0, v[2]];
  const expected = 0.25 / 0.25 + 1 / 4 + 0.09 / 0.09;
  expect(chi2Full(x, d, cov)).toBeCloseTo(expected, 12);
  expect(chi2Diagonal(x, d, cov)).toBeCloseTo(expected, 12);
});

test("2 × 2 correlated: χ² = (r₁²σ₂² − 2ρσ₁σ₂r₁r₂ + r₂²σ₁²)/(σ₁²σ₂²(1 − ρ²))", () => {
  const s1 = 0.3,
    s2 = 1.7,
    rho = -0.6,
    r1 = 0.4,
    r2 = -1.1;
  const cov = [s1 * s1, rho * s1 * s2, rho * s1 * s2, s2 * s2];
  const expected =
    (r1 * r1 * s2 * s2 - 2 * rho * s1 * s2 * r1 * r2 + r2 * r2 * s1 * s1) / (s1 * s1 * s2 * s2 * (1 - rho * rho));
  expect(chi2Full([r1, r2], [0, 0], cov)).toBeCloseTo(expected, 10);
  expect(chi2Diagonal([r1, r2], [0, 0], cov)).toBeCloseTo((r1 * r1) / (s1 * s1) + (r2 * r2) / (s2 * s2), 12);
});

test("a fully correlated normalisation: with V = σ²I + a²·11ᵀ, a residual along 1 gives n·r²/(σ² + n a²) (Sherman–Morrison)", () => {
  const n = 5,
    s2 = 0.04,
    a2 = 0.09,
    r = 0.3;
  const cov = Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? s2 : 0) + a2);
  expect(new Chi2(new Array(n).fill(0), cov).full(new Array(n).fill(r))).toBeCloseTo((n * r * r) / (s2 + n * a2), 10);
});

test("Cholesky reproduces the matrix: L Lᵀ = A", () => {
  const A = [4, 2, -2, 2, 10, 1, -2, 1, 5.5];
  const L = choleskyLower(A, 3);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += L[i * 3 + k] * L[j * 3 + k];
      expect(s).toBeCloseTo(A[i * 3 + j], 12);
    }
});

test("a matrix that is not positive definite: NsbiInputError naming the matrix and the pivot", () => {
  const bad = [1, 2, 2, 1]; // eigenvalues 3, −1: pivot 1 is 1 − 4 = −3
  expect(() => new Chi2([0, 0], bad, "my covariance")).toThrow(NsbiInputError);
  expect(() => new Chi2([0, 0], bad, "my covariance")).toThrow(/cholesky\(my covariance\).*pivot 1 .*-3/);
  expect(() => chi2Full([0], [0, 0], [1, 0, 0, 1])).toThrow(/prediction has 1 values, expected 2/);
  expect(() => chi2Diagonal([0, 0], [0, 0], [1, 0, 0, 0])).toThrow(/diagonal \[1\] is 0/);
});
