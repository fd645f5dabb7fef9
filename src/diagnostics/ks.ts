import { NsbiInputError } from "../errors.js";
import { kolmogorovSurvival } from "../numerics/kolmogorov.js";

/** A Kolmogorov–Smirnov statistic with its asymptotic p-value. */
export interface KsResult {
  /** D = sup |F̂ − F| (one sample) or sup |F̂₁ − F̂₂| (two samples). */
  statistic: number;
  /** P(D ≥ observed) under the null, from the Kolmogorov distribution (see ksPValue). */
  pValue: number;
  /** Sample size (one sample) or effective size n·m/(n+m) (two samples). */
  n: number;
}

/**
 * Asymptotic p-value of a KS statistic D from n points (effective n for two samples), with
 * Stephens' finite-sample correction: Q((√n + 0.12 + 0.11/√n)·D). For n ≥ 100 this differs
 * from the plain asymptotic Q(√n·D) by < 0.5% in the argument.
 *
 * @param d the KS statistic in [0, 1].
 * @param n the (effective) sample size, > 0.
 * @see Stephens 1970, "Use of the Kolmogorov–Smirnov, Cramér–von Mises and related statistics
 *   without extensive tables", J. R. Stat. Soc. B 32(1); Numerical Recipes 3rd ed. §14.3.3.
 */
export function ksPValue(d: number, n: number): number {
  if (!(d >= 0 && d <= 1)) throw new NsbiInputError(`ksPValue: d must be in [0, 1], got ${d}`);
  if (!(n > 0)) throw new NsbiInputError(`ksPValue: n must be positive, got ${n}`);
  const r = Math.sqrt(n);
  return kolmogorovSurvival((r + 0.12 + 0.11 / r) * d);
}

/**
 * One-sample KS test of `values` against a continuous CDF (default: uniform on [0, 1]).
 * D = max_i max(i/n − F(x₍ᵢ₎), F(x₍ᵢ₎) − (i−1)/n) over the sorted sample.
 *
 * @param values the sample (at least one finite value; non-finite values are an error).
 * @param cdf the null CDF; default the U(0, 1) CDF clamp(x, 0, 1).
 * @see Kolmogorov 1933; Smirnov 1948, "Table for estimating the goodness of fit of empirical
 *   distributions", Ann. Math. Stat. 19(2).
 */
export function ksOneSample(values: ArrayLike<number>, cdf: (x: number) => number = uniformCdf): KsResult {
  const n = values.length;
  if (n < 1) throw new NsbiInputError("ksOneSample: values must hold at least one number");
  const s = sortedCopy(values, "ksOneSample: values");
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return { statistic: d, pValue: ksPValue(d, n), n };
}

/**
 * Two-sample KS test: D = sup_t |F̂_a(t) − F̂_b(t)| (ties handled by stepping over equal values
 * in both samples together), p-value from the Kolmogorov distribution at the effective size
 * n·m/(n+m) with Stephens' correction (see ksPValue).
 *
 * @param a first sample (finite numbers, at least one).
 * @param b second sample (finite numbers, at least one).
 * @see Smirnov 1939, "On the estimation of the discrepancy between empirical curves of
 *   distribution for two independent samples", Bull. Math. Univ. Moscou 2(2).
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  if (a.length < 1 || b.length < 1)
    throw new NsbiInputError(`ksTwoSample: both samples must be non-empty, got ${a.length} and ${b.length} values`);
  const x = sortedCopy(a, "ksTwoSample: a"),
    y = sortedCopy(b, "ksTwoSample: b");
  const n = x.length,
    m = y.length;
  let i = 0,
    j = 0,
    d = 0;
  while (i < n && j < m) {
    const t = Math.min(x[i], y[j]);
    while (i < n && x[i] === t) i++;
    while (j < m && y[j] === t) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const ne = (n * m) / (n + m);
  return { statistic: d, pValue: ksPValue(d, ne), n: ne };
}

function uniformCdf(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}

function sortedCopy(v: ArrayLike<number>, what: string): Float64Array {
  const s = Float64Array.from(v as ArrayLike<number>);
  for (let i = 0; i < s.length; i++)
    if (!Number.isFinite(s[i])) throw new NsbiInputError(`${what}: value ${i} is ${s[i]}, expected a finite number`);
  return s.sort();
}
