import { NsbiInputError } from "../../errors.js";

export interface GongSamaniegoInput {
  /** σ_MLE of the downstream parameter with the ratio taken as exact (1/√ observed information). */
  sigmaStatistical: number;
  /** A_i = ∂²ℒ/∂w_i∂θ of the test log-likelihood ℒ at (ŵ, θ̂). */
  crossDerivative: ArrayLike<number>;
  /** C, the covariance of ŵ (row-major size × size). */
  covariance: ArrayLike<number>;
}

export interface GongSamaniegoResult {
  /** σ_θ̂ = σ_MLE √(1 + σ²_MLE AᵀCA): the error including the ensemble's fit uncertainty. */
  sigma: number;
  /** 1 + σ²_MLE AᵀCA, the variance inflation. */
  inflation: number;
  /** σ⁴_MLE AᵀCA, the ensemble's share of the variance. */
  ensembleVariance: number;
}

/**
 * Propagates the covariance of a first-stage estimate ŵ into the second-stage MLE θ̂(ŵ) (Gong and
 * Samaniego 1981; used for w_i f_i ensembles in arXiv 2506.00113): with ŵ independent of the test data,
 *
 *   σ²_θ̂ = σ²_MLE (1 + σ²_MLE AᵀCA),  A_i = ∂²ℒ/∂w_i∂θ,
 *
 * the delta method on θ̂(w), whose gradient is dθ̂/dw = σ²_MLE A.
 */
export function gongSamaniego(input: GongSamaniegoInput): GongSamaniegoResult {
  const { sigmaStatistical: s, crossDerivative: a, covariance: c } = input;
  const k = a.length;
  if (!(s > 0) || !Number.isFinite(s))
    throw new NsbiInputError(`gongSamaniego: sigmaStatistical must be a positive finite number, got ${s}`);
  if (c.length !== k * k)
    throw new NsbiInputError(`gongSamaniego: covariance has ${c.length} entries for ${k} cross derivatives`);
  let q = 0;
  for (let i = 0; i < k; i++) {
    let ca = 0;
    for (let j = 0; j < k; j++) ca += c[i * k + j] * a[j];
    q += a[i] * ca;
  }
  if (!Number.isFinite(q) || q < -1e-12 * Math.abs(q))
    throw new NsbiInputError(`gongSamaniego: AᵀCA = ${q}; C must be a finite covariance matrix`);
  const inflation = 1 + s * s * Math.max(0, q);
  return { sigma: s * Math.sqrt(inflation), inflation, ensembleVariance: s ** 4 * Math.max(0, q) };
}
