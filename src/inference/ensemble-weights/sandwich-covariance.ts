import { choleskySolve } from "../../numerics/cholesky.js";
import { basisColumns, dot, linearCombination } from "./basis-columns.js";
import { checkWeights } from "./basis-values.js";
import { checkFitData, type EnsembleFitData, symmetrisedMlcLoss } from "./mlc-loss.js";
import { factorV } from "./v-factor.js";

/** The sandwich covariance of ŵ and its two factors (all row-major size × size). */
export interface SandwichCovariance {
  /** C = V⁻¹ U V⁻¹: the covariance of ŵ over repeated fit sets. */
  covariance: Float64Array;
  /** U = Cov(∇L) = Σ_classes N_c · Cov_c(per-event gradient). */
  u: Float64Array;
  /** V = ∇²L, the Hessian of the summed loss. */
  v: Float64Array;
  size: number;
}

/**
 * Sandwich (M-estimator) covariance of the fitted weights of a w_i f_i ensemble (arXiv 2506.00113):
 * C = V⁻¹ U V⁻¹ from the analytic per-event terms of the symmetrised MLC loss, s = ŵ·f(x):
 * per-event gradients g = −f(1 + e^{−s}) on numerator events and f(1 + e^{s}) on denominator events;
 * U_ij = Cov(∂L/∂w_i, ∂L/∂w_j), estimated as N_n·Cov_n(g) + N_d·Cov_d(g) with each class's sample
 * covariance (the two classes are independent samples; each class's mean gradient is not zero,
 * only their sum is); V = Σ_n f fᵀ e^{−s} + Σ_d f fᵀ e^{s}. The symmetrised MLC loss is not a
 * log-likelihood, so U ≠ V even for a well-specified ensemble: the sandwich is needed.
 * @throws NsbiInputError when V is singular or nearly so (naming the collinear network)
 */
export function sandwichCovariance(data: EnsembleFitData, weights: ArrayLike<number>): SandwichCovariance {
  checkFitData(data, "sandwichCovariance");
  checkWeights(data.numerator, weights, "sandwichCovariance");
  const k = data.numerator.size;
  // V is the loss's own Hessian; only U needs the per-event terms here
  const v = symmetrisedMlcLoss(data, weights).hessian;
  const u = new Float64Array(k * k);
  for (const [b, sign] of [
    [data.numerator, 1],
    [data.denominator, -1],
  ] as const) {
    const cols = basisColumns(b),
      rows = b.rows;
    const s = linearCombination(cols, weights, rows);
    const e = new Float64Array(rows),
      c = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      e[r] = Math.exp(-sign * s[r]);
      c[r] = -sign * (1 + e[r]);
    }
    // the class's per-event gradients g_i = c·f_i, centred on their class mean (two passes)
    const centred = cols.map((col) => {
      const h = new Float64Array(rows);
      let mean = 0;
      for (let r = 0; r < rows; r++) mean += h[r] = c[r] * col[r];
      mean /= rows;
      for (let r = 0; r < rows; r++) h[r] -= mean;
      return h;
    });
    // N_c · sample covariance = N_c / (N_c − 1) · Σ h_i h_j
    const scale = rows > 1 ? rows / (rows - 1) : 0;
    for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) u[i * k + j] += scale * dot(centred[i], centred[j], rows);
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) u[j * k + i] = u[i * k + j];
  const L = factorV(v, data.numerator, "sandwichCovariance");
  // X = V⁻¹U column by column, then V⁻¹Xᵀ = V⁻¹UV⁻¹ (U, V symmetric) column by column
  const x = new Float64Array(k * k),
    col = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < k; i++) col[i] = u[i * k + j];
    const s = choleskySolve(L, k, col);
    for (let i = 0; i < k; i++) x[i * k + j] = s[i];
  }
  const covariance = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) col[j] = x[i * k + j]; // row i of X = column i of Xᵀ
    const s = choleskySolve(L, k, col);
    for (let j = 0; j < k; j++) covariance[j * k + i] = s[j];
  }
  // symmetrise away rounding
  for (let i = 0; i < k; i++)
    for (let j = 0; j < i; j++) {
      const a = 0.5 * (covariance[i * k + j] + covariance[j * k + i]);
      covariance[i * k + j] = a;
      covariance[j * k + i] = a;
    }
  return { covariance, u, v, size: k };
}
