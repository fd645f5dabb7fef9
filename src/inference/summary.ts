/** Marginal summaries of posterior samples. */
export interface PosteriorSummary {
  parameterNames: string[];
  mean: number[];
  std: number[];
  /** Quantile levels and, per level, one value per parameter. */
  quantiles: { level: number; values: number[] }[];
}

/** Default levels: 2.5%, 16%, 50%, 84%, 97.5% (central 68% and 95% intervals and the median). */
export const DEFAULT_QUANTILES = [0.025, 0.16, 0.5, 0.84, 0.975];

/** Mean, standard deviation (n − 1) and quantiles (linear interpolation, NumPy's default) per parameter. */
export function summarizeSamples(samples: Float32Array, n: number, names: string[], levels = DEFAULT_QUANTILES): PosteriorSummary {
  const P = names.length;
  const mean: number[] = [], std: number[] = [];
  const quantiles = levels.map((level) => ({ level, values: [] as number[] }));
  const col = new Float64Array(n);
  for (let j = 0; j < P; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) { col[i] = samples[i * P + j]; m += col[i]; }
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (col[i] - m) ** 2;
    mean.push(m);
    std.push(Math.sqrt(v / Math.max(1, n - 1)));
    col.sort();
    quantiles.forEach((q) => q.values.push(quantileSorted(col, q.level)));
  }
  return { parameterNames: names, mean, std, quantiles };
}

/** Quantile of sorted data with linear interpolation between order statistics. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q, lo = Math.floor(h), hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
