/** Mean and sample standard deviation of a set of values. */
export interface MeanStd {
  /** Arithmetic mean; NaN when there are no values. */
  mean: number;
  /** Sample standard deviation with the n − 1 divisor; NaN for fewer than two values. */
  std: number;
  /** Number of values. */
  n: number;
}

/**
 * Mean and sample standard deviation (n − 1 divisor, NumPy's `std(ddof=1)`) by two passes
 * (the second over deviations from the mean, which keeps the variance accurate when the mean is
 * large). Non-finite values propagate: filter them first where they are to be ignored.
 * @example
 * ```ts
 * meanStd([1, 2, 3, 4]); // { mean: 2.5, std: 1.2909944487358056, n: 4 }
 * ```
 */
export function meanStd(values: ArrayLike<number>): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i];
  m /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (values[i] - m) ** 2;
  return { mean: m, std: n > 1 ? Math.sqrt(s / (n - 1)) : NaN, n };
}
