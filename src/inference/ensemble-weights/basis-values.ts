import { NsbiInputError } from "../../errors.js";

/**
 * Values of the basis functions f_j of a w_i f_i ensemble (arXiv 2506.00113) on a set of events:
 * log r(x) = Σ_j w_j f_j(x). Row-major rows × size: f_j(x_r) at values[r·size + j]. With `constant`,
 * the last column is the constant basis function f ≡ 1 (a free normalisation of the ratio).
 */
export interface BasisValues {
  values: Float64Array;
  rows: number;
  size: number;
  constant: boolean;
}

/**
 * Builds the basis matrix from one column per frozen network (its log-ratio output on every event), and
 * appends the constant basis function when `constant` is true.
 * @param columns columns[j][r] = f_j(x_r); all of the same length
 * @param options constant: append f ≡ 1 as the last column (default false)
 * @throws NsbiInputError when the columns differ in length or hold a non-finite value (naming the network and event)
 */
export function basisValues(columns: ArrayLike<number>[], options: { constant?: boolean } = {}): BasisValues {
  const constant = options.constant ?? false;
  if (columns.length === 0 && !constant)
    throw new NsbiInputError("basisValues: need at least one network column or the constant basis function");
  const rows = columns.length > 0 ? columns[0].length : 0;
  const size = columns.length + (constant ? 1 : 0);
  const values = new Float64Array(rows * size);
  columns.forEach((c, j) => {
    if (c.length !== rows)
      throw new NsbiInputError(`basisValues: network ${j} has ${c.length} values, network 0 has ${rows}`);
    for (let r = 0; r < rows; r++) {
      const v = c[r];
      if (!Number.isFinite(v))
        throw new NsbiInputError(`basisValues: network ${j} gives ${v} on event ${r}; basis values must be finite`);
      values[r * size + j] = v;
    }
  });
  if (constant) for (let r = 0; r < rows; r++) values[r * size + size - 1] = 1;
  return { values, rows, size, constant };
}

/** How an error message names basis function j: a network, or the constant. */
export function basisName(b: Pick<BasisValues, "size" | "constant">, j: number): string {
  return b.constant && j === b.size - 1 ? "the constant basis function" : `basis function ${j} (network ${j})`;
}

/** Σ_j w_j f_j(x_r) for every row r: the ensemble's log ratio. */
export function ensembleLogRatio(b: BasisValues, weights: ArrayLike<number>): Float64Array {
  checkWeights(b, weights, "ensembleLogRatio");
  const out = new Float64Array(b.rows),
    k = b.size;
  for (let r = 0; r < b.rows; r++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += weights[j] * b.values[r * k + j];
    out[r] = s;
  }
  return out;
}

/** Throws unless `weights` has one finite entry per basis function. */
export function checkWeights(b: Pick<BasisValues, "size">, weights: ArrayLike<number>, where: string): void {
  if (weights.length !== b.size)
    throw new NsbiInputError(`${where}: ${weights.length} weights for ${b.size} basis functions`);
  for (let j = 0; j < weights.length; j++)
    if (!Number.isFinite(weights[j])) throw new NsbiInputError(`${where}: weight ${j} is ${weights[j]}`);
}
