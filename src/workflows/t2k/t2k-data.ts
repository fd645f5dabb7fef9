/**
 * Parsers for the T2K ν_μ CC0π 2016 "Analysis I" data release (cross section and the three
 * covariance text files) and for the T2K ND280 2016 flux table. Browser-safe: everything takes
 * the file *text*; reading files is done by `src/node/t2k-files.ts`.
 *
 * Units (from the release headers and `data/t2k/PROVENANCE.md`):
 * - p_μ in GeV/c, cos θ_μ relative to the beam direction;
 * - cross section d²σ/dp_μ dcos θ_μ in 10⁻³⁸ cm² / (GeV/c) / nucleon, per nucleon of CH (C₈H₈);
 * - covariances in (10⁻³⁸ cm² / (GeV/c) / nucleon)², listed as σ_i σ_j ρ_ij for all 67 × 67 pairs;
 *   total = statistical + shape systematics + flux normalisation.
 *
 * @see T2K Collaboration, Phys. Rev. D 93, 112012 (2016), arXiv:1602.03652 (the measurement)
 * @see NUISANCE `src/T2K/T2K_CC0pi_XSec_2DPcos_nu_I.cxx` (`mask_mom_overflow` → 58 bins)
 * @see T2K Collaboration, Phys. Rev. D 87, 012001 (2013); Phys. Rev. D 91, 072010 (2015) (flux)
 */
import { NsbiFormatError, NsbiInputError } from "../../errors.js";

/** Number of bins of Analysis I, overflow bins included. */
export const T2K_BINS_67 = 67;
/**
 * Number of bins once the 9 p_μ overflow bins are dropped (the choice of the MicroBooNE tune and of Tame-Narvaez et al., arXiv:2603.09778):
 * the dimension of x in the T2K CC0π tune. The one place this number is written.
 */
export const T2K_BINS = 58;
/** The 67-bin indices of the last p_μ bin of each cos θ slice (p_μ up to 30 GeV/c), dropped in the 58-bin set. */
export const T2K_OVERFLOW_BINS_67: readonly number[] = Object.freeze([2, 7, 14, 21, 29, 38, 46, 57, 66]);
/** cos θ_μ slice edges of Analysis I (9 slices). */
export const T2K_COS_SLICE_EDGES: readonly number[] = Object.freeze([-1, 0, 0.6, 0.7, 0.8, 0.85, 0.9, 0.94, 0.98, 1]);

/** One analysis bin. */
export interface T2kBin {
  /** 0-based index in the 67-bin release. */
  index67: number;
  /** 0-based index in the 58-bin set, -1 for an overflow bin. */
  index58: number;
  /** cos θ slice, 0..8. */
  slice: number;
  cosLow: number;
  cosHigh: number;
  /** p_μ edges in GeV/c. */
  pLow: number;
  pHigh: number;
  /** True for the last p_μ bin of a slice (up to 30 GeV/c). */
  overflow: boolean;
}

/** The four covariance matrices (row-major n × n), in (10⁻³⁸ cm²/(GeV/c)/nucleon)². */
export interface T2kCovariances {
  stat: Float64Array;
  shape: Float64Array;
  fluxNorm: Float64Array;
  /** stat + shape + fluxNorm. */
  total: Float64Array;
}

/** One binning of the measurement (67 or 58 bins). */
export interface T2kBinnedData {
  n: number;
  bins: T2kBin[];
  /** Measured d²σ/dp dcos, 10⁻³⁸ cm²/(GeV/c)/nucleon. */
  xsec: Float64Array;
  cov: T2kCovariances;
}

/** The parsed Analysis I release in both binnings. */
export interface T2kAnalysisI {
  bins67: T2kBinnedData;
  bins58: T2kBinnedData;
  /** For each 58-bin index, its 67-bin index. */
  index58To67: Int32Array;
  /** Slice structure of the 58-bin set: for slice s, bins [sliceStart58[s], sliceStart58[s+1]). */
  sliceStart58: Int32Array;
}

/** The four release texts. */
export interface T2kReleaseTexts {
  /** `cross-section_analysisI.txt` */
  crossSection: string;
  /** `covariance_statisticUncertainty_analysisI.txt` */
  stat: string;
  /** `covariance_shapeSystematics_analysisI.txt` */
  shape: string;
  /** `covariance_fluxNormalizationSystematics_analysisI.txt` */
  fluxNorm: string;
}

