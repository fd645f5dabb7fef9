/**
 * The T2K ν_μ CC0π 2016 Analysis I data for the page: the official release texts shipped in the
 * repository's data/t2k/ (bundled as strings by Vite, loaded on first use), parsed by the
 * library's browser-safe parser. The observation is the 58-bin cross section; its errors are the
 * square roots of the total covariance's diagonal.
 */
import crossSection from "../../data/t2k/cc0pi-2016/original_release/cross-section_analysisI.txt?raw";
import fluxNorm from "../../data/t2k/cc0pi-2016/original_release/covariance_fluxNormalizationSystematics_analysisI.txt?raw";
import shape from "../../data/t2k/cc0pi-2016/original_release/covariance_shapeSystematics_analysisI.txt?raw";
import stat from "../../data/t2k/cc0pi-2016/original_release/covariance_statisticUncertainty_analysisI.txt?raw";
import { buildT2kAnalysisI, T2K_COS_SLICE_EDGES, type T2kBin } from "../../src/workflows/t2k/t2k-data.js";

/** What the page shows and edits for a T2K model. */
export interface T2kPageData {
  /** The measured 58-bin cross section, 10⁻³⁸ cm²/(GeV/c)/nucleon. */
  xsec: Float64Array;
  /** Total covariance (stat + shape + flux normalisation), row-major 58 × 58. */
  covariance: Float64Array;
  /** √diag of the total covariance. */
  errors: Float64Array;
  bins: T2kBin[];
  /** Slice s holds bins [sliceStart[s], sliceStart[s + 1]). */
  sliceStart: Int32Array;
  /** cos θ slice edges (10 values). */
  cosEdges: readonly number[];
}

let cached: T2kPageData | undefined;

/** The 58-bin T2K data (parsed once). */
export function t2kPageData(): T2kPageData {
  if (cached) return cached;
  const a = buildT2kAnalysisI({ crossSection, stat, shape, fluxNorm });
  const d = a.bins58,
    n = d.n;
  cached = {
    xsec: d.xsec,
    covariance: d.cov.total,
    errors: Float64Array.from({ length: n }, (_, i) => Math.sqrt(d.cov.total[i * n + i])),
    bins: d.bins,
    sliceStart: a.sliceStart58,
    cosEdges: T2K_COS_SLICE_EDGES,
  };
  return cached;
}
