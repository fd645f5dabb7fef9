import { describe, expect, test } from "vitest";
import { normShapeSpace } from "./norm-shape.js";

describe("normShapeSpace", () => {
  const v = [2, 5, 3, 1],
    w = [0.5, 0.2, 1, 2],
    n = 4;
  const N = v.reduce((s, x, i) => s + x * w[i], 0);
  const diag = [0.04, 0.09, 0.01, 0.02];
  const s = 0.1; // 10% fully correlated normalisation
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) cov[i * n + j] = s * s * v[i] * v[j] + (i === j ? diag[i] : 0);
  const ns = normShapeSpace(v, cov, w);

  test("y of the data is (integrated cross section, bin fractions)", () => {
    expect(ns.data[0]).toBeCloseTo(N, 12);
    for (let i = 0; i < n - 1; i++) expect(ns.data[i + 1]).toBeCloseTo((v[i] * w[i]) / N, 12);
  });

  test("a fully correlated normalisation uncertainty moves only N: it vanishes from the shape block", () => {
    const onlyDiag = new Float64Array(n * n);
    for (let i = 0; i < n; i++) onlyDiag[i * n + i] = diag[i];
    const nd = normShapeSpace(v, onlyDiag, w);
    // var N = s² N² + Σ w² diag
    expect(ns.covariance[0]).toBeCloseTo(s * s * N * N + diag.reduce((a, d, i) => a + w[i] ** 2 * d, 0), 10);
    for (let r = 1; r < n; r++)
      for (let c = 1; c < n; c++) expect(ns.covariance[r * n + c]).toBeCloseTo(nd.covariance[r * n + c], 12);
    for (let r = 1; r < n; r++) expect(ns.covariance[r]).toBeCloseTo(nd.covariance[r], 12);
  });

  test("fraction variances match the delta method: var f_i = Σ_j (∂f_i/∂v_j)² σ_j² for a diagonal covariance", () => {
    const onlyDiag = new Float64Array(n * n);
    for (let i = 0; i < n; i++) onlyDiag[i * n + i] = diag[i];
    const nd = normShapeSpace(v, onlyDiag, w);
    for (let i = 0; i < n - 1; i++) {
      let want = 0;
      for (let j = 0; j < n; j++) {
        const d = w[j] * ((i === j ? 1 / N : 0) - (v[i] * w[i]) / (N * N));
        want += d * d * diag[j];
      }
      expect(nd.covariance[(i + 1) * n + i + 1]).toBeCloseTo(want, 14);
    }
  });

  test("a prediction that is the data scaled by k has the same fractions and N scaled by k", () => {
    const y = ns.transform(v.map((x) => 1.3 * x));
    expect(y[0]).toBeCloseTo(1.3 * N, 12);
    for (let i = 1; i < n; i++) expect(y[i]).toBeCloseTo(ns.data[i], 14);
  });

  test("wrong sizes are rejected", () => {
    expect(() => normShapeSpace(v, cov.subarray(1), w)).toThrow(/covariance/);
    expect(() => normShapeSpace(v, cov, [1, 1, 1])).toThrow(/widths/);
    expect(() => ns.transform([1, 2])).toThrow(/expected 4/);
  });
});
