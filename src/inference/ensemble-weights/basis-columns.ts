import type { BasisValues } from "./basis-values.js";

const cache = new WeakMap<BasisValues, Float64Array[]>();

/**
 * The basis values as one contiguous column per basis function (cached per BasisValues object): the
 * loss, gradient, Hessian and sandwich sums then run over contiguous memory, several times faster
 * than striding through the row-major matrix for tens of networks and thousands of events.
 * The cache assumes `values` is not modified after the first use.
 */
export function basisColumns(b: BasisValues): Float64Array[] {
  let cols = cache.get(b);
  if (!cols) {
    const k = b.size;
    cols = Array.from({ length: k }, (_, j) => {
      const c = new Float64Array(b.rows);
      for (let r = 0; r < b.rows; r++) c[r] = b.values[r * k + j];
      return c;
    });
    cache.set(b, cols);
  }
  return cols;
}

/** s_r = Σ_j w_j f_j(x_r) from the columns. */
export function linearCombination(cols: Float64Array[], weights: ArrayLike<number>, rows: number): Float64Array {
  const s = new Float64Array(rows);
  for (let j = 0; j < cols.length; j++) {
    const w = weights[j],
      c = cols[j];
    for (let r = 0; r < rows; r++) s[r] += w * c[r];
  }
  return s;
}

/** Σ_r a[r]·b[r]. */
export function dot(a: Float64Array, b: Float64Array, rows: number): number {
  let s = 0;
  for (let r = 0; r < rows; r++) s += a[r] * b[r];
  return s;
}
