import { NsbiInputError } from "../../errors.js";
import { newtonMinimize } from "../../numerics/newton.js";
import { checkTammColumns, type TammColumns } from "./tamm-columns.js";
import { TammComponent, type TammForm } from "./tamm-component.js";
import { type TammModel, tammObjective } from "./tamm-objective.js";
import { tammSandwich } from "./tamm-sandwich.js";

export interface FitTammOptions {
  /** Template log-ratios ln 𝔰_k/q, ln 𝔟_k/q on the pseudo-data events (K columns each). */
  data: TammColumns;
  /**
   * The same columns on a reference sample drawn from q. It fixes the normalisations c_s, c_b (the
   * pseudo-data alone cannot: they only see p). Its sampling error enters the sandwich through each
   * reference event's first-order influence on the score.
   */
  reference: TammColumns;
  /** Exponential (default) or linear template mixture. */
  form?: TammForm;
  /** Penalty ½λ Σ (w_k − 1/K)² + ½λ Σ (v_k − 1/K)² on the summed log-likelihood (default 1). */
  lambda?: number;
  /** Start: κ (default 0.5) and the K signal and K background weights (default 1/K each). */
  start?: { kappa?: number; signalWeights?: ArrayLike<number>; backgroundWeights?: ArrayLike<number> };
  /** Convergence: max |∂(F/N)/∂θ| ≤ this (default 1e-9). */
  gradientTolerance?: number;
  /** Newton iterations at most (default 100). */
  maxIterations?: number;
}

/** The profile-likelihood z-score of a hypothesised κ₀ and its Wald pull. */
export interface TammZScore {
  /** sign(κ̂ − κ₀) √(2[F(κ₀, profiled w, v) − F(θ̂)]): assumes the model is well specified. */
  z: number;
  /** z × σ_Hessian/σ_sandwich: the profile z rescaled to the robust (sandwich) variance of κ̂. */
  zSandwich: number;
  /** (κ̂ − κ₀)/σ_sandwich. */
  pull: number;
  /** Whether the profiled fit converged. */
  converged: boolean;
}

export interface TammFit {
  form: TammForm;
  /** κ̂, the signal fraction of p = κ s + (1 − κ) b (not clamped to [0, 1]). */
  kappa: number;
  /** μ̂ = κ̂/(1 − κ̂), the signal-to-background ratio. */
  mu: number;
  /** σ(κ̂) from the sandwich covariance. */
  sigmaKappa: number;
  /** σ(κ̂) from the inverse Hessian alone (exact only for a well-specified model). */
  sigmaKappaHessian: number;
  /** σ(κ̂) from the sandwich without the reference sample's share (what a very large reference gives). */
  sigmaKappaDataOnly: number;
  /** σ(μ̂) = σ(κ̂)/(1 − κ̂)² (delta method, sandwich). */
  sigmaMu: number;
  /** ŵ and v̂ (K each, summing to 1). */
  signalWeights: Float64Array;
  backgroundWeights: Float64Array;
  /** The free parameters θ̂ = (κ, w_1..w_{K−1}, v_1..v_{K−1}) and their sandwich covariance and V⁻¹. */
  parameters: Float64Array;
  covariance: Float64Array;
  inverseHessian: Float64Array;
  /** The sandwich covariance without the reference sample's share. */
  covarianceDataOnly: Float64Array;
  /** F(θ̂): penalised negative log-likelihood (summed over the events, up to the q term). */
  objective: number;
  events: number;
  iterations: number;
  converged: boolean;
  /** Profile-likelihood z-score of κ₀ (refits w and v at κ = κ₀). */
  zScore(kappa0: number): TammZScore;
}

/**
 * Fits a template-adapted mixture model (TAMM; E. Alvarez, L. Benevedes, M. Szewc, J. Thaler,
 * arXiv:2604.02219), the unbinned frequentist version: p(x) = κ s(x) + (1 − κ) b(x) with
 *
 *   exponential: s = c_s exp(Σ_k w_k ln 𝔰_k), b = c_b exp(Σ_k v_k ln 𝔟_k);
 *   linear:      s = Σ_k w_k 𝔰_k,            b = Σ_k v_k 𝔟_k;
 *
 * Σ w_k = Σ v_k = 1 (w_K, v_K eliminated), c_s and c_b set so that s and b are normalised, by
 * importance sampling over the reference sample (TammComponent). Maximises the plain log-likelihood
 * (fixed number of events) minus ½λ Σ (w_k − 1/K)² + ½λ Σ (v_k − 1/K)² by Newton's method with the
 * analytic gradient and Hessian and a Levenberg–Marquardt trust region; errors from the sandwich
 * covariance of the M-estimator (per-event scores).
 * @throws NsbiInputError on K < 1, mismatched column lengths or counts, non-finite log-ratios, λ < 0,
 *   a start with the wrong length, a start where the density is not positive, or a singular Hessian.
 */
