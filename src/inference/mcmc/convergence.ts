import { NsbiInputError } from "../../errors.js";
import { normalQuantile } from "../../numerics/normal.js";

/*
 * Convergence diagnostics of Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021, "Rank-normalization,
 * folding, and localization: an improved R̂ for assessing convergence of MCMC", Bayesian Analysis
 * 16(2), arXiv:1903.08008 — computed as ArviZ does (`rhat(method="rank")`, `ess(method="bulk")`).
 *
 * Every function takes one scalar quantity as `chains` consecutive runs of `draws` values
 * (chain-major: x[c * draws + t]).
 */

/**
 * Rank-normalised split R̂: max(bulk R̂, tail R̂), where bulk is the classic split R̂ of the
 * rank-normalised split chains and tail is the same of |x − median| (the folded draws). 1 for
 * converged chains; the paper recommends requiring < 1.01. NaN for fewer than 4 draws per chain.
 */
export function rankNormalizedSplitRhat(x: ArrayLike<number>, chains: number, draws: number): number {
  checkShape(x, chains, draws, "rankNormalizedSplitRhat");
  if (draws < 4) return Number.NaN;
  const split = splitChains(x, chains, draws);
  const half = draws >> 1;
  const bulk = gelmanRubinRhat(zScale(split), 2 * chains, half);
  const med = median(x);
  const folded = new Float64Array(chains * draws);
  for (let i = 0; i < folded.length; i++) folded[i] = Math.abs(x[i] - med);
  const tail = gelmanRubinRhat(zScale(splitChains(folded, chains, draws)), 2 * chains, half);
  return Math.max(bulk, tail);
}

/** Bulk effective sample size: the ESS of the rank-normalised split chains. */
export function bulkEss(x: ArrayLike<number>, chains: number, draws: number): number {
  checkShape(x, chains, draws, "bulkEss");
  if (draws < 4) return Number.NaN;
  return effectiveSampleSize(zScale(splitChains(x, chains, draws)), 2 * chains, draws >> 1);
}

/**
 * The classic R̂ of Gelman & Rubin 1992 on the given chains (no splitting here):
 * sqrt(((n−1)/n · W + B/n) / W), W the mean within-chain variance, B/n the variance of the chain means.
 */
export function gelmanRubinRhat(x: ArrayLike<number>, chains: number, draws: number): number {
  const n = draws;
  let meanOfMeans = 0,
    within = 0;
  const means = new Float64Array(chains);
  for (let c = 0; c < chains; c++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += x[c * n + t];
    means[c] = s / n;
    meanOfMeans += means[c] / chains;
    let ss = 0;
    for (let t = 0; t < n; t++) {
      const d = x[c * n + t] - means[c];
      ss += d * d;
    }
    within += ss / (n - 1) / chains;
  }
  let between = 0; // B / n
  for (let c = 0; c < chains; c++) between += (means[c] - meanOfMeans) ** 2;
  between /= chains - 1;
  return Math.sqrt((n - 1) / n + between / within);
}

/**
 * Effective sample size of the given chains (Geyer's initial positive and monotone sequences on
 * the multi-chain autocorrelation, the paper's eqs. 10 and following; ArviZ's `_ess`).
 * Autocovariances are the biased ones (divided by n), computed lag by lag only as far as the
 * truncation needs (cheap for well-mixing chains).
 */