function num(s: string, source: string, line: number, what: string): number {
  const v = Number(s.trim());
  if (s.trim() === "" || !Number.isFinite(v))
    throw new NsbiFormatError(`${source}: line ${line}: ${what} '${s.trim()}' is not a finite number`);
  return v;
}

/** Splits "a - b" where a may be negative ("-1 - 0"). */
function range(s: string, source: string, line: number, what: string): [number, number] {
  const m = /^\s*(-?[0-9.eE+-]+?)\s+-\s+(-?[0-9.eE+-]+)\s*$/.exec(s);
  if (!m) throw new NsbiFormatError(`${source}: line ${line}: ${what} '${s.trim()}' is not of the form 'low - high'`);
  return [num(m[1], source, line, what), num(m[2], source, line, what)];
}

/** Data lines of a release file: skip the units line, blank lines and the column header. */
function dataLines(text: string): { line: number; text: string }[] {
  return text
    .split(/\r?\n/)
    .map((t, i) => ({ line: i + 1, text: t }))
    .filter((l) => l.text.trim() !== "" && /^\s*-?[0-9]/.test(l.text));
}

/**
 * Parses `cross-section_analysisI.txt`: rows `bin | cosmin - cosmax | pmin - pmax | xsec`.
 * @param text the file text
 * @param source file name for error messages
 * @returns the 67 bins (with slice and overflow flags) and cross sections in 10⁻³⁸ cm²/(GeV/c)/nucleon
 * @throws NsbiFormatError if a row is malformed, bins are missing/out of order, or the count is not 67
 * @see T2K PRD 93, 112012 (2016) data release, README.pdf (bin order: cos slice, then p_μ)
 */
export function parseT2kCrossSectionText(
  text: string,
  source = "cross-section_analysisI.txt",
): { bins: T2kBin[]; xsec: Float64Array } {
  const rows = dataLines(text);
  if (rows.length !== T2K_BINS_67)
    throw new NsbiFormatError(`${source}: expected ${T2K_BINS_67} data rows, got ${rows.length}`);
  const bins: T2kBin[] = [],
    xsec = new Float64Array(T2K_BINS_67);
  let n58 = 0;
  rows.forEach(({ line, text: t }, i) => {
    const parts = t.split("|");
    if (parts.length !== 4)
      throw new NsbiFormatError(`${source}: line ${line}: expected 4 '|'-separated fields, got ${parts.length}`);
    const idx = num(parts[0], source, line, "bin number");
    if (idx !== i) throw new NsbiFormatError(`${source}: line ${line}: expected bin number ${i}, got ${idx}`);
    const [cosLow, cosHigh] = range(parts[1], source, line, "cos theta range");
    const [pLow, pHigh] = range(parts[2], source, line, "momentum range");
    const slice = T2K_COS_SLICE_EDGES.indexOf(cosLow);
    if (slice < 0 || T2K_COS_SLICE_EDGES[slice + 1] !== cosHigh) {
      throw new NsbiFormatError(
        `${source}: line ${line}: cos theta range ${cosLow} - ${cosHigh} is not one of the Analysis I slices`,
      );
    }
    const overflow = T2K_OVERFLOW_BINS_67.includes(i);
    if (overflow !== (pHigh === 30))
      throw new NsbiFormatError(`${source}: line ${line}: bin ${i} overflow flag disagrees with p_max ${pHigh}`);
    xsec[i] = num(parts[3], source, line, "cross section");
    bins.push({ index67: i, index58: overflow ? -1 : n58++, slice, cosLow, cosHigh, pLow, pHigh, overflow });
  });
  return { bins, xsec };
}

/**
 * Parses one covariance file: rows `i - j | value` for every pair of the n bins.
 * @param text the file text
 * @param n number of bins (67 for Analysis I)
 * @param source file name for error messages
 * @returns the row-major n × n matrix in (10⁻³⁸ cm²/(GeV/c)/nucleon)²
 * @throws NsbiFormatError on a malformed row, an index out of range, a missing or repeated pair,
 *   or an asymmetric matrix
 */
