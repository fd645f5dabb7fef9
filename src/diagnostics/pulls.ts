import { meanStd } from "../numerics/moments.js";
import { quantileSorted } from "../numerics/quantile.js";
import { checkCalibrationSamples, sortedMarginals, type CalibrationSamples } from "./calibration-samples.js";

/** Gaussian fit of the pulls of one parameter. */
export interface PullFit {
  /** Sample mean of the pulls (the ML estimate of the Gaussian's mean): 0 when unbiased. */
  mean: number | null;
  /** Sample standard deviation (n − 1) of the pulls: 1 when calibrated, > 1 over-confident, < 1 under-confident. */
  width: number | null;
  /** Half the 16–84% interquantile range of the pulls: a width estimate robust to outliers. */
  robustWidth: number | null;
}

/** Point estimates against the truth for one parameter, one entry per test (true-vs-predicted plot). */
export interface TruthVsPredicted {
  truth: number[];
  /** Posterior mean θ̂ and standard deviation σ̂ (n − 1) of the draws. */
  mean: number[];
  std: number[];
  /** 16% and 84% quantiles of the draws (linear interpolation). */
  q16: number[];
  q84: number[];
}

/** Residual summaries of one parameter. */
export interface ResidualSummary {
  /** (θ̂ − θ*)/θ* per test; null where θ* = 0 (undefined, excluded from the summaries). */
  relative: (number | null)[];
  /** How many tests had θ* = 0 and no relative residual. */
  relativeExcluded: number;
  /** Mean and std (n − 1) of the defined relative residuals; null with fewer than 1 (2) of them. */
  relativeMean: number | null;
  relativeStd: number | null;
  /** θ̂ − θ* per test, and its mean, std (n − 1) and root-mean-square. */
  absolute: number[];
  absoluteMean: number;
  absoluteStd: number | null;
  absoluteRms: number;
}

export interface PullsResult {
  /** pulls[p][i] = (θ̂_{i,p} − θ*_{i,p})/σ̂_{i,p}; null where σ̂ = 0 (no finite pull). */
  pulls: (number | null)[][];
  fit: PullFit[];
  residuals: ResidualSummary[];
  rows: TruthVsPredicted[];
}

/**
 * Pulls, residuals and true-vs-predicted rows per parameter. The pull of a test is
 * (θ̂ − θ*)/σ̂ with θ̂ the posterior mean and σ̂ the posterior standard deviation of the draws
 * (not half the 68% width). For a calibrated Gaussian posterior the pulls are N(0, 1); we fit a
 * Gaussian by its sample mean and standard deviation (the ML fit up to the n − 1 factor) and also
 * report half the 16–84% range of the pulls. Draws with σ̂ = 0 give no finite pull: null in
 * `pulls`, skipped by the fits. Everything is plain numbers, arrays and nulls (JSON-safe).
 *
 * @param s true parameters and posterior draws (see CalibrationSamples; at least 2 draws per test).
 * @param opts sorted: sortedMarginals(s) if already computed (for the 16/84% quantiles).
 * @see Demortier & Lyons 2002, "Everything you always wanted to know about pulls", CDF/ANAL/PUBLIC/5776;
 *   Lyons 1986, "Statistics for nuclear and particle physicists", §3.
 */
export function pulls(s: CalibrationSamples, opts: { sorted?: Float64Array } = {}): PullsResult {
  const [N, L, P] = checkCalibrationSamples(s, "pulls", 2);
  const sorted = opts.sorted ?? sortedMarginals(s);
  const t = s.thetaTrue,
    d = s.draws;
  const out: PullsResult = { pulls: [], fit: [], residuals: [], rows: [] };
  for (let p = 0; p < P; p++) {
    const row: TruthVsPredicted = { truth: [], mean: [], std: [], q16: [], q84: [] };
    const pl: (number | null)[] = [],
      rel: (number | null)[] = [],
      abs: number[] = [];
    for (let i = 0; i < N; i++) {
      let m = 0;
      for (let l = 0; l < L; l++) m += d[(i * L + l) * P + p];
      m /= L;
      let v = 0;
      for (let l = 0; l < L; l++) v += (d[(i * L + l) * P + p] - m) ** 2;
      const sd = Math.sqrt(v / (L - 1)),
        th = t[i * P + p],
        start = (i * P + p) * L;
      row.truth.push(th);
      row.mean.push(m);
      row.std.push(sd);
      row.q16.push(quantileSorted(sorted, 0.16, start, L));
      row.q84.push(quantileSorted(sorted, 0.84, start, L));
      const pull = (m - th) / sd;
      pl.push(Number.isFinite(pull) ? pull : null);
      abs.push(m - th);
      rel.push(th === 0 ? null : (m - th) / th);
    }
    const fin = pl.filter((v): v is number => v !== null),
      [pm, ps] = meanStdOrNull(fin),
      sp = Float64Array.from(fin).sort();
    const robust = sp.length > 0 ? (quantileSorted(sp, 0.84) - quantileSorted(sp, 0.16)) / 2 : null;
    const relVals = rel.filter((v): v is number => v !== null && Number.isFinite(v)),
      [rm, rs] = meanStdOrNull(relVals),
      [am, as] = meanStdOrNull(abs);
    out.pulls.push(pl);
    out.fit.push({ mean: pm, width: ps, robustWidth: robust });
    out.residuals.push({
      relative: rel,
      relativeExcluded: rel.length - relVals.length,
      relativeMean: rm,
      relativeStd: rs,
      absolute: abs,
      absoluteMean: am!,
      absoluteStd: as,
      absoluteRms: Math.sqrt(abs.reduce((a, b) => a + b * b, 0) / N),
    });
    out.rows.push(row);
  }
  return out;
}

/** Mean and standard deviation with null where undefined (no values; a single value's spread). */
function meanStdOrNull(a: ArrayLike<number>): [number | null, number | null] {
  const { mean, std } = meanStd(a);
  return [Number.isNaN(mean) ? null : mean, Number.isNaN(std) ? null : std];
}
