import { NsbiInputError } from "../../errors.js";
import { choleskySolve } from "../../numerics/cholesky.js";
import { newtonMinimize } from "../../numerics/newton.js";
import { checkFitData, type EnsembleFitData, symmetrisedMlcLoss } from "./mlc-loss.js";
import { factorV } from "./v-factor.js";

export interface FitEnsembleWeightsOptions {
  /** Starting weights; default 1/M for each of the M networks and 0 for the constant basis function. */
  start?: ArrayLike<number>;
  /** Convergence: max |∂(L/N)/∂w_j| ≤ this, N = all fit events (default 1e-9). */
  gradientTolerance?: number;
  /** Newton iterations at most (default 100). */
  maxIterations?: number;
  /**
   * Convergence also when the Newton decrement gᵀV⁻¹g of the summed loss L (the decrease a last Newton
   * step would bring) is ≤ this (default 1e-10): L changes by O(1) over the statistical error of ŵ, and
   * near the optimum the per-event gradient can stall at ~1e-8 where steps no longer change L in float64.
   */
  decrementTolerance?: number;
}

/** The fitted weights ŵ and how the fit went. */
export interface EnsembleWeightsFit {
  weights: Float64Array;
  /** L(ŵ), the symmetrised MLC loss (a sum over the fit events). */
  loss: number;
  /** Newton iterations (Hessian evaluations). */
  iterations: number;
  /** max_j |∂(L/N)/∂w_j| at ŵ: the per-event gradient, compared with gradientTolerance. */
  gradientMaxAbs: number;
  /** gᵀV⁻¹g of the summed loss at ŵ: what one more Newton step would still decrease L by (×2). */
  newtonDecrement: number;
  /** True when gradientMaxAbs ≤ gradientTolerance or newtonDecrement ≤ decrementTolerance. */
  converged: boolean;
}

/**
 * Fits the weights of a w_i f_i ensemble (arXiv 2506.00113): minimises the symmetrised MLC loss over
 * ŵ by Newton's method with its exact gradient and Hessian and a Levenberg–Marquardt trust region
 * (numerics/newton.ts). The loss is convex, so the minimum is global when V is positive definite.
 * The objective is L/N (N = numerator + denominator events) so that the tolerance does not scale
 * with the sample size.
 *
 * A fit that does not converge comes back with converged = false (callers decide); a non-finite loss
 * or gradient, or a singular V (collinear networks, naming the network), throws NsbiInputError.
 * @example
 * const fit = fitEnsembleWeights({ numerator: basisValues(colsN, { constant: true }), denominator: basisValues(colsD, { constant: true }) });
 */
export function fitEnsembleWeights(data: EnsembleFitData, options: FitEnsembleWeightsOptions = {}): EnsembleWeightsFit {
  checkFitData(data, "fitEnsembleWeights");
  const b = data.numerator,
    k = b.size,
    networks = b.constant ? k - 1 : k;
  const start = options.start ?? Array.from({ length: k }, (_, j) => (j < networks ? 1 / networks : 0));
  if (start.length !== k)
    throw new NsbiInputError(`fitEnsembleWeights: start has ${start.length} weights, expected ${k}`);
  const n = data.numerator.rows + data.denominator.rows;
  const tolerance = options.gradientTolerance ?? 1e-9;
  const result = newtonMinimize(
    (w) => {
      const l = symmetrisedMlcLoss(data, w);
      return { value: l.value / n, gradient: l.gradient.map((g) => g / n), hessian: l.hessian.map((h) => h / n) };
    },
    start,
    { gradientTolerance: tolerance, maxIterations: options.maxIterations ?? 100 },
  );
  const gradientMaxAbs = result.gradient.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
  if (!Number.isFinite(result.value) || !Number.isFinite(gradientMaxAbs) || result.x.some((w) => !Number.isFinite(w)))
    throw new NsbiInputError(
      `fitEnsembleWeights: the fit reached a non-finite loss or weight (loss ${result.value}); check the network outputs on D_fit`,
    );
  const L = factorV(result.hessian, b, "fitEnsembleWeights");
  // in mean units: g·V⁻¹g with g and V per event; × n for the summed loss
  const step = choleskySolve(L, k, result.gradient);
  let newtonDecrement = 0;
  for (let j = 0; j < k; j++) newtonDecrement += result.gradient[j] * step[j] * n;
  const decrementTolerance = options.decrementTolerance ?? 1e-10;
  return {
    weights: result.x,
    loss: result.value * n,
    iterations: result.iterations,
    gradientMaxAbs,
    newtonDecrement,
    converged: gradientMaxAbs <= tolerance || newtonDecrement <= decrementTolerance,
  };
}
