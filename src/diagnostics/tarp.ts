import { NsbiInputError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import { checkCalibrationSamples, unitGrid, type CalibrationSamples } from "./calibration-samples.js";
import { ksOneSample, type KsResult } from "./ks.js";

/** How θ*, draws and references are rescaled per parameter before distances are taken. */
export type TarpNormalization = "minmax" | "zscore" | "none";

export interface TarpOptions {
  /** Seed of the reference points (ignored when references are given). Default 0. */
  seed?: number;
  /** Reference points [numTests, numParams]; default uniform in the box [min θ*, max θ*]. */
  references?: ArrayLike<number>;
  /**
   * "minmax" (default): (v − min θ*)/(max θ* − min θ* + 1e-10) per parameter, which is what sbi's
   * `z_score_theta=True` actually does; "zscore": (v − mean θ*)/std θ*; "none".
   */
  normalization?: TarpNormalization;
  /** Points of the uniform α grid on [0, 1]. Default 101. */
  points?: number;
}

export interface TarpResult {
  /** Credibility levels α, uniform on [0, 1]. */
  alpha: number[];
  /** ECP(α) = fraction of tests with f < α (and 1 at α = 1). */
  ecp: number[];
  /** f_i = fraction of the draws of test i closer (L2) to the reference than θ*_i. */
  coverageValues: number[];
  /** Area to curve Σ_{k ≥ ⌊K/2⌋} (ECP_k − α_k)·Δα: > 0 under-confident (too wide), < 0 over-confident. */
  atc: number;
  /** KS test of the jittered (L·f_i + U)/(L + 1), U ~ U(0, 1) seeded, against U(0, 1). */
  ks: KsResult;
  /** The signed (ECP − α) of largest magnitude, and Σ_k |ECP_k − α_k| on the grid. */
  maxDeviation: number;
  sumAbsDeviation: number;
  normalization: TarpNormalization;
}

/**
 * Tests of Accuracy with Random Points (TARP), with the semantics of sbi's
 * `sbi/diagnostics/tarp.py`: one reference point per test drawn uniformly in the bounding box
 * of θ* (seeded), θ*, draws and references rescaled per parameter by θ*'s min and max (sbi's
 * `z_score_theta=True`; see TarpOptions.normalization), f_i = fraction of draws whose L2
 * distance to the reference is smaller than θ*_i's, and ECP(α) = mean_i [f_i < α]. Unlike sbi,
 * which histograms f over [min f, max f] into N/10 bins, ECP is evaluated on a uniform α grid over
 * [0, 1] so that curves from different runs share their abscissa. ATC is sbi's `check_tarp`
 * area Σ_{upper half}(ECP − α)·Δα; where sbi's `check_tarp` runs a two-sample KS between the ECP
 * and α values, we test the f_i against U(0, 1) directly (one-sample KS), which is the null
 * TARP states (f ~ U(0, 1) iff the posterior is exact, for a reference distribution as used).
 * As for SBC ranks, L·f is uniform on {0..L} under the null, so the KS test uses the jittered
 * (L·f + U)/(L + 1), U ~ U(0, 1) from the seeded Rng, which is exactly U(0, 1); without the jitter
 * the discreteness alone (D ≈ 1/(L + 1)) would fail an exact posterior once N ≫ L².
 *
 * @param s true parameters and posterior draws (see CalibrationSamples).
 * @param opts seed / references, normalization and α grid size.
 * @see Lemos, Coogan, Hezaveh & Perreault-Levasseur 2023, "Sampling-based accuracy testing of
 *   posterior estimators for general inference", arXiv:2302.03026, Algorithm 2.
 */
export function tarp(s: CalibrationSamples, opts: TarpOptions = {}): TarpResult {
  const [N, L, P] = checkCalibrationSamples(s, "tarp");
  const normalization = opts.normalization ?? "minmax";
  if (!["minmax", "zscore", "none"].includes(normalization))
    throw new NsbiInputError(`tarp: normalization must be "minmax", "zscore" or "none", got ${String(normalization)}`);
  const t = s.thetaTrue,
    d = s.draws;
  const lo = new Float64Array(P).fill(Infinity),
    hi = new Float64Array(P).fill(-Infinity),
    mean = new Float64Array(P),
    sd = new Float64Array(P);
  for (let i = 0; i < N; i++)
    for (let p = 0; p < P; p++) {
      const v = t[i * P + p];
      lo[p] = Math.min(lo[p], v);
      hi[p] = Math.max(hi[p], v);
      mean[p] += v / N;
    }
  for (let i = 0; i < N; i++) for (let p = 0; p < P; p++) sd[p] += (t[i * P + p] - mean[p]) ** 2;
  for (let p = 0; p < P; p++) sd[p] = Math.sqrt(sd[p] / Math.max(N - 1, 1));
  const rng = new Rng(opts.seed ?? 0);
  let refs: ArrayLike<number>;
  if (opts.references) {
    if (opts.references.length !== N * P)
      throw new NsbiInputError(
        `tarp: references has ${opts.references.length} values, expected numTests x numParams = ${N} x ${P}`,
      );
    refs = opts.references;
  } else {
    const r = new Float64Array(N * P);
    for (let i = 0; i < N; i++) for (let p = 0; p < P; p++) r[i * P + p] = lo[p] + (hi[p] - lo[p]) * rng.uniform();
    refs = r;
  }
  // per-parameter affine map v -> (v − shift)·scale
  const shift = new Float64Array(P),
    scale = new Float64Array(P).fill(1);
  for (let p = 0; p < P; p++) {
    if (normalization === "minmax") {
      shift[p] = lo[p];
      scale[p] = 1 / (hi[p] - lo[p] + 1e-10);
    } else if (normalization === "zscore") {
      shift[p] = mean[p];
      scale[p] = sd[p] > 0 ? 1 / sd[p] : 1;
    }
  }
  const f: number[] = [];
  const ref = new Float64Array(P);
  for (let i = 0; i < N; i++) {
    let dt = 0;
    for (let p = 0; p < P; p++) {
      ref[p] = (refs[i * P + p] - shift[p]) * scale[p];
      const e = (t[i * P + p] - shift[p]) * scale[p] - ref[p];
      dt += e * e;
    }
    let closer = 0;
    for (let l = 0; l < L; l++) {
      let dd = 0;
      const q = (i * L + l) * P;
      for (let p = 0; p < P; p++) {
        const e = (d[q + p] - shift[p]) * scale[p] - ref[p];
        dd += e * e;
      }
      if (dd < dt) closer++;
    }
    f.push(closer / L);
  }
  const alpha = unitGrid(opts.points ?? 101, "tarp");
  const sorted = Float64Array.from(f).sort();
  const ecp: number[] = [];
  let j = 0;
  for (const a of alpha) {
    if (a >= 1) {
      ecp.push(1);
      continue;
    }
    while (j < N && sorted[j] < a) j++;
    ecp.push(j / N);
  }
  const K = alpha.length,
    dAlpha = alpha[1] - alpha[0];
  let atc = 0,
    maxDeviation = 0,
    sumAbsDeviation = 0;
  for (let k = 0; k < K; k++) {
    const dev = ecp[k] - alpha[k];
    if (k >= Math.floor(K / 2)) atc += dev * dAlpha;
    if (Math.abs(dev) > Math.abs(maxDeviation)) maxDeviation = dev;
    sumAbsDeviation += Math.abs(dev);
  }
  const jittered = f.map((v) => (Math.round(v * L) + rng.uniform()) / (L + 1));
  return {
    alpha,
    ecp,
    coverageValues: f,
    atc,
    ks: ksOneSample(jittered),
    maxDeviation,
    sumAbsDeviation,
    normalization,
  };
}