export function fitTamm(options: FitTammOptions): TammFit {
  const where = "fitTamm";
  const events = checkTammColumns(options.data, "data", where);
  const k = options.data.signal.length;
  checkTammColumns(options.reference, "reference", where, k);
  const form = options.form ?? "exponential";
  if (form !== "exponential" && form !== "linear")
    throw new NsbiInputError(`${where}: form must be "exponential" or "linear", got ${String(form)}`);
  const lambda = options.lambda ?? 1;
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new NsbiInputError(`${where}: lambda must be a finite number ≥ 0, got ${lambda}`);
  const model: TammModel = {
    signal: new TammComponent(form, options.data.signal, options.reference.signal),
    background: new TammComponent(form, options.data.background, options.reference.background),
    lambda,
  };
  const j = k - 1,
    size = 1 + 2 * j;
  const start = new Float64Array(size);
  start[0] = options.start?.kappa ?? 0.5;
  for (const [name, ws, offset] of [
    ["signalWeights", options.start?.signalWeights, 1],
    ["backgroundWeights", options.start?.backgroundWeights, 1 + j],
  ] as const) {
    if (ws !== undefined && ws.length !== k)
      throw new NsbiInputError(`${where}: start.${name} has ${ws.length} weights, expected K = ${k}`);
    for (let i = 0; i < j; i++) start[offset + i] = ws ? ws[i] : 1 / k;
  }
  if (!Number.isFinite(tammObjective(model, start).value))
    throw new NsbiInputError(
      `${where}: the mixture density is not positive on every event at the start (κ = ${start[0]}); choose another start`,
    );
  const tolerance = options.gradientTolerance ?? 1e-9,
    maxIterations = options.maxIterations ?? 100;
  const perEvent = (theta: Float64Array) => {
    const f = tammObjective(model, theta);
    return {
      value: f.value / events,
      gradient: f.gradient.map((g) => g / events),
      hessian: f.hessian.map((h) => h / events),
    };
  };
  const result = newtonMinimize(perEvent, start, { gradientTolerance: tolerance, maxIterations });
  const at = tammObjective(model, result.x, true);
  if (!Number.isFinite(at.value) || !at.scores || !at.referenceScores)
    throw new NsbiInputError(`${where}: the fit reached a non-finite objective; check the log-ratio columns`);
  const name = "TAMM Hessian (collinear templates?)",
    cov = tammSandwich([at.scores, at.referenceScores], at.hessian, name),
    dataOnly = tammSandwich([at.scores], at.hessian, name);
  const theta = result.x,
    kappa = theta[0],
    sigmaKappa = Math.sqrt(cov.sandwich[0]),
    sigmaKappaHessian = Math.sqrt(cov.inverseHessian[0]);
  const full = (offset: number) => {
    const w = new Float64Array(k);
    let last = 1;
    for (let i = 0; i < j; i++) last -= w[i] = theta[offset + i];
    w[j] = last;
    return w;
  };
  const zScore = (kappa0: number): TammZScore => {
    if (!Number.isFinite(kappa0)) throw new NsbiInputError(`${where}: zScore: κ₀ must be finite, got ${kappa0}`);
    let profiled: number,
      converged = true;
    const fixed = (rest: Float64Array) => Float64Array.of(kappa0, ...rest);
    if (size === 1) profiled = tammObjective(model, [kappa0]).value;
    else {
      const sub = (rest: Float64Array) => {
        const f = perEvent(fixed(rest));
        const hessian = new Float64Array((size - 1) * (size - 1));
        for (let a = 1; a < size; a++)
          for (let b = 1; b < size; b++) hessian[(a - 1) * (size - 1) + b - 1] = f.hessian[a * size + b];
        return { value: f.value, gradient: f.gradient.subarray(1), hessian };
      };
      const rest = theta.slice(1);
      if (!Number.isFinite(tammObjective(model, fixed(rest)).value))
        return {
          z: Math.sign(kappa - kappa0) * Number.POSITIVE_INFINITY,
          zSandwich: Math.sign(kappa - kappa0) * Number.POSITIVE_INFINITY,
          pull: (kappa - kappa0) / sigmaKappa,
          converged: false,
        };
      const r = newtonMinimize(sub, rest, { gradientTolerance: tolerance, maxIterations });
      profiled = r.value * events;
      converged = r.converged;
    }
    const z = Math.sign(kappa - kappa0) * Math.sqrt(Math.max(0, 2 * (profiled - at.value)));
    return { z, zSandwich: (z * sigmaKappaHessian) / sigmaKappa, pull: (kappa - kappa0) / sigmaKappa, converged };
  };
  return {
    form,
    kappa,
    mu: kappa / (1 - kappa),
    sigmaKappa,
    sigmaKappaHessian,
    sigmaKappaDataOnly: Math.sqrt(dataOnly.sandwich[0]),
    sigmaMu: sigmaKappa / (1 - kappa) ** 2,
    signalWeights: full(1),
    backgroundWeights: full(1 + j),
    parameters: theta,
    covariance: cov.sandwich,
    inverseHessian: cov.inverseHessian,
    covarianceDataOnly: dataOnly.sandwich,
    objective: at.value,
    events,
    iterations: result.iterations,
    converged: result.converged,
    zScore,
  };
}
