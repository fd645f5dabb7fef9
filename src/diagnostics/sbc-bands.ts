import { NsbiInputError } from "../errors.js";
import { Rng } from "../engine/rng.js";
import { binomialQuantile } from "../numerics/binomial.js";
import { binomialCdfTable, quantileFromCdfTable } from "../numerics/binomial-cdf-table.js";

/** Rank histogram with binomial bands, for plotting SBC. */
export interface RankHistogram {
  bins: number;
  /** Bin b holds ranks r with ⌊r·bins/(L+1)⌋ = b; binStart[b] is its smallest rank. */
  binStart: number[];
  /** counts[p][b] per parameter. */
  counts: number[][];
  /** N·(ranks in bin b)/(L+1): the expected count under calibration. */
  expected: number[];
  /** Pointwise band: the (1−level)/2 and (1+level)/2 quantiles of Binomial(N, p_b). */
  lower: number[];
  upper: number[];
  /** Bonferroni band over the bins: quantiles at (1−level)/(2·bins) and 1 − (1−level)/(2·bins), so all bins lie inside with probability ≥ level. */
  lowerSimultaneous: number[];
  upperSimultaneous: number[];
  level: number;
}

/** ECDF-difference curves of the fractional ranks with simultaneous bands, for plotting SBC. */
export interface EcdfBands {
  /** Evaluation points: z_k = k/K, k = 1..K−1, unless given. */
  z: number[];
  /** difference[p][k] = F̂_p(z_k) − z_k. */
  difference: number[][];
  /** Band of F̂(z) − z that holds at all z simultaneously with probability ≈ level. */
  lower: number[];
  upper: number[];
  level: number;
  /** The pointwise tail probability γ the simultaneous band was widened to. */
  pointwiseGamma: number;
}

/**
 * Rank-histogram counts with per-bin binomial bands. Under calibration the count of bin b is
 * Binomial(N, p_b) with p_b the share of the L + 1 possible ranks falling in bin b (equal shares
 * when bins divides L + 1). Quantiles are the smallest k with CDF(k) ≥ q, as scipy's binom.ppf.
 *
 * @param ranks ranks[p][i] in 0..L (from sbcRanks).
 * @param numSamples L, the number of posterior draws behind each rank.
 * @param opts bins (default min(20, L + 1)) and level (default 0.99).
 * @see Talts et al. 2018, arXiv:1804.06788, §4.1 (the 99% band of the rank histogram).
 */
export function sbcRankHistogram(
  ranks: number[][],
  numSamples: number,
  opts: { bins?: number; level?: number } = {},
): RankHistogram {
  const L = numSamples;
  if (!Number.isInteger(L) || L < 1)
    throw new NsbiInputError(`sbcRankHistogram: numSamples must be a positive integer, got ${L}`);
  const B = opts.bins ?? Math.min(20, L + 1),
    level = opts.level ?? 0.99;
  if (!Number.isInteger(B) || B < 1 || B > L + 1)
    throw new NsbiInputError(`sbcRankHistogram: bins must be an integer in [1, numSamples + 1 = ${L + 1}], got ${B}`);
  checkLevel(level, "sbcRankHistogram");
  const N = ranks[0]?.length ?? 0;
  if (N < 1 || ranks.some((r) => r.length !== N))
    throw new NsbiInputError(
      "sbcRankHistogram: ranks must hold one non-empty array per parameter, all of equal length",
    );
  const binOf = (r: number) => Math.floor((r * B) / (L + 1));
  const width = new Array<number>(B).fill(0),
    binStart = new Array<number>(B).fill(-1);
  for (let r = 0; r <= L; r++) {
    const b = binOf(r);
    width[b]++;
    if (binStart[b] < 0) binStart[b] = r;
  }
  const counts = ranks.map((rs) => {
    const c = new Array<number>(B).fill(0);
    for (const r of rs) {
      if (!Number.isInteger(r) || r < 0 || r > L)
        throw new NsbiInputError(`sbcRankHistogram: rank ${r} is not an integer in [0, numSamples = ${L}]`);
      c[binOf(r)]++;
    }
    return c;
  });
  const a = (1 - level) / 2,
    aS = (1 - level) / (2 * B);
  const probs = width.map((w) => w / (L + 1));
  return {
    bins: B,
    binStart,
    counts,
    level,
    expected: probs.map((p) => N * p),
    lower: probs.map((p) => binomialQuantile(N, p, a)),
    upper: probs.map((p) => binomialQuantile(N, p, 1 - a)),
    lowerSimultaneous: probs.map((p) => binomialQuantile(N, p, aS)),
    upperSimultaneous: probs.map((p) => binomialQuantile(N, p, 1 - aS)),
  };
}

