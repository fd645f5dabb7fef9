import { meanStd } from "../numerics/moments.js";
import { quantileSorted } from "../numerics/quantile.js";

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
export function summarizeSamples(
  samples: Float32Array,
  n: number,
  names: string[],
  levels = DEFAULT_QUANTILES,
): PosteriorSummary {
  const P = names.length;
  const mean: number[] = [],
    std: number[] = [];
  const quantiles = levels.map((level) => ({ level, values: [] as number[] }));
  const col = new Float64Array(n);
  for (let j = 0; j < P; j++) {
    for (let i = 0; i < n; i++) col[i] = samples[i * P + j];
    const ms = meanStd(col);
    mean.push(ms.mean);
    std.push(n > 1 ? ms.std : 0); // one draw: no spread
    col.sort();
    quantiles.forEach((q) => {
      q.values.push(quantileSorted(col, q.level));
    });
  }
  return { parameterNames: names, mean, std, quantiles };
}
