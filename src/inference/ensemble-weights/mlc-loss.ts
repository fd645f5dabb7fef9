import { NsbiInputError } from "../../errors.js";
import { basisColumns, dot, linearCombination } from "./basis-columns.js";
import { type BasisValues, checkWeights } from "./basis-values.js";

/** Basis values on the fit set D_fit: events of the numerator density n and of the denominator density d. */
export interface EnsembleFitData {
  numerator: BasisValues;
  denominator: BasisValues;
}

/** L(w) with its exact gradient and Hessian (row-major size × size). */
export interface MlcLossValue {
  value: number;
  gradient: Float64Array;
  hessian: Float64Array;
}

/**
 * The symmetrised maximum-likelihood-classifier (MLC) loss of a w_i f_i ensemble (arXiv 2506.00113;
 * MLC: D'Agnolo et al., arXiv 1806.02350), with s = w·f(x):
 *
 *   L(w) = −( Σ_{x∈n} [s − (e^{−s} − 1)] + Σ_{x∈d} [−s − (e^{s} − 1)] ),
 *
 * a sum over the events (not a mean). Its population minimiser is s = log n(x)/d(x). Per event the
 * gradient is −f(1 + e^{−s}) (n) or f(1 + e^{s}) (d) and the Hessian f fᵀ e^{−s} (n) or f fᵀ e^{s} (d):
 * positive semi-definite, so L is convex in w.
 */
export function symmetrisedMlcLoss(data: EnsembleFitData, weights: ArrayLike<number>): MlcLossValue {
  checkFitData(data, "symmetrisedMlcLoss");
  checkWeights(data.numerator, weights, "symmetrisedMlcLoss");
  const k = data.numerator.size;
  const gradient = new Float64Array(k),
    hessian = new Float64Array(k * k);
  let value = 0;
  for (const [b, sign] of [
    [data.numerator, 1],
    [data.denominator, -1],
  ] as const) {
    const cols = basisColumns(b),
      rows = b.rows;
    const s = linearCombination(cols, weights, rows);
    // n: −s + e^{−s} − 1; d: s + e^{s} − 1, i.e. −σs + e^{−σs} − 1 with σ = +1 (n), −1 (d)
    const e = new Float64Array(rows),
      g = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      e[r] = Math.exp(-sign * s[r]);
      value += -sign * s[r] + e[r] - 1;
      g[r] = -sign * (1 + e[r]);
    }
    const ef = new Float64Array(rows);
    for (let i = 0; i < k; i++) {
      const ci = cols[i];
      gradient[i] += dot(g, ci, rows);
      for (let r = 0; r < rows; r++) ef[r] = e[r] * ci[r];
      for (let j = 0; j <= i; j++) hessian[i * k + j] += dot(ef, cols[j], rows);
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) hessian[j * k + i] = hessian[i * k + j];
  return { value, gradient, hessian };
}

/** Throws unless both samples have rows and the same basis functions. */
export function checkFitData(data: EnsembleFitData, where: string): void {
  const { numerator: n, denominator: d } = data;
  if (n.size !== d.size || n.constant !== d.constant)
    throw new NsbiInputError(
      `${where}: numerator and denominator events have different basis functions (${n.size} vs ${d.size} columns)`,
    );
  if (n.rows < 1 || d.rows < 1)
    throw new NsbiInputError(`${where}: need events of both classes (numerator ${n.rows}, denominator ${d.rows})`);
  for (const b of [n, d])
    if (b.values.length !== b.rows * b.size)
      throw new NsbiInputError(
        `${where}: basis values hold ${b.values.length} numbers, expected ${b.rows} × ${b.size}`,
      );
}
