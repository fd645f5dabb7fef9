import { NsbiInputError } from "../../errors.js";
import type { EventWeights } from "./bootstrap-counts.js";
import { minimizeFractionNll } from "./fraction-nll.js";
import type { ComponentValuesWithGradient, MixtureComponents } from "./mixture-components.js";
import { type MixtureNllDerivatives, mixtureNllDerivatives } from "./mixture-nll-derivatives.js";
import { signalFraction, signalRatio } from "./signal-fraction.js";

/** Options of fitMixtureByGradient. */
export interface GradientFitOptions {
  /** the model; must have evaluateWithGradient */
  components: MixtureComponents;
  /** row-major nEvents × xDim */
  events: Float64Array;
  nEvents: number;
  /** per-event weights (bootstrap counts); all 1 when omitted */
  weights?: EventWeights;
  /** the nuisance range [zLow, zHigh] searched */
  zRange: readonly [number, number];
  /** starting z (default the range's middle; a grid fit's ẑ is a good start) */
  zStart?: number;
  /** upper end of the μ range (default ∞); the lower end is μ = 0 */
  muMax?: number;
  /** step of the central difference of ∂NLL/∂z that gives ∂²NLL/∂z² (default 1e-4 × range; for ReLU
   *  networks use a step of the order of the z interval, see docs/profile-likelihood.md) */
  zStep?: number;
  /** stop when a z step is below this (default 1e-9 × range) */
  zTolerance?: number;
  /** maximum outer (z) iterations (default 50) */
  maxIterations?: number;
}

/** A gradient-based maximum-likelihood fit of (μ, z). */
export interface GradientFitResult {
  mu: number;
  z: number;
  nll: number;
  /** ∂²NLL at the minimum over (μ, z), row-major 2 × 2 */
  hessian: Float64Array;
  /** its inverse, the asymptotic covariance of (μ̂, ẑ); null when the Hessian is not positive definite */
  covariance: Float64Array | null;
  /** √covariance diagonal (NaN without a covariance) */
  sigmaMu: number;
  sigmaZ: number;
  /** outer z iterations */
  iterations: number;
  /** calls of evaluateWithGradient */
  evaluations: number;
  converged: boolean;
  /** the minimum is at μ = 0 or muMax (the covariance then describes a boundary, not a Gaussian) */
  muAtBoundary: boolean;
  /** the minimum is at an end of zRange */
  zAtBoundary: boolean;
}

/**
 * Maximum-likelihood fit of the signal strength and the nuisance with the model's z-gradients, as the
 * paper suggests instead of a grid (Sluijter, Diefenbacher, Bhimji, Nachman 2025, §2.4): the NLL is
 * minimised exactly over the signal fraction f = μ/(1+μ) at each z (convex: minimizeFractionNll), and
 * the profile φ(z) = min_f NLL(f, z) by safeguarded Newton steps in z inside a shrinking bracket of
 * [zLow, zHigh], with φ'(z) = ∂NLL/∂z at f̂ (envelope theorem, from the analytic z-gradients) and
 * φ'' = H_zz − H_fz²/H_ff, where H_ff and H_fz are analytic and H_zz a central difference of ∂NLL/∂z
 * at fixed f. The Hessian is returned in (μ, z) with its inverse.
 * (numerics/newtonMinimize is not used: it has no bounds, and μ ≥ 0 and the z range are essential here.)
 */
