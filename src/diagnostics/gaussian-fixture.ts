import { Rng } from "../engine/rng.js";
import type { CalibrationSamples } from "./calibration-samples.js";

/** Calibration samples of the conjugate Gaussian model plus the log-densities of the draws and θ*. */
export interface GaussianFixture extends CalibrationSamples {
  x: Float64Array;
  /** log q(draw | x), [numTests, numSamples]; log q(θ* | x), [numTests]. */
  logProbDraws: Float64Array;
  logProbTrue: Float64Array;
  /** Exact posterior standard deviation σ/√(1 + σ²). */
  posteriorStd: number;
}

/**
 * Closed-form test bed for calibration diagnostics: θ ~ N(0, I), x | θ ~ N(θ, σ²I), so the
 * posterior is N(x/(1 + σ²), σ²/(1 + σ²)·I). The "estimate" q draws from N(m + shift·s, (width·s)²)
 * with m, s the exact posterior mean and std: width = 1, shift = 0 is exact; width < 1
 * over-confident, > 1 under-confident, shift ≠ 0 biased.
 *
 * @param opts sizes N (numTests), L (numSamples), P (numParams); noiseStd σ (default 1);
 *   width (default 1); shift in posterior standard deviations (default 0); seed (default 0).
 * @see Talts et al. 2018, arXiv:1804.06788, §4 (Gaussian test models).
 */
export function gaussianFixture(opts: {
  numTests: number;
  numSamples: number;
  numParams: number;
  noiseStd?: number;
  width?: number;
  shift?: number;
  seed?: number;
}): GaussianFixture {
  const { numTests: N, numSamples: L, numParams: P } = opts;
  const sigma = opts.noiseStd ?? 1,
    width = opts.width ?? 1,
    shift = opts.shift ?? 0;
  const rng = new Rng(opts.seed ?? 0);
  const s = sigma / Math.sqrt(1 + sigma * sigma),
    qs = width * s;
  const thetaTrue = new Float64Array(N * P),
    x = new Float64Array(N * P),
    draws = new Float64Array(N * L * P);
  const logProbDraws = new Float64Array(N * L),
    logProbTrue = new Float64Array(N);
  const c = -P * (Math.log(qs) + 0.5 * Math.log(2 * Math.PI));
  const centre = new Float64Array(P);
  for (let i = 0; i < N; i++) {
    let lt = c;
    for (let p = 0; p < P; p++) {
      const th = rng.normal(),
        xv = th + sigma * rng.normal();
      thetaTrue[i * P + p] = th;
      x[i * P + p] = xv;
      centre[p] = xv / (1 + sigma * sigma) + shift * s;
      lt -= 0.5 * ((th - centre[p]) / qs) ** 2;
    }
    logProbTrue[i] = lt;
    for (let l = 0; l < L; l++) {
      let ld = c;
      for (let p = 0; p < P; p++) {
        const z = rng.normal();
        draws[(i * L + l) * P + p] = centre[p] + qs * z;
        ld -= 0.5 * z * z;
      }
      logProbDraws[i * L + l] = ld;
    }
  }
  return { thetaTrue, draws, numTests: N, numSamples: L, numParams: P, x, logProbDraws, logProbTrue, posteriorStd: s };
}
