import { NsbiInputError } from "../../errors.js";
import { meanStd } from "../../numerics/moments.js";
import { quantileSorted } from "../../numerics/quantile.js";

/** Posterior mean, standard deviation, median and central credible interval of one quantity. */
export interface CredibleSummary {
  mean: number;
  sd: number;
  median: number;
  /** Central interval [q((1 − level)/2), q((1 + level)/2)] of the draws. */
  lower: number;
  upper: number;
  level: number;
}

/** Summary of posterior draws (quantiles by linear interpolation, NumPy's default). */
export function credibleSummary(draws: ArrayLike<number>, level: number): CredibleSummary {
  if (!(level > 0 && level < 1)) throw new NsbiInputError(`intervalLevel: must be in (0, 1), got ${level}`);
  if (draws.length < 1) throw new NsbiInputError("credibleSummary: no draws");
  const { mean, std } = meanStd(draws);
  const sorted = Float64Array.from(draws).sort();
  return {
    mean,
    sd: draws.length > 1 ? std : 0,
    median: quantileSorted(sorted, 0.5),
    lower: quantileSorted(sorted, (1 - level) / 2),
    upper: quantileSorted(sorted, (1 + level) / 2),
    level,
  };
}