/**
 * ECDF-difference plot of fractional ranks u ∈ (0, 1) with simultaneous bands. At z_k = k/K the
 * count N·F̂(z_k) is Binomial(N, z_k) under calibration. The band is the pointwise binomial band at
 * tail probability γ, with γ chosen by simulation (uniform samples from a seeded Rng) so that the
 * whole curve stays inside with probability ≈ level.
 *
 * @param fractionalRanks u[p][i] in (0, 1) (e.g. SbcResult.fractionalRanks).
 * @param opts points K (default 100) or the evaluation points z themselves (increasing, in (0, 1)),
 *   level (default 0.99), simulations (default 1000), seed (default 0).
 * @see Säilynoja, Bürkner & Vehtari 2022, "Graphical test for discrete uniformity and its
 *   applications in goodness-of-fit evaluation and multiple sample comparison",
 *   Stat. Comput. 32:32, arXiv:2103.10522.
 */
export function sbcEcdfBands(
  fractionalRanks: number[][],
  opts: { points?: number; z?: readonly number[]; level?: number; simulations?: number; seed?: number } = {},
): EcdfBands {
  const K = opts.points ?? 100,
    level = opts.level ?? 0.99,
    S = opts.simulations ?? 1000;
  if (!Number.isInteger(K) || K < 2) throw new NsbiInputError(`sbcEcdfBands: points must be an integer >= 2, got ${K}`);
  if (opts.z && (opts.z.length < 1 || opts.z.some((v, k) => !(v > 0 && v < 1) || (k > 0 && !(v > opts.z![k - 1]))))) {
    throw new NsbiInputError("sbcEcdfBands: z must be increasing points strictly between 0 and 1");
  }
  if (!Number.isInteger(S) || S < 10)
    throw new NsbiInputError(`sbcEcdfBands: simulations must be an integer >= 10, got ${S}`);
  checkLevel(level, "sbcEcdfBands");
  const N = fractionalRanks[0]?.length ?? 0;
  if (N < 1 || fractionalRanks.some((r) => r.length !== N))
    throw new NsbiInputError(
      "sbcEcdfBands: fractionalRanks must hold one non-empty array per parameter, all of equal length",
    );
  const z = opts.z ? [...opts.z] : Array.from({ length: K - 1 }, (_, k) => (k + 1) / K);
  const ecdfCounts = (u: ArrayLike<number>): number[] => {
    const s = Float64Array.from(u).sort(),
      c: number[] = [];
    let j = 0;
    for (const zk of z) {
      while (j < N && s[j] <= zk) j++;
      c.push(j);
    }
    return c;
  };
  const difference = fractionalRanks.map((u) => ecdfCounts(u).map((c, k) => c / N - z[k]));
  // two-sided pointwise tail probability of each count, tables per z_k
  const cdfs = z.map((zk) => binomialCdfTable(N, zk));
  const tail = (k: number, c: number) => 2 * Math.min(cdfs[k][c], 1 - (c > 0 ? cdfs[k][c - 1] : 0));
  const rng = new Rng(opts.seed ?? 0),
    minTail = new Float64Array(S),
    u = new Float64Array(N);
  for (let s = 0; s < S; s++) {
    for (let i = 0; i < N; i++) u[i] = rng.uniform();
    minTail[s] = ecdfCounts(u).reduce((m, c, k) => Math.min(m, tail(k, c)), Infinity);
  }
  minTail.sort();
  const gamma = minTail[Math.min(S - 1, Math.floor((1 - level) * S))];
  const lower = z.map((zk, k) => quantileFromCdfTable(cdfs[k], gamma / 2) / N - zk);
  const upper = z.map((zk, k) => quantileFromCdfTable(cdfs[k], 1 - gamma / 2) / N - zk);
  return { z, difference, lower, upper, level, pointwiseGamma: gamma };
}

function checkLevel(level: number, fn: string): void {
  if (!(level > 0 && level < 1)) throw new NsbiInputError(`${fn}: level must be in (0, 1), got ${level}`);
}