export function parseT2kCovarianceText(text: string, n = T2K_BINS_67, source = "covariance"): Float64Array {
  const out = new Float64Array(n * n),
    seen = new Uint8Array(n * n);
  for (const { line, text: t } of dataLines(text)) {
    const parts = t.split("|");
    if (parts.length !== 2) throw new NsbiFormatError(`${source}: line ${line}: expected 'i - j | value'`);
    const [i, j] = range(parts[0], source, line, "bin pair");
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= n || j >= n) {
      throw new NsbiFormatError(`${source}: line ${line}: bin pair ${i} - ${j} out of range 0..${n - 1}`);
    }
    if (seen[i * n + j]) throw new NsbiFormatError(`${source}: line ${line}: bin pair ${i} - ${j} repeated`);
    seen[i * n + j] = 1;
    out[i * n + j] = num(parts[1], source, line, "covariance");
  }
  const missing = seen.indexOf(0);
  if (missing >= 0)
    throw new NsbiFormatError(
      `${source}: bin pair ${Math.floor(missing / n)} - ${missing % n} missing; expected all ${n}×${n} pairs`,
    );
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      if (out[i * n + j] !== out[j * n + i]) throw new NsbiFormatError(`${source}: not symmetric at ${i} - ${j}`);
    }
  return out;
}

/**
 * Rows and columns `keep` of a row-major n × n matrix.
 * @param m the matrix
 * @param n its size
 * @param keep indices to keep, in order
 */
export function subMatrix(m: Float64Array, n: number, keep: ArrayLike<number>): Float64Array {
  if (m.length !== n * n) throw new NsbiInputError(`subMatrix: m must hold n × n = ${n * n} values, got ${m.length}`);
  const k = keep.length,
    out = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) out[a * k + b] = m[keep[a] * n + keep[b]];
  return out;
}

/**
 * Builds the Analysis I data set in the 67-bin and 58-bin binnings from the four release texts.
 * The 58-bin set drops the p_μ overflow bins {@link T2K_OVERFLOW_BINS_67} and the matching
 * covariance rows and columns (NUISANCE `mask_mom_overflow="1"`).
 * @param texts the release file texts
 * @see T2K PRD 93, 112012 (2016); NUISANCE `T2K_CC0pi_XSec_2DPcos_nu_I.cxx`
 */
export function buildT2kAnalysisI(texts: T2kReleaseTexts): T2kAnalysisI {
  const { bins, xsec } = parseT2kCrossSectionText(texts.crossSection);
  const n = T2K_BINS_67;
  const stat = parseT2kCovarianceText(texts.stat, n, "covariance_statisticUncertainty_analysisI.txt");
  const shape = parseT2kCovarianceText(texts.shape, n, "covariance_shapeSystematics_analysisI.txt");
  const fluxNorm = parseT2kCovarianceText(texts.fluxNorm, n, "covariance_fluxNormalizationSystematics_analysisI.txt");
  const total = stat.map((v, i) => v + shape[i] + fluxNorm[i]);
  const keep = Int32Array.from(bins.filter((b) => !b.overflow).map((b) => b.index67));
  if (keep.length !== T2K_BINS)
    throw new NsbiFormatError(`T2K release: expected ${T2K_BINS} non-overflow bins, got ${keep.length}`);
  const sub = (m: Float64Array) => subMatrix(m, n, keep);
  const bins58 = Array.from(keep, (i) => ({ ...bins[i] }));
  const sliceStart58 = new Int32Array(T2K_COS_SLICE_EDGES.length);
  for (let s = 0, b = 0; s < sliceStart58.length; s++) {
    while (b < bins58.length && bins58[b].slice < s) b++;
    sliceStart58[s] = b;
  }
  return {
    bins67: { n, bins, xsec, cov: { stat, shape, fluxNorm, total } },
    bins58: {
      n: T2K_BINS,
      bins: bins58,
      xsec: Float64Array.from(keep, (i) => xsec[i]),
      cov: { stat: sub(stat), shape: sub(shape), fluxNorm: sub(fluxNorm), total: sub(total) },
    },
    index58To67: keep,
    sliceStart58,
  };
}

/** A neutrino flux histogram with variable bins. */
export interface FluxHistogram {
  /** Bin edges in GeV (nBins + 1). */
  edges: Float64Array;
  /** Flux density in /cm²/GeV per 10²¹ POT in each bin. */
  perGeV: Float64Array;
  /** Flux in each bin, /cm² per 10²¹ POT (= density × width). */
  inBin: Float64Array;
}

/**
 * Builds a {@link FluxHistogram} from T2K's per-50-MeV contents: T2K normalises every bin to
 * 50 MeV, also the 1-GeV bins above 10 GeV, so the flux in a bin is content × width / 0.05 GeV.
 * @param edges bin edges in GeV (increasing)
 * @param per50MeV contents in /cm²/50 MeV/10²¹ POT
 * @see T2K flux release README (release_2016): "Flux [/cm^2/50 MeV/1e21 p.o.t.]"
 */
