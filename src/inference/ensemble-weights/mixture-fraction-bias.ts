import { NsbiInputError } from "../../errors.js";
import { type BasisValues, checkWeights, ensembleLogRatio } from "./basis-values.js";

/** The second-order bias of κ̂ in the mixture-fraction task, split into its sources. */
export interface MixtureFractionBias {
  /** E[κ̂] − κ to second order: the sum of the terms below. Subtract it from κ̂ to correct. */
  bias: number;
  /**
   * The part with the ratio taken as exact (Cox–Snell). For this likelihood, linear in κ, it cancels to
   * rounding: ℓ''' = 2ℓ'³ and ℓ''ℓ' = −ℓ'³. Reported so that the cancellation can be checked.
   */
  statistical: number;
  /** The part from the noise of ŵ (covariance C), which shifts κ̂ because r is non-linear in w. */
  ensemble: number;
}

/**
 * Second-order bias of the two-stage estimate κ̂(ŵ) = argmax_κ Σ_α log(κ r_α + 1 − κ), r = exp(ŵ·f),
 * with ŵ ~ (w, C) fitted on data independent of the N test events (arXiv 2506.00113 corrects κ̂ this
 * way; this is our own derivation, checked against a brute-force simulation in the tests).
 *
 * With the per-event score s = (r − 1)/(κr + 1 − κ), ψ(κ, w) = mean_α s, J = ∂ψ/∂κ = −mean s², g = ∂ψ/∂w,
 * h = ∂²ψ/∂κ∂w and H = ∂²ψ/∂w∂wᵀ, expanding 0 = ψ̂(κ̂, ŵ) to second order in (κ̂ − κ, ŵ − w) and taking
 * expectations (test events and ŵ independent):
 *
 *   b = E[s ∂_κ s]/(N J²) − (1/2J) [ ∂²_κ ψ · V − 2gᵀCh/J + tr(HC) ],  V = mean s²/(N J²) + gᵀCg/J²,
 *
 * V the Gong–Samaniego variance. Per event ∂_κ s = −s², ∂²_κ s = 2s³, ∂s/∂w = f r/D², ∂²s/∂κ∂w =
 * −2 f r (r − 1)/D³ and ∂²s/∂w∂wᵀ = f fᵀ r (1 − κ − κr)/D³, D = κr + 1 − κ; all means are taken at the
 * estimate (plug-in). tr(HC) > 0 at small κ (H ≈ mean f fᵀ r), so the noise of ŵ biases κ̂ upwards there:
 * the z-mean of 0.3–0.5 at κ ≤ 0.1 in docs/ensembles.md.
 * @param input test-event basis values, the fitted weights, their covariance C (row-major) and κ̂
 * @throws NsbiInputError for mismatched sizes, a non-finite C, or κ outside the likelihood's domain
 */
export function mixtureFractionBias(input: {
  basis: BasisValues;
  weights: ArrayLike<number>;
  covariance: ArrayLike<number>;
  kappa: number;
}): MixtureFractionBias {
  const { basis, weights, covariance: c, kappa } = input;
  checkWeights(basis, weights, "mixtureFractionBias");
  const k = basis.size,
    n = basis.rows;
  if (c.length !== k * k)
    throw new NsbiInputError(`mixtureFractionBias: covariance has ${c.length} entries for ${k} basis functions`);
  for (let i = 0; i < c.length; i++)
    if (!Number.isFinite(c[i])) throw new NsbiInputError(`mixtureFractionBias: covariance entry ${i} is ${c[i]}`);
  if (n === 0) throw new NsbiInputError("mixtureFractionBias: no events");
  const logRatio = ensembleLogRatio(basis, weights);
  const g = new Float64Array(k),
    h = new Float64Array(k),
    cf = new Float64Array(k);
  let m2 = 0,
    m3 = 0,
    trHC = 0;
  for (let r = 0; r < n; r++) {
    const ratio = Math.exp(logRatio[r]);
    const d = kappa * ratio + 1 - kappa;
    if (!(d > 0) || !Number.isFinite(ratio))
      throw new NsbiInputError(
        `mixtureFractionBias: κ r + 1 − κ = ${d} on event ${r}; κ = ${kappa} is outside the domain`,
      );
    const s = (ratio - 1) / d;
    m2 += s * s;
    m3 += s * s * s;
    const row = r * k;
    const gw = ratio / (d * d),
      hw = (-2 * ratio * (ratio - 1)) / (d * d * d),
      hh = (ratio * (1 - kappa - kappa * ratio)) / (d * d * d);
    // fᵀCf for tr(HC) = mean hh · fᵀCf
    let q = 0;
    for (let i = 0; i < k; i++) {
      let v = 0;
      for (let j = 0; j < k; j++) v += c[i * k + j] * basis.values[row + j];
      cf[i] = v;
      q += basis.values[row + i] * v;
    }
    trHC += hh * q;
    for (let i = 0; i < k; i++) {
      const f = basis.values[row + i];
      g[i] += gw * f;
      h[i] += hw * f;
    }
  }
  m2 /= n;
  m3 /= n;
  trHC /= n;
  for (let i = 0; i < k; i++) {
    g[i] /= n;
    h[i] /= n;
  }
  if (!(m2 > 0)) throw new NsbiInputError("mixtureFractionBias: every event has r = 1; κ is not identified");
  let gCg = 0,
    gCh = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      gCg += g[i] * c[i * k + j] * g[j];
      gCh += g[i] * c[i * k + j] * h[j];
    }
  const jac = -m2,
    d2 = 2 * m3; // ∂²ψ/∂κ²
  const vStat = m2 / (n * jac * jac),
    vEns = gCg / (jac * jac);
  const statistical = -m3 / (n * jac * jac) - (d2 * vStat) / (2 * jac);
  const ensemble = -(d2 * vEns - (2 * gCh) / jac + trHC) / (2 * jac);
  const bias = statistical + ensemble;
  if (!Number.isFinite(bias)) throw new NsbiInputError(`mixtureFractionBias: the bias is ${bias}`);
  return { bias, statistical, ensemble };
}
