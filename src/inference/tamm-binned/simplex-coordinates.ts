import { logGamma } from "../../numerics/log-gamma.js";

/**
 * Additive log-ratio (ALR) coordinates of the probability simplex: a point w of the K-simplex is
 * z ∈ ℝ^{K−1} with w = softmax(z_1, …, z_{K−1}, 0), i.e. z_k = log(w_k / w_K). K = 2 is the logit:
 * w_1 = σ(z_1). The map is a bijection from ℝ^{K−1} onto the open simplex, and the Jacobian of
 * (z_1..z_{K−1}) ↦ (w_1..w_{K−1}) is |det| = Π_{k=1}^{K} w_k (matrix determinant lemma on
 * diag(w) − w wᵀ), so a Dirichlet(α) on w has density Π_k w_k^{α_k} / B(α) in z: log-concave in z,
 * with exponential tails (proper for every α_k > 0).
 */

/**
 * log w_k for the K = zCount + 1 components, from the zCount log-ratios stored at z[offset..]; writes
 * logW[0..K) and w[0..K). Stable for any finite z (log-sum-exp with the maximum pulled out).
 */
export function simplexFromLogRatios(
  z: ArrayLike<number>,
  offset: number,
  zCount: number,
  logW: Float64Array,
  w: Float64Array,
): void {
  let m = 0;
  for (let k = 0; k < zCount; k++) m = Math.max(m, z[offset + k]);
  let s = Math.exp(-m);
  for (let k = 0; k < zCount; k++) s += Math.exp(z[offset + k] - m);
  const lse = m + Math.log(s);
  for (let k = 0; k < zCount; k++) logW[k] = z[offset + k] - lse;
  logW[zCount] = -lse;
  for (let k = 0; k <= zCount; k++) w[k] = Math.exp(logW[k]);
}

/** The ALR coordinates z_k = log(w_k / w_K) of a point of the open simplex (all w_k > 0). */
export function logRatiosFromSimplex(w: ArrayLike<number>): Float64Array {
  const K = w.length,
    z = new Float64Array(K - 1),
    last = Math.log(w[K - 1]);
  for (let k = 0; k < K - 1; k++) z[k] = Math.log(w[k]) - last;
  return z;
}

/** log B(α) = Σ log Γ(α_k) − log Γ(Σ α_k), the Dirichlet normaliser. */
export function logMultivariateBeta(alpha: ArrayLike<number>): number {
  let s = 0,
    a0 = 0;
  for (let k = 0; k < alpha.length; k++) {
    s += logGamma(alpha[k]);
    a0 += alpha[k];
  }
  return s - logGamma(a0);
}

/**
 * log density in ALR coordinates of a Dirichlet(α) on the simplex, Jacobian included:
 * Σ_k α_k log w_k − log B(α) (pass logBeta = logMultivariateBeta(α), computed once). When `gradient`
 * is given, adds d/dz_m = α_m − w_m Σα to gradient[offset + m], m < K − 1.
 */
export function dirichletLogDensityInLogRatios(
  alpha: ArrayLike<number>,
  logBeta: number,
  logW: ArrayLike<number>,
  w: ArrayLike<number>,
  gradient: Float64Array | null,
  offset: number,
): number {
  const K = alpha.length;
  let lp = -logBeta,
    a0 = 0;
  for (let k = 0; k < K; k++) {
    lp += alpha[k] * logW[k];
    a0 += alpha[k];
  }
  if (gradient !== null) for (let m = 0; m < K - 1; m++) gradient[offset + m] += alpha[m] - w[m] * a0;
  return lp;
}