export function effectiveSampleSize(x: ArrayLike<number>, chains: number, draws: number): number {
  const n = draws,
    M = chains;
  let min = Infinity,
    max = -Infinity;
  for (let i = 0; i < M * n; i++) {
    if (!Number.isFinite(x[i])) return Number.NaN;
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  if (max - min < 1e-15) return M * n; // ArviZ: constant draws count as independent
  const centred = new Float64Array(M * n),
    means = new Float64Array(M);
  for (let c = 0; c < M; c++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += x[c * n + t];
    means[c] = s / n;
    for (let t = 0; t < n; t++) centred[c * n + t] = x[c * n + t] - means[c];
  }
  // mean over chains of the biased autocovariance at `lag`
  const acov = (lag: number) => {
    let s = 0;
    for (let c = 0; c < M; c++) {
      const o = c * n;
      let a = 0;
      for (let t = 0; t + lag < n; t++) a += centred[o + t] * centred[o + t + lag];
      s += a / n;
    }
    return s / M;
  };
  const meanVar = (acov(0) * n) / (n - 1);
  let varPlus = (meanVar * (n - 1)) / n;
  if (M > 1) {
    let mm = 0;
    for (let c = 0; c < M; c++) mm += means[c] / M;
    let v = 0;
    for (let c = 0; c < M; c++) v += (means[c] - mm) ** 2;
    varPlus += v / (M - 1);
  }
  const rho = new Float64Array(n);
  const rhoAt = (lag: number) => 1 - (meanVar - acov(lag)) / varPlus;
  let rhoEven = 1,
    rhoOdd = rhoAt(1);
  rho[0] = rhoEven;
  rho[1] = rhoOdd;
  // Geyer's initial positive sequence
  let t = 1;
  while (t < n - 3 && rhoEven + rhoOdd > 0) {
    rhoEven = rhoAt(t + 1);
    rhoOdd = rhoAt(t + 2);
    if (rhoEven + rhoOdd >= 0) {
      rho[t + 1] = rhoEven;
      rho[t + 2] = rhoOdd;
    }
    t += 2;
  }
  const maxT = t - 2;
  if (rhoEven > 0) rho[maxT + 1] = rhoEven;
  // Geyer's initial monotone sequence
  t = 1;
  while (t <= maxT - 2) {
    if (rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t]) {
      rho[t + 1] = (rho[t - 1] + rho[t]) / 2;
      rho[t + 2] = rho[t + 1];
    }
    t += 2;
  }
  let sum = 0;
  for (let k = 0; k <= maxT; k++) sum += rho[k];
  let tau = -1 + 2 * sum + (maxT + 1 < n ? rho[maxT + 1] : 0);
  const total = M * n;
  tau = Math.max(tau, 1 / Math.log10(total));
  return total / tau;
}

/** Each chain's first and last ⌊n/2⌋ draws as two chains (the middle draw of an odd chain is dropped). */
function splitChains(x: ArrayLike<number>, chains: number, draws: number): Float64Array {
  const half = draws >> 1,
    out = new Float64Array(2 * chains * half);
  for (let c = 0; c < chains; c++)
    for (let t = 0; t < half; t++) {
      out[c * half + t] = x[c * draws + t];
      out[(chains + c) * half + t] = x[c * draws + draws - half + t];
    }
  return out;
}

/** Rank normalisation: Φ⁻¹((r − 3/8) / (S + 1/4)) with average ranks for ties (Blom 1958). */
function zScale(x: Float64Array): Float64Array {
  const S = x.length;
  const idx = new Int32Array(S);
  for (let i = 0; i < S; i++) idx[i] = i;
  idx.sort((a, b) => x[a] - x[b]);
  const z = new Float64Array(S);
  for (let i = 0; i < S; ) {
    let k = i;
    while (k + 1 < S && x[idx[k + 1]] === x[idx[i]]) k++;
    const rank = (i + k) / 2 + 1; // average of the 1-based ranks i+1 … k+1
    const v = normalQuantile((rank - 0.375) / (S + 0.25));
    for (let r = i; r <= k; r++) z[idx[r]] = v;
    i = k + 1;
  }
  return z;
}

function median(x: ArrayLike<number>): number {
  const s = Float64Array.from(x as ArrayLike<number>).sort();
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

function checkShape(x: ArrayLike<number>, chains: number, draws: number, who: string): void {
  if (!Number.isInteger(chains) || chains < 1 || !Number.isInteger(draws) || draws < 1 || x.length !== chains * draws)
    throw new NsbiInputError(
      `${who}: expected ${chains} chains × ${draws} draws = ${chains * draws} values (chains, draws ≥ 1), got ${x.length}`,
    );
}
