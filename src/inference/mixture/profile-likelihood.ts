import { NsbiInputError } from "../../errors.js";
import { brentRoot } from "../../numerics/brent-root.js";
import { brentMinimize } from "../../numerics/brent-minimize.js";
import { gridProfileInterval } from "./grid-profile-interval.js";
import { type IntervalEnd, type LikelihoodInterval, likelihoodInterval } from "./likelihood-interval.js";
import { type MuProfiledNll, nllProfiledOverMu } from "./mu-profiled-nll.js";
import { quarticMinimumNear } from "./quartic-interpolation.js";
import { signalFraction, signalRatio } from "./signal-fraction.js";
import type { WeightedTable } from "./weighted-table.js";
import { nllProfiledOverZ, type ZProfiledNll } from "./z-profiled-nll.js";

/** Options of fitProfileLikelihood. */
export interface ProfileLikelihoodOptions {
  /** upper end of the μ range (default ∞: signal fraction up to 1); the lower end is μ = 0 */
  muMax?: number;
  /** ΔNLL of the intervals (default 0.5: 1σ) */
  level?: number;
  /** points of the μ-profile curve NLL_p(μ) to return, for plots (default 0: none) */
  muCurvePoints?: number;
  /** the μ-profile curve spans μ̂ ± this many times the interval's half-widths (default 4) */
  muCurveHalfWidths?: number;
}

/** The profile-likelihood fit of one (weighted) dataset. */
export interface ProfileLikelihoodFit {
  /** μ̂ of the joint minimum (z profiled with the quartic interpolation) */
  mu: number;
  /** ẑ at μ̂ */
  z: number;
  /** the minimum NLL (up to the reference density's constant) */
  nll: number;
  /** the ΔNLL = level interval of μ, z profiled */
  muInterval: LikelihoodInterval;
  /** the ΔNLL = level interval of z, μ profiled (exactly per grid z, quartic between) */
  zInterval: LikelihoodInterval;
  /** the exact profile over μ at each grid z (nll, fraction, curvature) and the grid */
  zProfile: MuProfiledNll & { z: Float64Array };
  /** NLL_p(μ) − nll on an adaptive μ grid (when muCurvePoints > 0), with the profiled ẑ(μ) */
  muCurve: { mu: Float64Array; deltaNll: Float64Array; z: Float64Array } | null;
}

/**
 * Frequentist fit of a mixture's signal strength μ and nuisance z from a component table: profile
 * likelihoods and their ΔNLL = ½ intervals (Sluijter, Diefenbacher, Bhimji, Nachman 2025, §2.4).
 * μ is continuous in the table (the components do not depend on it), so the μ direction needs no
 * interpolation: NLL_p(μ) = min_z of the quartic-interpolated NLL(μ, z_j) is evaluated at any μ, its
 * minimum found as the root of its derivative and its crossings root-found (Brent). z is known only on
 * the grid: NLL_p(z_j) = min_μ NLL(μ, z_j) exactly (convex in μ/(1+μ)), quartic-interpolated between.
 * See docs/profile-likelihood.md.
 */
