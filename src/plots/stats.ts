/**
 * Small summary statistics for plots: quantiles, mean and standard deviation, and the
 * "value +upper −lower" label of an estimate.
 */

import { meanStd as meanStdOf, type MeanStd } from "../numerics/moments.js";
import { quantileSorted } from "../numerics/quantile.js";
import type { Numbers } from "./plot-spec.js";
import { formatNumber } from "./theme.js";

/** The values themselves when all are finite (no copy: the common case, e.g. 10,000 posterior draws), else the finite ones. */
function finiteOnly(values: Numbers): ArrayLike<number> {
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i])) return Float64Array.from(values).filter(Number.isFinite);
  return values;
}

/** The finite values, sorted ascending (a copy). */
export function sortedFinite(values: Numbers): Float64Array {
  return Float64Array.from(finiteOnly(values)).sort();
}

/** The `p`-quantile of the finite values (linear interpolation, like NumPy's default); NaN if none. */
export function quantile(values: Numbers, p: number): number {
  const v = sortedFinite(values);
  return v.length === 0 ? NaN : quantileSorted(v, p);
}

/** Mean and sample standard deviation (n − 1) of the finite values (non-finite ones are left out of n). */
export function meanStd(values: Numbers): MeanStd {
  return meanStdOf(finiteOnly(values));
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
