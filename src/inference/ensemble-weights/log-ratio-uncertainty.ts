import { NsbiInputError } from "../../errors.js";
import { type BasisValues, checkWeights } from "./basis-values.js";

/** The ensemble's log ratio per event and its standard deviation from the weights' covariance. */
export interface LogRatioWithUncertainty {
  logRatio: Float64Array;
  sigma: Float64Array;
}

/**
 * log r̂(x) = ŵ·f(x) and its uncertainty √(f(x)ᵀ C f(x)) from the sandwich covariance C of ŵ
 * (arXiv 2506.00113): the spread of the ensemble's log ratio at x over repeated fit sets, the networks fixed.
 * @param basis basis values of the events
 * @param weights ŵ
 * @param covariance C, row-major size × size
 */
export function logRatioWithUncertainty(
  basis: BasisValues,
  weights: ArrayLike<number>,
  covariance: ArrayLike<number>,
): LogRatioWithUncertainty {
  checkWeights(basis, weights, "logRatioWithUncertainty");
  const k = basis.size;
  if (covariance.length !== k * k)
    throw new NsbiInputError(`logRatioWithUncertainty: covariance has ${covariance.length} entries, expected ${k * k}`);
  const logRatio = new Float64Array(basis.rows),
    sigma = new Float64Array(basis.rows);
  for (let r = 0; r < basis.rows; r++) {
    const o = r * k;
    let s = 0,
      q = 0;
    for (let i = 0; i < k; i++) {
      const fi = basis.values[o + i];
      s += weights[i] * fi;
      let cf = 0;
      for (let j = 0; j < k; j++) cf += covariance[i * k + j] * basis.values[o + j];
      q += fi * cf;
    }
    if (!(q >= -1e-12 * Math.max(1, Math.abs(q))) || !Number.isFinite(q))
      throw new NsbiInputError(`logRatioWithUncertainty: fᵀCf = ${q} on event ${r}; C must be a covariance matrix`);
    logRatio[r] = s;
    sigma[r] = Math.sqrt(Math.max(0, q));
  }
  return { logRatio, sigma };
}
