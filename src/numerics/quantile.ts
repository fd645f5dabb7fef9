import { NsbiInputError } from "../errors.js";

/**
 * Quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan's
 * type 7, NumPy's and PyTorch's default): h = (n − 1)·q, value = s[⌊h⌋] + (h − ⌊h⌋)·(s[⌊h⌋+1] − s[⌊h⌋]).
 *
 * @param sorted ascending values (at least one in the run).
 * @param q the probability in [0, 1].
 * @param start first index of the sorted run inside `sorted` (default 0).
 * @param n length of the run (default sorted.length − start).
 * @throws NsbiInputError when q is outside [0, 1] or the run is empty
 * @see Hyndman & Fan 1996, "Sample quantiles in statistical packages", Am. Stat. 50(4).
 * @example
 * ```ts
 * quantileSorted([1, 2, 4, 8], 0.5); // 3
 * ```
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number, start = 0, n = sorted.length - start): number {
  if (!(q >= 0 && q <= 1)) throw new NsbiInputError(`quantileSorted: q must be in [0, 1], got ${q}`);
  if (n < 1) throw new NsbiInputError("quantileSorted: need at least one value");
  const h = (n - 1) * q,
    lo = Math.floor(h),
    hi = Math.min(lo + 1, n - 1);
  return sorted[start + lo] + (h - lo) * (sorted[start + hi] - sorted[start + lo]);
}
