import { choleskyLower, choleskySolve } from "../../numerics/cholesky.js";
import type { Potential } from "./potential.js";

/*
 * Densities with closed-form moments, for the samplers' tests and benchmarks (not used by the
 * library itself). Each is −Infinity outside the box [lower, upper] given to it, so that the prior's
 * support and the potential's agree.
 */

/** log N(θ; mean, cov) up to a constant, with its gradient; −Infinity outside the box. */
export function gaussianPotential(mean: number[], cov: number[][], lower: number[], upper: number[]): Potential {
  const D = mean.length;
  const L = choleskyLower(cov.flat(), D, "cov");
  // precision matrix column by column (tests only: D is small)
  const prec = new Float64Array(D * D);
  for (let k = 0; k < D; k++) {
    const e = new Float64Array(D);
    e[k] = 1;
    const col = choleskySolve(L, D, e);
    for (let j = 0; j < D; j++) prec[j * D + k] = col[j];
  }
  const d = new Float64Array(D);
  const evaluate = (theta: Float64Array, n: number, out: Float64Array, grad: Float64Array | null) => {
    for (let i = 0; i < n; i++) {
      let inside = true;
      for (let j = 0; j < D; j++) {
        const v = theta[i * D + j];
        d[j] = v - mean[j];
        if (!(v >= lower[j] && v <= upper[j])) inside = false;
      }
      let q = 0;
      for (let j = 0; j < D; j++) {
        let s = 0;
        for (let k = 0; k < D; k++) s += prec[j * D + k] * d[k];
        q += d[j] * s;
        if (grad) grad[i * D + j] = -s;
      }
      out[i] = inside ? -0.5 * q : -Infinity;
    }
  };
  return {
    dim: D,
    logDensity: (theta, n, out) => evaluate(theta, n, out, null),
    gradient: (theta, n, out, grad) => evaluate(theta, n, out, grad),
  };
}

/**
 * A banana ("twisted Gaussian", Haario, Saksman & Tamminen 1999): x₁ ~ N(0, s₁²),
 * x₂ | x₁ ~ N(b·x₁², s₂²). Closed forms: E x₂ = b s₁², Var x₂ = s₂² + 2 b² s₁⁴, Cov(x₁, x₂) = 0,
 * Cov(x₁², x₂) = 2 b s₁⁴; x₁ is exactly N(0, s₁²).
 */
export function bananaPotential(s1: number, s2: number, b: number, lower: number[], upper: number[]): Potential {
  const evaluate = (theta: Float64Array, n: number, out: Float64Array, grad: Float64Array | null) => {
    for (let i = 0; i < n; i++) {
      const x1 = theta[2 * i],
        x2 = theta[2 * i + 1],
        r = x2 - b * x1 * x1;
      const inside = x1 >= lower[0] && x1 <= upper[0] && x2 >= lower[1] && x2 <= upper[1];
      out[i] = inside ? -(x1 * x1) / (2 * s1 * s1) - (r * r) / (2 * s2 * s2) : -Infinity;
      if (grad) {
        grad[2 * i] = -x1 / (s1 * s1) + (2 * b * x1 * r) / (s2 * s2);
        grad[2 * i + 1] = -r / (s2 * s2);
      }
    }
  };
  return {
    dim: 2,
    logDensity: (theta, n, out) => evaluate(theta, n, out, null),
    gradient: (theta, n, out, grad) => evaluate(theta, n, out, grad),
  };
}

/** Sample mean vector and covariance matrix (divisor n) of n rows of dimension D. */
export function sampleMoments(x: ArrayLike<number>, n: number, D: number): { mean: number[]; cov: number[][] } {
  const mean = new Array<number>(D).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) mean[j] += x[i * D + j] / n;
  const cov = Array.from({ length: D }, () => new Array<number>(D).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j < D; j++)
      for (let k = 0; k < D; k++) cov[j][k] += ((x[i * D + j] - mean[j]) * (x[i * D + k] - mean[k])) / n;
  return { mean, cov };
}

/**
 * Every `stride`-th kept draw of dimension j from each chain (chains × drawsPerChain × dim), so that
 * the values are close to independent for a KS test when stride ≳ the autocorrelation time.
 */
export function thinnedMarginal(
  chains: Float32Array,
  numChains: number,
  drawsPerChain: number,
  dim: number,
  j: number,
  stride: number,
): Float64Array {
  const out: number[] = [];
  for (let c = 0; c < numChains; c++)
    for (let t = 0; t < drawsPerChain; t += stride) out.push(chains[(c * drawsPerChain + t) * dim + j]);
  return Float64Array.from(out);
}

/** One-sample Kolmogorov–Smirnov statistic D_n of `values` against a CDF. */
export function ksStatistic(values: Float64Array, cdf: (x: number) => number): number {
  const s = Float64Array.from(values).sort(),
    n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}
