import { NsbiInputError } from "../../errors.js";
import { brentRoot } from "../../numerics/brent-root.js";

/**
 * The mixture-fraction task of arXiv 2506.00113: events from p(x|κ) = κ n(x) + (1 − κ) d(x), κ a fraction,
 * and r(x) = n(x)/d(x) from a ratio estimator. The log-likelihood relative to d is
 *
 *   ℓ(κ) = Σ_α log(κ r(x_α) + 1 − κ) = Σ_α log1p(κ a_α),  a_α = r(x_α) − 1 ∈ (−1, ∞),
 *
 * concave in κ. κ̂ is the unconstrained maximum on the interval where every κ r + 1 − κ > 0 (it holds
 * [0, 1] and may extend below 0 or above 1): clamping κ̂ to [0, 1] would distort the sampling
 * distribution, and so the coverage, at small κ.
 */
export interface MixtureFractionFit {
  kappa: number;
  /** 1/√I(κ̂), I = −ℓ''(κ̂) = Σ a²/(1 + κ̂a)²: the statistical (Fisher, observed-information) error. */
  sigmaStatistical: number;
  /** ℓ(κ̂). */
  logLikelihood: number;
}

/** a_α = r(x_α) − 1 from log r, checked finite (naming the event). */
export function ratioMinusOne(logRatio: ArrayLike<number>, where: string): Float64Array {
  const a = new Float64Array(logRatio.length);
  for (let i = 0; i < a.length; i++) {
    const v = Math.expm1(logRatio[i]);
    if (!Number.isFinite(v))
      throw new NsbiInputError(`${where}: log r = ${logRatio[i]} on event ${i}; the ratio must be finite`);
    a[i] = v;
  }
  return a;
}

/** ℓ(κ) = Σ log(κ r + 1 − κ) for r = exp(logRatio); −Infinity where some κ r + 1 − κ ≤ 0. */
export function mixtureFractionLogLikelihood(logRatio: ArrayLike<number>, kappa: number): number {
  return logLikelihoodOf(ratioMinusOne(logRatio, "mixtureFractionLogLikelihood"), kappa);
}

/** κ̂ by maximum likelihood and its Fisher error (see MixtureFractionFit). */
export function fitMixtureFraction(logRatio: ArrayLike<number>): MixtureFractionFit {
  if (logRatio.length === 0) throw new NsbiInputError("fitMixtureFraction: no events");
  const a = ratioMinusOne(logRatio, "fitMixtureFraction");
  if (a.every((v) => v === 0))
    throw new NsbiInputError("fitMixtureFraction: every event has r = 1; the data carry no information on κ");
  const score = (k: number) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] / (1 + k * a[i]);
    return s;
  };
  // the domain (lo, hi) where 1 + κa > 0 for every event
  let lo = Number.NEGATIVE_INFINITY,
    hi = Number.POSITIVE_INFINITY;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > 0) lo = Math.max(lo, -1 / a[i]);
    else if (a[i] < 0) hi = Math.min(hi, -1 / a[i]);
  }
  let left = 0,
    right = 1;
  if (score(0) <= 0) {
    right = 0;
    left = bracketEnd(score, 0, lo, -1, "below 0: no event has r > 1");
  } else if (score(1) >= 0) {
    left = 1;
    right = bracketEnd(score, 1, hi, 1, "above 1: no event has r < 1");
  }
  const kappa = brentRoot(score, left, right, 1e-13);
  let info = 0;
  for (let i = 0; i < a.length; i++) info += (a[i] / (1 + kappa * a[i])) ** 2;
  if (!(info > 0))
    throw new NsbiInputError("fitMixtureFraction: every event has r = 1; the data carry no information on κ");
  return { kappa, sigmaStatistical: 1 / Math.sqrt(info), logLikelihood: logLikelihoodOf(a, kappa) };
}

/** A point past the score's root on the side of `bound` (the domain edge, where the score diverges). */
function bracketEnd(score: (k: number) => number, from: number, bound: number, dir: 1 | -1, why: string): number {
  const want = dir === 1 ? (s: number) => s < 0 : (s: number) => s > 0;
  for (let m = 1; m <= 200; m++) {
    // towards a finite edge: halve the distance; towards infinity: double
    const k = Number.isFinite(bound) ? bound + (from - bound) * 2 ** -m : from + dir * 2 ** m;
    if (want(score(k))) return k;
  }
  throw new NsbiInputError(`fitMixtureFraction: the likelihood has no finite maximum (κ̂ → ${dir * Infinity}, ${why})`);
}

function logLikelihoodOf(a: Float64Array, kappa: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const t = kappa * a[i];
    if (!(t > -1)) return Number.NEGATIVE_INFINITY;
    s += Math.log1p(t);
  }
  return s;
}
