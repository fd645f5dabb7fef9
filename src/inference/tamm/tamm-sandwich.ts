import { choleskyLower, choleskySolve } from "../../numerics/cholesky.js";

/** C = V⁻¹UV⁻¹ and the model-based V⁻¹ (row-major size × size). */
export interface TammCovariances {
  sandwich: Float64Array;
  inverseHessian: Float64Array;
  u: Float64Array;
}

/**
 * Sandwich covariance of an M-estimator θ̂ = argmin F, F = −Σ_α ln p(x_α; θ) + penalty:
 * C = V⁻¹UV⁻¹ with V = ∇²F at θ̂ and U = N/(N − 1) Σ_α (ψ_α − ψ̄)(ψ_α − ψ̄)ᵀ, ψ_α the per-event scores
 * ∇ ln p(x_α) (plus the same sum over the reference sample's influences). They are centred because with the penalty Σ ψ_α = ∇penalty ≠ 0 at θ̂. When the model
 * is well specified and the penalty negligible, U ≈ V and C ≈ V⁻¹; under misspecification (TAMM's
 * point: no template mixture is exactly the truth) C is the covariance of θ̂ about its pseudo-true value.
 * Several independent samples (the data and the reference sample) add their shares to U.
 * @param samples for each independent sample, P columns of per-event score terms
 * @param hessian V, row-major P × P
 * @param name for the error when V is not positive definite
 */
export function tammSandwich(samples: Float64Array[][], hessian: Float64Array, name: string): TammCovariances {
  const size = samples[0].length,
    u = new Float64Array(size * size);
  for (const scores of samples) {
    const rows = scores[0].length,
      centred = scores.map((c) => {
        let m = 0;
        for (let r = 0; r < rows; r++) m += c[r];
        m /= rows;
        return c.map((x) => x - m);
      }),
      scale = rows > 1 ? rows / (rows - 1) : 0;
    for (let a = 0; a < size; a++)
      for (let b = 0; b <= a; b++) {
        const ca = centred[a],
          cb = centred[b];
        let s = 0;
        for (let r = 0; r < rows; r++) s += ca[r] * cb[r];
        u[a * size + b] += scale * s;
        if (a !== b) u[b * size + a] += scale * s;
      }
  }
  const L = choleskyLower(hessian, size, name);
  const solveColumns = (m: Float64Array) => {
    const out = new Float64Array(size * size),
      col = new Float64Array(size);
    for (let c = 0; c < size; c++) {
      for (let r = 0; r < size; r++) col[r] = m[r * size + c];
      const x = choleskySolve(L, size, col);
      for (let r = 0; r < size; r++) out[r * size + c] = x[r];
    }
    return out;
  };
  const identity = new Float64Array(size * size);
  for (let a = 0; a < size; a++) identity[a * size + a] = 1;
  const inverseHessian = solveColumns(identity);
  // V⁻¹U, then (V⁻¹(V⁻¹U)ᵀ)ᵀ = V⁻¹UV⁻¹ (U, V symmetric)
  const vu = solveColumns(u),
    vut = new Float64Array(size * size);
  for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) vut[a * size + b] = vu[b * size + a];
  const sandwich = solveColumns(vut);
  for (let a = 0; a < size; a++)
    for (let b = 0; b < a; b++) {
      const m = 0.5 * (sandwich[a * size + b] + sandwich[b * size + a]);
      sandwich[a * size + b] = sandwich[b * size + a] = m;
    }
  return { sandwich, inverseHessian, u };
}
