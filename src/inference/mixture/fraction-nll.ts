/**
 * The μ-dependent part of a mixture NLL over a block of events, in the scaled form of ComponentTable:
 *   F(f) = −Σ_k w_k log(c_k + f d_k),  F'(f) = −Σ w d/(c + f d),  F''(f) = Σ w (d/(c + f d))² ≥ 0,
 * so F is convex in the signal fraction f. Events [start, start + n) of the arrays.
 */
export function fractionNll(
  background: Float64Array,
  difference: Float64Array,
  weight: Float64Array,
  start: number,
  n: number,
  f: number,
): number {
  // Σ log q as the log of running products of the unit-weight terms (q ≤ 1; flushed into the sum
  // before the product can leave the normal range): one log per ~500 events instead of one per event,
  // with a relative rounding error of the product below n·ε, i.e. ~1e-13 in the NLL. Tiny q (< 1e-30)
  // and weights ≠ 1 (bootstrap counts ≥ 2) take the direct log.
  let s = 0,
    product = 1;
  for (let k = 0; k < n; k++) {
    const q = background[start + k] + f * difference[start + k],
      w = weight[k];
    if (w === 1 && q >= 1e-30) {
      product *= q;
      if (product < 1e-250) {
        s += Math.log(product);
        product = 1;
      }
    } else s += w * Math.log(q);
  }
  return -(s + Math.log(product));
}

/** F(f) and F'(f) (see fractionNll) in one pass, written into out[0], out[1]. */
export function fractionNllAndGradient(
  background: Float64Array,
  difference: Float64Array,
  weight: Float64Array,
  start: number,
  n: number,
  f: number,
  out: Float64Array,
): void {
  let s = 0,
    product = 1,
    g = 0;
  for (let k = 0; k < n; k++) {
    const d = difference[start + k],
      q = background[start + k] + f * d,
      w = weight[k];
    g -= (w * d) / q;
    // the log of running products, as in fractionNll
    if (w === 1 && q >= 1e-30) {
      product *= q;
      if (product < 1e-250) {
        s += Math.log(product);
        product = 1;
      }
    } else s += w * Math.log(q);
  }
  out[0] = -(s + Math.log(product));
  out[1] = g;
}

/** F'(f) and F''(f) (see fractionNll), written into out[0], out[1]. */
export function fractionNllDerivatives(
  background: Float64Array,
  difference: Float64Array,
  weight: Float64Array,
  start: number,
  n: number,
  f: number,
  out: Float64Array,
): void {
  let g = 0,
    h = 0;
  for (let k = 0; k < n; k++) {
    const d = difference[start + k],
      t = d / (background[start + k] + f * d),
      wt = weight[k] * t;
    g -= wt;
    h += wt * t;
  }
  out[0] = g;
  out[1] = h;
}

/** The minimum of a fraction NLL on [0, fMax]. */
export interface FractionMinimum {
  fraction: number;
  /** F'(f) at the minimum (0 inside, ≥ 0 at f = 0, ≤ 0 at fMax) */
  gradient: number;
  /** F''(f) at the minimum */
  curvature: number;
  /** the minimum is at f = 0 (μ = 0) */
  atLower: boolean;
  /** the minimum is at fMax */
  atUpper: boolean;
}

/**
 * Exact minimisation of the convex F(f) on [0, fMax] (see fractionNll): Newton steps on F' = 0 inside
 * a bracket [lo, hi] that shrinks with every evaluation (F' is increasing, so the bracket always holds
 * the minimum), with a bisection whenever a step would leave it. A step past an end of [0, fMax] first
 * tests that end once: F' ≥ 0 at 0 (≤ 0 at fMax) is a boundary minimum. Converges to |Δf| ≤ 1e-13 in
 * a handful of passes over the events from a warm start.
 */
export function minimizeFractionNll(
  background: Float64Array,
  difference: Float64Array,
  weight: Float64Array,
  start: number,
  n: number,
  fMax: number,
  fStart = 0.5 * fMax,
): FractionMinimum {
  const d = new Float64Array(2);
  const derivatives = (f: number) => fractionNllDerivatives(background, difference, weight, start, n, f, d);
  if (!(fMax > 0)) {
    derivatives(0);
    return { fraction: 0, gradient: d[0], curvature: d[1], atLower: true, atUpper: fMax === 0 };
  }
  let lo = 0,
    hi = fMax,
    lowerTested = false,
    upperTested = false,
    f = fStart > 0 && fStart < fMax ? fStart : 0.5 * fMax,
    current = false; // whether d holds F', F'' at f
  for (let it = 0; it < 200; it++) {
    derivatives(f);
    current = true;
    const g = d[0],
      h = d[1];
    if (g === 0) break;
    if (g < 0) lo = f;
    else hi = f;
    let next = h > 0 ? f - g / h : Number.NaN;
    if (!(next > lo && next < hi)) {
      if (g > 0 && lo === 0 && !lowerTested && !(next > 0)) {
        lowerTested = true;
        current = false;
        derivatives(0);
        if (d[0] >= 0) return { fraction: 0, gradient: d[0], curvature: d[1], atLower: true, atUpper: false };
      } else if (g < 0 && hi === fMax && !upperTested && !(next < fMax)) {
        upperTested = true;
        current = false;
        derivatives(fMax);
        if (d[0] <= 0) return { fraction: fMax, gradient: d[0], curvature: d[1], atLower: false, atUpper: true };
      }
      next = 0.5 * (lo + hi);
    }
    const step = Math.abs(next - f);
    if (step <= 1e-13 * Math.max(f, 1e-3) || hi - lo <= 1e-15) break; // f is the minimum to this precision
    f = next;
    current = false;
  }
  if (!current) derivatives(f);
  return { fraction: f, gradient: d[0], curvature: d[1], atLower: false, atUpper: false };
}
