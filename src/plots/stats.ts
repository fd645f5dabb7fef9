/**
 * Small summary statistics for plots: quantiles, mean and standard deviation, and the
 * "value +upper −lower" label of an estimate.
 */

import type { Numbers } from "./plot-spec.js";
import { formatNumber } from "./theme.js";

/** The `p`-quantile of the finite values (linear interpolation, like NumPy's default); NaN if none. */
export function quantile(values: Numbers, p: number): number {
  const v = Float64Array.from(values).filter(Number.isFinite).sort();
  if (v.length === 0) return NaN;
  const h = (v.length - 1) * p, lo = Math.floor(h), hi = Math.min(lo + 1, v.length - 1);
  return v[lo]! + (h - lo) * (v[hi]! - v[lo]!);
}

/** Mean and sample standard deviation (n − 1) of the finite values. */
export function meanStd(values: Numbers): { mean: number; std: number; n: number } {
  let n = 0, m = 0, s = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) continue;
    n++;
    const d = x - m;
    m += d / n;
    s += d * (x - m);
  }
  return { mean: n ? m : NaN, std: n > 1 ? Math.sqrt(s / (n - 1)) : NaN, n };
}

/** Decimals that show two significant digits of `err` (between 0 and 6). */
export function decimalsFor(err: number): number {
  if (!(err > 0) || !Number.isFinite(err)) return 2;
  return Math.max(0, Math.min(6, 1 - Math.floor(Math.log10(err))));
}

/** "0.52 +0.10 −0.09" with decimals set by the smaller error. */
export function formatEstimate(value: number, plus: number, minus: number): string {
  const d = decimalsFor(Math.min(plus, minus));
  return `${formatNumber(value, d)} +${formatNumber(plus, d)} −${formatNumber(minus, d)}`;
}
