import { NsbiInputError } from "../../errors.js";
import { type BasisValues, ensembleLogRatio } from "./basis-values.js";
import { gongSamaniego } from "./gong-samaniego.js";
import { fitMixtureFraction, mixtureFractionLogLikelihood, ratioMinusOne } from "./mixture-fraction.js";
import { type MixtureFractionBias, mixtureFractionBias } from "./mixture-fraction-bias.js";

/** κ̂ of a mixture from a w_i f_i ensemble, with and without the ensemble's uncertainty. */
export interface EnsembleMixtureFraction {
  kappa: number;
  /** Fisher error with the ensemble's ratio taken as exact. */
  sigmaStatistical: number;
  /** Gong–Samaniego error, σ_stat √(1 + σ²_stat AᵀCA). */
  sigma: number;
  /** 1 + σ²_stat AᵀCA. */
  inflation: number;
  /** A_i = ∂²ℒ/∂w_i∂κ at (ŵ, κ̂). */
  crossDerivative: Float64Array;
  /** ℓ(κ̂). */
  logLikelihood: number;
  /** The second-order bias of κ̂ from the noise of ŵ (mixtureFractionBias), estimated at (ŵ, κ̂). */
  bias: MixtureFractionBias;
  /** κ̂ − bias. */
  kappaCorrected: number;
  /**
   * Signed likelihood z-scores of a hypothesised κ0: zStatistical = sign(κ̂ − κ0)·√(2[ℓ(κ̂) − ℓ(κ0)]),
   * z = zStatistical / √inflation (|z| ≤ 1: κ0 inside the 68.3% interval). zCorrected is z for the
   * bias-corrected interval, the Gong–Samaniego interval shifted by −bias: z evaluated at κ0 + bias.
   */
  zScore(kappa0: number): { z: number; zStatistical: number; zCorrected: number };
}

/**
 * A_i = ∂²ℒ/∂w_i∂κ of the mixture-fraction log-likelihood ℒ = Σ_α log(κ r_α + 1 − κ), r = exp(w·f):
 * A_i = Σ_α f_i(x_α) r_α / (κ r_α + 1 − κ)².
 */
export function mixtureFractionCrossDerivative(
  basis: BasisValues,
  weights: ArrayLike<number>,
  kappa: number,
): Float64Array {
  const a = ratioMinusOne(ensembleLogRatio(basis, weights), "mixtureFractionCrossDerivative");
  const k = basis.size,
    out = new Float64Array(k);
  for (let r = 0; r < basis.rows; r++) {
    const den = 1 + kappa * a[r];
    if (!(den > 0)) throw new NsbiInputError(`mixtureFractionCrossDerivative: κ r + 1 − κ ≤ 0 on event ${r}`);
    const c = (1 + a[r]) / (den * den);
    for (let i = 0; i < k; i++) out[i] += c * basis.values[r * k + i];
  }
  return out;
}

/**
 * The mixture-fraction fit of arXiv 2506.00113 with a w_i f_i ensemble: κ̂ = argmax Σ log(κ r̂ + 1 − κ),
 * r̂ = exp(ŵ·f); its Fisher error; and the Gong–Samaniego error with the sandwich covariance C of ŵ
 * (fitted on a fit set independent of the test events).
 * @param input basis values of the test events, the fitted weights and their covariance
 */
export function ensembleMixtureFraction(input: {
  basis: BasisValues;
  weights: ArrayLike<number>;
  covariance: ArrayLike<number>;
}): EnsembleMixtureFraction {
  const logRatio = ensembleLogRatio(input.basis, input.weights);
  const fit = fitMixtureFraction(logRatio);
  const crossDerivative = mixtureFractionCrossDerivative(input.basis, input.weights, fit.kappa);
  const gs = gongSamaniego({
    sigmaStatistical: fit.sigmaStatistical,
    crossDerivative,
    covariance: input.covariance,
  });
  const bias = mixtureFractionBias({ ...input, kappa: fit.kappa });
  const scale = Math.sqrt(gs.inflation);
  return {
    kappa: fit.kappa,
    sigmaStatistical: fit.sigmaStatistical,
    sigma: gs.sigma,
    inflation: gs.inflation,
    crossDerivative,
    logLikelihood: fit.logLikelihood,
    bias,
    kappaCorrected: fit.kappa - bias.bias,
    zScore: (kappa0) => {
      const zStatistical = likelihoodZ(logRatio, fit.kappa, fit.logLikelihood, kappa0);
      const shifted = likelihoodZ(logRatio, fit.kappa, fit.logLikelihood, kappa0 + bias.bias);
      return { zStatistical, z: zStatistical / scale, zCorrected: shifted / scale };
    },
  };
}

/** sign(κ̂ − κ0)·√(2[ℓ(κ̂) − ℓ(κ0)]): the signed likelihood-ratio z-score of κ0 (Infinity outside the domain). */
export function likelihoodZ(
  logRatio: ArrayLike<number>,
  kappaHat: number,
  maxLogLikelihood: number,
  kappa0: number,
): number {
  const l0 = mixtureFractionLogLikelihood(logRatio, kappa0);
  const d = Math.max(0, maxLogLikelihood - l0);
  return Math.sign(kappaHat - kappa0) * Math.sqrt(2 * d);
}
