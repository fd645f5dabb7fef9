import { NsbiInputError } from "../errors.js";

/**
 * The input of every calibration diagnostic: N test pairs (θ*_i, x_i) with θ*_i drawn from the
 * prior and x_i simulated from θ*_i, and L posterior draws for each x_i. Arrays are row-major.
 */
export interface CalibrationSamples {
  /** True parameters θ*, [numTests, numParams]. */
  thetaTrue: ArrayLike<number>;
  /** Posterior draws, [numTests, numSamples, numParams] (draw l of test i at (i·L + l)·P). */
  draws: ArrayLike<number>;
  numTests: number;
  numSamples: number;
  numParams: number;
}

/**
 * Check shapes and finiteness of calibration samples; returns [N, L, P].
 *
 * @param s the samples to check.
 * @param fn the calling function's name, used in error messages.
 * @param minSamples the least number of draws per test the caller can work with (default 1).
 * @see Talts et al. 2018, "Validating Bayesian inference algorithms with simulation-based
 *   calibration", arXiv:1804.06788 (the N × L layout).
 */
export function checkCalibrationSamples(s: CalibrationSamples, fn: string, minSamples = 1): [number, number, number] {
  const { numTests: N, numSamples: L, numParams: P } = s;
  for (const [name, v, min] of [
    ["numTests", N, 1],
    ["numSamples", L, minSamples],
    ["numParams", P, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min)
      throw new NsbiInputError(`${fn}: ${name} must be an integer >= ${min}, got ${v}`);
  }
  if (s.thetaTrue.length !== N * P)
    throw new NsbiInputError(
      `${fn}: thetaTrue has ${s.thetaTrue.length} values, expected numTests x numParams = ${N} x ${P}`,
    );
  if (s.draws.length !== N * L * P)
    throw new NsbiInputError(
      `${fn}: draws has ${s.draws.length} values, expected numTests x numSamples x numParams = ${N} x ${L} x ${P}`,
    );
  for (let i = 0; i < s.thetaTrue.length; i++)
    if (!Number.isFinite(s.thetaTrue[i]))
      throw new NsbiInputError(`${fn}: thetaTrue value ${i} is ${s.thetaTrue[i]}, expected a finite number`);
  for (let i = 0; i < s.draws.length; i++)
    if (!Number.isFinite(s.draws[i]))
      throw new NsbiInputError(`${fn}: draws value ${i} is ${s.draws[i]}, expected a finite number`);
  return [N, L, P];
}

/**
 * The draws of each marginal sorted ascending: [numTests, numParams, numSamples], so that the
 * sorted draws of parameter p for test i start at (i·P + p)·L.
 *
 * @param s the calibration samples (checked by the caller).
 * @see Talts et al. 2018, arXiv:1804.06788.
 */
export function sortedMarginals(s: CalibrationSamples): Float64Array {
  const { numTests: N, numSamples: L, numParams: P, draws } = s;
  const out = new Float64Array(N * P * L);
  for (let i = 0; i < N; i++)
    for (let p = 0; p < P; p++) {
      const base = (i * P + p) * L,
        col = out.subarray(base, base + L);
      for (let l = 0; l < L; l++) col[l] = draws[(i * L + l) * P + p];
      col.sort();
    }
  return out;
}

/** A uniform grid of `points` values from 0 to 1 inclusive (points ≥ 2). */
export function unitGrid(points: number, fn: string): number[] {
  if (!Number.isInteger(points) || points < 2)
    throw new NsbiInputError(`${fn}: the number of grid points must be an integer >= 2, got ${points}`);
  return Array.from({ length: points }, (_, k) => k / (points - 1));
}