export function fitMixtureByGradient(opts: GradientFitOptions): GradientFitResult {
  const { components, events, nEvents } = opts;
  const evaluateWithGradient = components.evaluateWithGradient?.bind(components);
  if (!evaluateWithGradient)
    throw new NsbiInputError("fitMixtureByGradient: the mixture model has no z-gradient (evaluateWithGradient)");
  const [zLow, zHigh] = opts.zRange;
  if (!(Number.isFinite(zLow) && Number.isFinite(zHigh) && zHigh > zLow))
    throw new NsbiInputError(`fitMixtureByGradient: zRange must be finite with zHigh > zLow, got [${zLow}, ${zHigh}]`);
  if (events.length !== nEvents * components.xDim)
    throw new NsbiInputError(
      `fitMixtureByGradient: events has ${events.length} values, expected ${nEvents} × ${components.xDim}`,
    );
  const span = zHigh - zLow,
    h = opts.zStep ?? 1e-4 * span,
    tol = opts.zTolerance ?? 1e-9 * span,
    maxIterations = opts.maxIterations ?? 50,
    fMax = signalFraction(opts.muMax ?? Infinity);
  if (!(h > 0 && h < 0.5 * span))
    throw new NsbiInputError(`fitMixtureByGradient: zStep must be in (0, range/2), got ${h}`);

  // keep the events of nonzero weight, contiguously
  const xDim = components.xDim,
    active: number[] = [];
  for (let i = 0; i < nEvents; i++) {
    const w = opts.weights ? opts.weights[i] : 1;
    if (!(w >= 0 && w < Infinity)) throw new NsbiInputError(`fitMixtureByGradient: weight ${i} is ${w}`);
    if (w > 0) active.push(i);
  }
  const n = active.length;
  if (n === 0) throw new NsbiInputError("fitMixtureByGradient: every event has weight 0");
  const x = new Float64Array(n * xDim),
    weight = new Float64Array(n);
  active.forEach((i, k) => {
    x.set(events.subarray(i * xDim, (i + 1) * xDim), k * xDim);
    weight[k] = opts.weights ? opts.weights[i] : 1;
  });

  let evaluations = 0;
  const valuesAt = (z: number): ComponentValuesWithGradient => {
    evaluations++;
    const v = evaluateWithGradient(x, n, z);
    if (
      v.logSignal.length !== n ||
      v.dLogSignal.length !== n ||
      v.logBackground.length !== n ||
      v.dLogBackground.length !== n
    )
      throw new NsbiInputError(`fitMixtureByGradient: the model returned arrays of the wrong length for ${n} events`);
    return v;
  };
  const background = new Float64Array(n),
    difference = new Float64Array(n);
  interface State {
    z: number;
    f: number;
    atLower: boolean;
    atUpper: boolean;
    d: MixtureNllDerivatives;
  }
  const stateAt = (z: number, fStart: number): State => {
    const v = valuesAt(z);
    for (let k = 0; k < n; k++) {
      const s = v.logSignal[k],
        b = v.logBackground[k],
        m = s > b ? s : b;
      if (!(Number.isFinite(m) && !Number.isNaN(s) && !Number.isNaN(b)))
        throw new NsbiInputError(
          `fitMixtureByGradient: event ${active[k]} at z = ${z}: log p_sig = ${s}, log p_back = ${b}`,
        );
      const a = Math.exp(s - m);
      background[k] = Math.exp(b - m);
      difference[k] = a - background[k];
    }
    const fm = minimizeFractionNll(background, difference, weight, 0, n, fMax, fStart);
    return {
      z,
      f: fm.fraction,
      atLower: fm.atLower,
      atUpper: fm.atUpper,
      d: mixtureNllDerivatives(v, weight, fm.fraction),
    };
  };
  /** ∂²NLL/∂z² at fixed f by a central difference of ∂NLL/∂z (one-sided at the range's ends). */
  const hzz = (s: State): number => {
    const za = Math.max(s.z - h, zLow),
      zb = Math.min(s.z + h, zHigh);
    const ga = za === s.z ? s.d.dZ : mixtureNllDerivatives(valuesAt(za), weight, s.f).dZ,
      gb = zb === s.z ? s.d.dZ : mixtureNllDerivatives(valuesAt(zb), weight, s.f).dZ;
    return (gb - ga) / (zb - za);
  };
  const profileCurvature = (s: State, Hzz: number) =>
    s.atLower || s.atUpper || !(s.d.dFF > 0) ? Hzz : Hzz - (s.d.dFZ * s.d.dFZ) / s.d.dFF;

  const z0 = Math.min(Math.max(opts.zStart ?? 0.5 * (zLow + zHigh), zLow), zHigh);
  let cur = stateAt(z0, 0.5 * fMax),
    Hzz = hzz(cur),
    lo = zLow,
    hi = zHigh,
    iterations = 0,
    converged = false,
    zAtBoundary = false;
  while (iterations < maxIterations) {
    const g = cur.d.dZ;
    if (g < 0) lo = Math.max(lo, cur.z);
    else if (g > 0) hi = Math.min(hi, cur.z);
    else {
      converged = true;
      break;
    }
    // a minimum at an end of the range: the gradient there points outwards
    if ((cur.z === zLow && g > 0) || (cur.z === zHigh && g < 0)) {
      converged = zAtBoundary = true;
      break;
    }
    iterations++;
    const curvature = profileCurvature(cur, Hzz);
    let next = curvature > 0 ? cur.z - g / curvature : Number.NaN;
    if (!(next > lo && next < hi)) {
      // outside the bracket: try the range's end it points to once, else bisect the bracket
      if (g > 0 && lo === zLow && cur.z !== zLow && !(next > zLow)) next = zLow;
      else if (g < 0 && hi === zHigh && cur.z !== zHigh && !(next < zHigh)) next = zHigh;
      else next = 0.5 * (lo + hi);
    }
    const step = Math.abs(next - cur.z);
    cur = stateAt(next, cur.f > 0 && cur.f < fMax ? cur.f : 0.5 * fMax);
    Hzz = hzz(cur);
    if (step <= tol || hi - lo <= tol) {
      converged = true;
      zAtBoundary = (cur.z === zLow && cur.d.dZ >= 0) || (cur.z === zHigh && cur.d.dZ <= 0);
      break;
    }
  }

  // Hessian in (μ, z): f = μ/(1+μ), df/dμ = (1−f)², d²f/dμ² = −2(1−f)³
  const f = cur.f,
    J = (1 - f) * (1 - f);
  const hmm = cur.d.dFF * J * J + cur.d.dF * (-2 * (1 - f) * J),
    hmz = cur.d.dFZ * J;
  const hessian = Float64Array.of(hmm, hmz, hmz, Hzz);
  const det = hmm * Hzz - hmz * hmz;
  const covariance = hmm > 0 && det > 0 ? Float64Array.of(Hzz / det, -hmz / det, -hmz / det, hmm / det) : null;
  return {
    mu: signalRatio(f),
    z: cur.z,
    nll: cur.d.nll,
    hessian,
    covariance,
    sigmaMu: covariance ? Math.sqrt(covariance[0]) : Number.NaN,
    sigmaZ: covariance ? Math.sqrt(covariance[3]) : Number.NaN,
    iterations,
    evaluations,
    converged,
    muAtBoundary: cur.atLower || cur.atUpper,
    zAtBoundary,
  };
}
