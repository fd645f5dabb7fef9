import type { Rng } from "../../engine/rng.js";
import { basisValues } from "../../inference/ensemble-weights/basis-values.js";
import { ensembleMixtureFraction, likelihoodZ } from "../../inference/ensemble-weights/ensemble-mixture-fraction.js";
import { type EnsembleWeightsFit, fitEnsembleWeights } from "../../inference/ensemble-weights/fit-ensemble-weights.js";
import { fitMixtureFraction } from "../../inference/ensemble-weights/mixture-fraction.js";
import { type SandwichCovariance, sandwichCovariance } from "../../inference/ensemble-weights/sandwich-covariance.js";
import type { LogRatioEnsemble } from "./log-ratio-ensemble.js";
import type { TwoGaussianToy } from "./two-gaussian-toy.js";

/** κ̂, its error and the signed likelihood z-score of the true κ (covered: |z| ≤ 1). */
export interface MethodEstimate {
  kappa: number;
  sigma: number;
  z: number;
}

export interface PseudoExperimentResult {
  /** The exact log ratio of the toy (the reference: what a perfect network would give). */
  exact: MethodEstimate;
  /** Network 0 alone, taken as exact. */
  single: MethodEstimate;
  /** The plain average (1/M) Σ f_i, taken as exact. */
  average: MethodEstimate;
  /** w_i f_i with the Gong–Samaniego error; statistical-only values beside it. */
  wifi: MethodEstimate & {
    sigmaStatistical: number;
    zStatistical: number;
    /** κ̂ minus its second-order bias, and the z-score of the shifted Gong–Samaniego interval */
    kappaCorrected: number;
    zCorrected: number;
    inflation: number;
    weights: Float64Array;
    converged: boolean;
    iterations: number;
  };
}

/** Steps 2–3 of the recipe on a fresh D_fit: ŵ (with the constant basis function) and its sandwich covariance. */
export function fitWeightsOnFreshSet(args: {
  toy: TwoGaussianToy;
  ensemble: LogRatioEnsemble;
  /** N_fit events per class. */
  fitEvents: number;
  rng: Rng;
}): { fit: EnsembleWeightsFit; sandwich: SandwichCovariance } {
  const { toy, ensemble, fitEvents: n, rng } = args;
  const basisOf = (which: "numerator" | "denominator") =>
    basisValues(ensemble.evaluate(toy.sample(which, n, rng), n), { constant: true });
  const data = { numerator: basisOf("numerator"), denominator: basisOf("denominator") };
  const fit = fitEnsembleWeights(data);
  return { fit, sandwich: sandwichCovariance(data, fit.weights) };
}

/**
 * One pseudo-experiment of the mixture-fraction coverage study of arXiv 2506.00113, the networks fixed:
 * a fresh D_fit (N_fit per class) for ŵ and C, and a fresh test mixture of `testEvents` events at κ
 * (per-event labels); κ̂ from the exact ratio, one network, the plain average and the w_i f_i ensemble.
 */
export function runPseudoExperiment(args: {
  toy: TwoGaussianToy;
  ensemble: LogRatioEnsemble;
  kappa: number;
  fitEvents: number;
  testEvents: number;
  rng: Rng;
}): PseudoExperimentResult {
  const { toy, ensemble, kappa, testEvents: n, rng } = args;
  const { fit, sandwich } = fitWeightsOnFreshSet(args);
  const events = toy.sampleMixture(kappa, n, rng);
  const cols = ensemble.evaluate(events, n);
  const plain = (logRatio: Float64Array): MethodEstimate => {
    const f = fitMixtureFraction(logRatio);
    return { kappa: f.kappa, sigma: f.sigmaStatistical, z: likelihoodZ(logRatio, f.kappa, f.logLikelihood, kappa) };
  };
  const average = new Float64Array(n);
  for (const c of cols) for (let r = 0; r < n; r++) average[r] += c[r] / cols.length;
  const w = ensembleMixtureFraction({
    basis: basisValues(cols, { constant: true }),
    weights: fit.weights,
    covariance: sandwich.covariance,
  });
  const z = w.zScore(kappa);
  return {
    exact: plain(toy.logRatio(events, n)),
    single: plain(cols[0]),
    average: plain(average),
    wifi: {
      kappa: w.kappa,
      sigma: w.sigma,
      z: z.z,
      sigmaStatistical: w.sigmaStatistical,
      zStatistical: z.zStatistical,
      kappaCorrected: w.kappaCorrected,
      zCorrected: z.zCorrected,
      inflation: w.inflation,
      weights: fit.weights,
      converged: fit.converged,
      iterations: fit.iterations,
    },
  };
}