export function fluxFromPer50MeV(edges: ArrayLike<number>, per50MeV: ArrayLike<number>): FluxHistogram {
  const n = per50MeV.length;
  if (edges.length !== n + 1)
    throw new NsbiInputError(
      `fluxFromPer50MeV: edges must have per50MeV.length + 1 = ${n + 1} values, got ${edges.length}`,
    );
  const e = Float64Array.from(edges),
    perGeV = new Float64Array(n),
    inBin = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = e[i + 1] - e[i],
      c = per50MeV[i];
    if (!(w > 0)) throw new NsbiInputError(`fluxFromPer50MeV: edges must increase, got ${e[i]} then ${e[i + 1]}`);
    if (!(c >= 0) || !Number.isFinite(c))
      throw new NsbiInputError(`fluxFromPer50MeV: per50MeV[${i}] must be finite and ≥ 0, got ${c}`);
    perGeV[i] = c / 0.05;
    inBin[i] = (c * w) / 0.05;
  }
  return { edges: e, perGeV, inBin };
}

/**
 * Parses the ν_μ ND280 flux CSV shipped in `data/t2k/nd280-flux-2016/`
 * (`E_low_GeV,E_high_GeV,flux_per_50MeV,…`, `#` comment lines; made from the ROOT histogram
 * `enu_nd280_numu` of `t2kflux_2016_plus250kA.root`).
 * @param text the CSV text
 * @param source file name for error messages
 * @throws NsbiFormatError on a malformed row or non-contiguous bins
 */
export function parseNd280FluxCsv(text: string, source = "t2kflux_2016_plus250kA_nd280_numu.csv"): FluxHistogram {
  const lines = text
    .split(/\r?\n/)
    .map((t, i) => ({ line: i + 1, t: t.trim() }))
    .filter((l) => l.t !== "" && !l.t.startsWith("#"));
  const header = lines.shift();
  if (!header?.t.startsWith("E_low_GeV,E_high_GeV,flux_per_50MeV"))
    throw new NsbiFormatError(`${source}: expected header 'E_low_GeV,E_high_GeV,flux_per_50MeV,…'`);
  const edges: number[] = [],
    c: number[] = [];
  for (const { line, t } of lines) {
    const f = t.split(",");
    const lo = num(f[0] ?? "", source, line, "E_low_GeV"),
      hi = num(f[1] ?? "", source, line, "E_high_GeV");
    if (edges.length === 0) edges.push(lo);
    else if (Math.abs(edges[edges.length - 1] - lo) > 1e-9)
      throw new NsbiFormatError(`${source}: line ${line}: bins not contiguous at ${lo} GeV`);
    edges.push(hi);
    c.push(num(f[2] ?? "", source, line, "flux_per_50MeV"));
  }
  if (c.length === 0) throw new NsbiFormatError(`${source}: no data rows`);
  return fluxFromPer50MeV(edges, c);
}

/**
 * Parses T2K's flux text table (`t2kflux_2016_nd280_plus250kA.txt`: `Bin#  low- high  numu  anti-numu  nue  anti-nue`,
 * 3 significant figures), returning the ν_μ column.
 * @param text the table text
 * @param source file name for error messages
 */
export function parseT2kFluxTable(text: string, source = "t2kflux_2016_nd280_plus250kA.txt"): FluxHistogram {
  const edges: number[] = [],
    c: number[] = [];
  text.split(/\r?\n/).forEach((t, i) => {
    const m = /^\s*(\d+)\s+([0-9.]+)\s*-\s*([0-9.]+)\s+(\S+)/.exec(t);
    if (!m) return;
    const lo = num(m[2], source, i + 1, "energy"),
      hi = num(m[3], source, i + 1, "energy");
    if (edges.length === 0) edges.push(lo);
    else if (Math.abs(edges[edges.length - 1] - lo) > 1e-9)
      throw new NsbiFormatError(`${source}: line ${i + 1}: bins not contiguous at ${lo} GeV`);
    edges.push(hi);
    c.push(num(m[4], source, i + 1, "numu flux"));
  });
  if (c.length === 0) throw new NsbiFormatError(`${source}: no data rows`);
  return fluxFromPer50MeV(edges, c);
}