export function fitProfileLikelihood(wt: WeightedTable, opts: ProfileLikelihoodOptions = {}): ProfileLikelihoodFit {
  const muMax = opts.muMax ?? Infinity,
    level = opts.level ?? 0.5;
  if (!(muMax > 0)) throw new NsbiInputError(`fitProfileLikelihood: muMax must be > 0, got ${muMax}`);
  if (!(level > 0 && level < Infinity))
    throw new NsbiInputError(`fitProfileLikelihood: level must be > 0, got ${level}`);
  const fMax = signalFraction(muMax),
    zGrid = wt.zGrid,
    nz = zGrid.length;

  // z: exact profile over μ at each grid z, quartic between grid points
  const zProfile = nllProfiledOverMu(wt, fMax);
  let j0 = 0;
  for (let j = 1; j < nz; j++) if (zProfile.nll[j] < zProfile.nll[j0]) j0 = j;
  if (!Number.isFinite(zProfile.nll[j0]))
    throw new NsbiInputError("fitProfileLikelihood: the NLL is not finite anywhere");
  const zMinimum = quarticMinimumNear(zGrid, zProfile.nll, j0);
  const zInterval = gridProfileInterval(zGrid, zProfile.nll, j0, zMinimum, level);

  // μ: profile over z (quartic around the global grid minimum) at any f. Always the global minimum:
  // following a local one from a hint made the profile depend on the order of evaluation, and with
  // several local minima in z (a poorly trained model) Brent's bracket then failed.
  const profile = (f: number): ZProfiledNll => nllProfiledOverZ(wt, f);
  const c0 = zProfile.curvature[j0];
  const step0 = c0 > 0 && Number.isFinite(c0) ? 1 / Math.sqrt(c0) : 0.01 * fMax;
  const f0 = zProfile.fraction[j0];
  // ±∞ NLL only at f = 0 (an event with p_back = 0) or f = 1 (p_sig = 0): there the profile rises
  // steeply towards the bound; finite stand-ins keep the bracketing and Brent's arithmetic finite
  const slope = (f: number) => {
    const r = profile(f);
    return Number.isFinite(r.nll) ? r.dNllDf : f < 0.5 * fMax ? -HUGE : HUGE;
  };
  // A local minimum of NLL_p in [lo, hi] (slope < 0 at lo, > 0 at hi): Brent's minimisation on the values
  // (the profile is a minimum over z, so its slope can jump down at a kink, and a root of the slope
  // could be such a kink, a local maximum), then, where the slope changes sign smoothly across the
  // final bracket, Brent on the slope for full precision.
  const profileMinimum = (lo: number, hi: number): number => {
    const tol = 1e-4 * Math.min(step0, hi - lo);
    const g = brentMinimize((f) => Math.min(profile(f).nll, HUGE), lo, hi, tol);
    const a = Math.max(lo, g.x - tol),
      b = Math.min(hi, g.x + tol);
    const sa = slope(a),
      sb = slope(b);
    if (sa < 0 && sb > 0) {
      const root = brentRoot(slope, a, b, 1e-10 * step0, { fa: sa, fb: sb });
      if (profile(root).nll <= g.value) return root;
    }
    return g.x;
  };
  // μ̂: the root of dNLL_p/df, bracketed by steps of doubling length from the grid fit's f0 (reaching
  // 0 or fMax without a sign change is a boundary minimum), then Brent
  const localMinimumFrom = (start: number): number => {
    const fHat = Math.min(Math.max(start, 0), fMax);
    const s0 = slope(fHat);
    if (s0 === 0) return fHat;
    const up = s0 < 0,
      bound = up ? fMax : 0;
    let a = fHat,
      step = step0;
    for (;;) {
      const b = up ? Math.min(a + step, fMax) : Math.max(a - step, 0);
      if (b === a) return bound;
      const s = slope(b);
      if (up ? s >= 0 : s <= 0) return profileMinimum(Math.min(a, b), Math.max(a, b));
      if (b === bound) return bound;
      a = b;
      step *= 2;
    }
  };
  // Start from the grid arg-min's f and from the f of every other local minimum of the z profile
  // (a poorly trained model can have several branches); keep the lowest.
  let fHat = localMinimumFrom(f0),
    fHatNll = profile(fHat).nll;
  for (let j = 0; j < nz; j++) {
    const v = zProfile.nll[j];
    if (
      j === j0 ||
      !Number.isFinite(v) ||
      (j > 0 && zProfile.nll[j - 1] < v) ||
      (j < nz - 1 && zProfile.nll[j + 1] < v)
    )
      continue;
    const f = localMinimumFrom(zProfile.fraction[j]),
      nll = profile(f).nll;
    if (nll < fHatNll) {
      fHat = f;
      fHatNll = nll;
    }
  }
  const best = profile(fHat);
  const nllMin = Math.min(best.nll, zMinimum.value);

  // μ crossings: NLL_p(f) − nllMin − level, bracketed by growing steps from f̂, root-found by Brent
  const excess = (f: number) => Math.min(profile(f).nll - nllMin - level, HUGE);
  const crossing = (direction: 1 | -1): { f: number; end: IntervalEnd } => {
    const bound = direction > 0 ? fMax : 0;
    if (fHat === bound) return { f: bound, end: direction > 0 ? "range-end" : "physical-boundary" };
    let a = fHat,
      ea = best.nll - nllMin - level,
      step = step0;
    for (;;) {
      const b = direction > 0 ? Math.min(a + step, fMax) : Math.max(a - step, 0);
      const e = excess(b);
      if (e >= 0) {
        if (e === 0) return { f: b, end: "crossing" };
        const ends = direction > 0 ? { fa: ea, fb: e } : { fa: e, fb: ea };
        return { f: brentRoot(excess, Math.min(a, b), Math.max(a, b), 1e-9 * step0, ends), end: "crossing" };
      }
      if (b === bound) return { f: bound, end: direction > 0 ? "range-end" : "physical-boundary" };
      a = b;
      ea = e;
      step *= 2;
    }
  };
  const lo = crossing(-1);
  const hi = crossing(1);
  const muInterval = likelihoodInterval(signalRatio(fHat), signalRatio(lo.f), signalRatio(hi.f), lo.end, hi.end);

  let muCurve: ProfileLikelihoodFit["muCurve"] = null;
  const points = opts.muCurvePoints ?? 0;
  if (points > 0) {
    const k = opts.muCurveHalfWidths ?? 4,
      muHat = muInterval.estimate;
    const below = muHat - muInterval.lower,
      above = muInterval.upper - muHat;
    const half = Number.isFinite(above) && above > 0 ? above : below;
    const from = Math.max(0, muHat - k * (below > 0 ? below : half)),
      to = Math.min(muMax, muHat + k * (Number.isFinite(above) && above > 0 ? above : half));
    const mu = new Float64Array(points),
      deltaNll = new Float64Array(points),
      z = new Float64Array(points);
    for (let i = 0; i < points; i++) {
      mu[i] = points === 1 ? muHat : from + ((to - from) * i) / (points - 1);
      const r = profile(signalFraction(mu[i]));
      deltaNll[i] = r.nll - nllMin;
      z[i] = r.z;
    }
    muCurve = { mu, deltaNll, z };
  }
  return {
    mu: signalRatio(fHat),
    z: best.z,
    nll: nllMin,
    muInterval,
    zInterval,
    zProfile: { ...zProfile, z: zGrid },
    muCurve,
  };
}

/** A finite stand-in for an infinite NLL or slope (keeps Brent's interpolation arithmetic finite). */
const HUGE = 1e300;
