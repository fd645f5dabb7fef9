import { NsbiInputError } from "../../errors.js";

/**
 * The norm-shape view of a binned cross-section measurement: a vector of n values (per unit bin
 * width) becomes y = (N, f_1, …, f_{n−1}) with N = Σ_i v_i·w_i the integrated cross section and
 * f_i = v_i·w_i / N the fraction in bin i (the last fraction is dropped because they sum to 1).
 * The covariance is propagated to y with the Jacobian at the data (linearised, as is usual).
 * A χ² in y separates the normalisation from the shape, the remedy for Peelle's Pertinent Puzzle
 * that the MicroBooNE tune used as a cross-check.
 *
 * @see MicroBooNE, "New CC0π GENIE model tune for MicroBooNE", PRD 105, 072001 (2022), arXiv:2110.14028
 * @see S. Abe et al., "Improving neutrino-nuclei interaction models: recommendations and case studies
 *   on Peelle's Pertinent Puzzle", arXiv:2509.17945 (norm-shape transformations)
 */
export interface NormShapeSpace {
  /** Number of bins n (y has n entries too: N and n−1 fractions). */
  readonly size: number;
  /** The data in y. */
  readonly data: Float64Array;
  /** Covariance of y [n × n], row-major. */
  readonly covariance: Float64Array;
  /** Map a prediction (same units and bins as the data) to y. */
  transform(values: ArrayLike<number>): Float64Array;
}

/**
 * @param data measured values v [n] (per unit bin width)
 * @param covariance their covariance [n × n], row-major
 * @param widths bin widths w [n] (e.g. Δp·Δcos θ), so v·w are the per-bin cross sections
 */
export function normShapeSpace(
  data: ArrayLike<number>,
  covariance: ArrayLike<number>,
  widths: ArrayLike<number>,
): NormShapeSpace {
  const n = data.length;
  if (n < 2) throw new NsbiInputError(`normShapeSpace: need at least 2 bins, got ${n}`);
  if (covariance.length !== n * n)
    throw new NsbiInputError(`normShapeSpace: covariance has ${covariance.length} entries, expected ${n}×${n}`);
  if (widths.length !== n) throw new NsbiInputError(`normShapeSpace: ${widths.length} bin widths for ${n} bins`);
  for (let i = 0; i < n; i++)
    if (!(widths[i] > 0)) throw new NsbiInputError(`normShapeSpace: bin width ${i} is ${widths[i]}, expected > 0`);

  const transform = (values: ArrayLike<number>): Float64Array => {
    if (values.length !== n)
      throw new NsbiInputError(`normShapeSpace.transform: ${values.length} values, expected ${n}`);
    let total = 0;
    for (let i = 0; i < n; i++) total += values[i] * widths[i];
    if (!(total > 0))
      throw new NsbiInputError(`normShapeSpace.transform: integrated cross section is ${total}, expected > 0`);
    const y = new Float64Array(n);
    y[0] = total;
    for (let i = 0; i < n - 1; i++) y[i + 1] = (values[i] * widths[i]) / total;
    return y;
  };
  const yData = transform(data);
  const N = yData[0];
  // Jacobian J[r][j] = ∂y_r/∂v_j: row 0 is w_j; row i+1 is w_j (δ_ij / N − c_i / N²) with c_i = v_i w_i.
  const J = new Float64Array(n * n);
  for (let j = 0; j < n; j++) J[j] = widths[j];
  for (let i = 0; i < n - 1; i++) {
    const ci = data[i] * widths[i];
    for (let j = 0; j < n; j++) J[(i + 1) * n + j] = widths[j] * ((i === j ? 1 / N : 0) - ci / (N * N));
  }
  // covariance J V Jᵀ
  const JV = new Float64Array(n * n);
  for (let r = 0; r < n; r++)
    for (let k = 0; k < n; k++) {
      const a = J[r * n + k];
      if (a === 0) continue;
      for (let j = 0; j < n; j++) JV[r * n + j] += a * covariance[k * n + j];
    }
  const cov = new Float64Array(n * n);
  for (let r = 0; r < n; r++)
    for (let s = r; s < n; s++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += JV[r * n + k] * J[s * n + k];
      cov[r * n + s] = acc;
      cov[s * n + r] = acc;
    }
  return { size: n, data: yData, covariance: cov, transform };
}
