/**
 * Simulation-based calibration (Talts et al. 2018): per parameter the histogram of the ranks of
 * the true value among posterior draws with the 99 % binomial band of a uniform histogram,
 * and/or the difference between the ranks' ECDF and the uniform CDF with the simultaneous band
 * of diagnostics/sbc-bands.ts (the one diagnostics.json reports).
 */

import { sbcEcdfBands } from "../diagnostics/sbc-bands.js";
import { NsbiInputError } from "../errors.js";
import { binomialQuantile } from "../numerics/binomial.js";
import { panelGrid } from "./panel-grid.js";
import {
  checkMatrix,
  checkParameters,
  column,
  labelName,
  round,
  topLevel,
  type Json,
  type Numbers,
  type ParameterLabel,
  type PlotMatrix,
  type PlotSpec,
} from "./plot-spec.js";
import { BAND_COLOR, OKABE_ITO, PANEL, REFERENCE_COLOR, themeConfig } from "./theme.js";

/** Input of {@link sbcRankPlot}: either `ranks` with `nDraws`, or precomputed `counts` with a band. */
export interface SbcRankInput {
  /** Ranks `[nSims, P]`, integers in 0 … nDraws. */
  ranks?: PlotMatrix;
  /** L, the number of posterior draws per simulation (ranks take L + 1 values). */
  nDraws?: number;
  /** Precomputed histogram counts `[bins, P]` (instead of ranks). */
  counts?: PlotMatrix;
  /** Band of precomputed counts: one lower/upper count for all bins, or one per bin. */
  band?: { lower: number | Numbers; upper: number | Numbers };
  /**
   * A precomputed ECDF difference with its simultaneous band (a DiagnosticsReport's `ecdf`, from
   * sbcEcdfBands), drawn as it is; with ranks instead, the same band is computed here.
   */
  ecdf?: {
    z: readonly number[];
    difference: readonly (readonly number[])[];
    lower: readonly number[];
    upper: readonly number[];
    level: number;
  };
  parameters?: ParameterLabel[];
  /** Histogram bins for ranks (default: the largest divisor of L + 1 in 8 … 20, else 20, or L + 1 if smaller). */
  bins?: number;
  /** Band probability (default 0.99; a precomputed `ecdf` brings its own level). */
  confidence?: number;
  /** Which panels: rank histograms, ECDF differences (needs ranks or ecdf), or both (default "histogram"). */
  kind?: "histogram" | "ecdf" | "both";
  columns?: number;
  title?: string;
}

/**
 * Counts of ranks 0 … L in `bins` bins (bin b holds ranks r with ⌊r·bins/(L+1)⌋ = b) and, per
 * bin, the central `confidence` band of a Binomial(nSims, width_b/(L+1)) count.
 */
export function rankHistogram(
  ranks: Numbers,
  nDraws: number,
  bins: number,
  confidence = 0.99,
): { counts: number[]; lower: number[]; upper: number[]; expected: number[] } {
  const L1 = nDraws + 1;
  if (!Number.isSafeInteger(bins) || bins < 1 || bins > L1)
    throw new NsbiInputError(`bins: expected an integer in 1 … ${L1} (nDraws + 1), got ${bins}`);
  const counts = new Array<number>(bins).fill(0);
  const width = new Array<number>(bins).fill(0);
  for (let r = 0; r < L1; r++) width[Math.floor((r * bins) / L1)] += 1;
  let n = 0;
  for (let i = 0; i < ranks.length; i++) {
    const r = ranks[i];
    if (!Number.isInteger(r) || r < 0 || r > nDraws)
      throw new NsbiInputError(`ranks: expected integers in 0 … ${nDraws} (nDraws), got ${r} at index ${i}`);
    counts[Math.floor((r * bins) / L1)] += 1;
    n++;
  }
  const a = (1 - confidence) / 2;
  const lower = width.map((w) => binomialQuantile(n, w / L1, a)),
    upper = width.map((w) => binomialQuantile(n, w / L1, 1 - a));
  return { counts, lower, upper, expected: width.map((w) => (n * w) / L1) };
}

/**
 * Plot rows of an ECDF difference with its band: (0, 0) and (1, 0) as end points, where the
 * ECDF of any sample equals the uniform CDF.
 */
function ecdfRows(e: NonNullable<SbcRankInput["ecdf"]>): (j: number) => Json[] {
  const K = e.z.length;
  if (e.lower.length !== K || e.upper.length !== K || e.difference.some((d) => d.length !== K)) {
    throw new NsbiInputError(`ecdf: z, lower, upper and every difference must have the same length (${K})`);
  }
  return (j) => [
    { z: 0, d: 0, lo: 0, hi: 0 },
    ...e.z.map((z, k) => ({ z: round(z), d: round(e.difference[j][k]), lo: round(e.lower[k]), hi: round(e.upper[k]) })),
    { z: 1, d: 0, lo: 0, hi: 0 },
  ];
}

/** Default rank-histogram bins: equal widths when L + 1 has a divisor in 8 … 20, else 20 (or L + 1 if smaller). */
export function defaultRankBins(nDraws: number): number {
  if (nDraws + 1 <= 20) return nDraws + 1;
  for (let b = 20; b >= 8; b--) if ((nDraws + 1) % b === 0) return b;
  return 20;
}

/**
 * Builds the SBC plot.
 * @throws NsbiInputError if neither ranks nor counts are given, ranks are not integers in
 *   0 … nDraws, or an ECDF plot is asked for without ranks
 */
export function sbcRankPlot(input: SbcRankInput): PlotSpec {
  const kind = input.kind ?? "histogram";
  const confidence = input.confidence ?? 0.99;
  if (!(confidence > 0 && confidence < 1))
    throw new NsbiInputError(`confidence: expected a number strictly between 0 and 1, got ${confidence}`);
  const pct = `${Math.round((input.ecdf?.level ?? confidence) * 1000) / 10}%`;
  let P: number;
  let hist: (j: number) => { counts: number[]; lower: number[]; upper: number[]; expected: number[] };
  let ecdf: ((j: number) => Json[]) | undefined;
  if (input.ranks) {
    const { ranks } = input;
    checkMatrix(ranks, "ranks");
    const L = input.nDraws;
    if (L === undefined || !Number.isSafeInteger(L) || L < 1)
      throw new NsbiInputError(`nDraws: expected the positive integer number of posterior draws per rank, got ${L}`);
    P = ranks.cols;
    const bins = input.bins ?? defaultRankBins(L);
    hist = (j) => rankHistogram(column(ranks, j), L, bins, confidence);
    if (!input.ecdf && kind !== "histogram") {
      // the report's simultaneous band on a grid of rank boundaries z = (k + 1)/(L + 1), where the
      // ECDF of mid-bin fractional ranks (r + ½)/(L + 1) equals that of the integer ranks exactly
      const nz = Math.min(L, 99);
      const z = [...new Set(Array.from({ length: nz }, (_, m) => Math.round(((m + 1) * (L + 1)) / (nz + 1))))].map(
        (k) => k / (L + 1),
      );
      const u = Array.from({ length: P }, (_, j) => Array.from(column(ranks, j), (r) => (r + 0.5) / (L + 1)));
      ecdf = ecdfRows(sbcEcdfBands(u, { z, level: confidence }));
    }
  } else if (input.counts) {
    const { counts, band } = input;
    checkMatrix(counts, "counts");
    if (!band)
      throw new NsbiInputError("band: expected { lower, upper } counts with counts (or give ranks and nDraws instead)");
    if (kind !== "histogram" && !input.ecdf)
      throw new NsbiInputError(`kind: '${kind}' needs ranks or ecdf (an ECDF cannot be drawn from binned counts)`);
    P = counts.cols;
    const perBin = (b: number | Numbers, what: string): number[] => {
      if (typeof b === "number") return new Array<number>(counts.rows).fill(b);
      if (b.length !== counts.rows)
        throw new NsbiInputError(`band.${what}: has ${b.length} values, expected ${counts.rows} (one per bin)`);
      return Array.from(b);
    };
    const lower = perBin(band.lower, "lower"),
      upper = perBin(band.upper, "upper");
    hist = (j) => {
      const c = Array.from(column(counts, j));
      const n = c.reduce((s, x) => s + x, 0);
      return { counts: c, lower, upper, expected: c.map(() => n / counts.rows) };
    };
  } else {
    if (!input.ecdf) throw new NsbiInputError("sbcRankPlot: expected ranks (with nDraws), counts (with band) or ecdf");
    if (kind !== "ecdf")
      throw new NsbiInputError(`kind: '${kind}' needs ranks or counts (a histogram cannot be drawn from an ECDF)`);
    P = input.ecdf.difference.length;
    hist = () => {
      throw new Error("unreachable: no histogram for an ECDF-only plot");
    };
  }
  if (input.ecdf) {
    if (input.ecdf.difference.length !== P)
      throw new NsbiInputError(`ecdf: has ${input.ecdf.difference.length} parameters, expected ${P}`);
    ecdf = ecdfRows(input.ecdf);
  }
  const params = checkParameters(input.parameters, P);
  const panels: Json[] = [];
  params.forEach((p, j) => {
    if (kind !== "ecdf") {
      const h = hist(j);
      const rows = h.counts.map((c, b) => ({
        b0: b,
        b1: b + 1,
        c,
        lo: h.lower[b],
        hi: h.upper[b],
        e: round(h.expected[b]),
      }));
      const xs = { domain: [0, h.counts.length], nice: false, zero: false };
      const x = {
        field: "b0",
        type: "quantitative",
        scale: xs,
        title: "rank bin",
        axis: { tickMinStep: 1, format: "d" },
      };
      panels.push({
        width: PANEL.width,
        height: PANEL.height,
        title: { text: `${labelName(p)}: rank histogram, ${pct} band`, fontSize: 11, fontWeight: "normal" },
        layer: [
          {
            data: { values: rows },
            mark: { type: "rect", color: BAND_COLOR, opacity: 0.3 },
            encoding: { x, x2: { field: "b1" }, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
          },
          {
            data: { values: rows },
            mark: { type: "rect", color: OKABE_ITO.blue, opacity: 0.7, stroke: "#ffffff", strokeWidth: 0.5 },
            encoding: {
              x,
              x2: { field: "b1" },
              y: { field: "c", type: "quantitative", title: "count" },
              y2: { datum: 0 },
            },
          },
          {
            data: { values: rows },
            mark: { type: "rule", color: REFERENCE_COLOR, strokeDash: [4, 3] },
            encoding: { x, x2: { field: "b1" }, y: { field: "e", type: "quantitative" } },
          },
        ],
      });
    }
    if (kind !== "histogram") {
      if (!ecdf) throw new NsbiInputError(`kind: '${kind}' needs ranks (an ECDF cannot be drawn from binned counts)`);
      const rows = ecdf(j);
      const xs = { domain: [0, 1], nice: false, zero: false };
      const x = { field: "z", type: "quantitative", scale: xs, title: "fractional rank z" };
      panels.push({
        width: PANEL.width,
        height: PANEL.height,
        title: { text: `${labelName(p)}: ECDF difference, ${pct} band`, fontSize: 11, fontWeight: "normal" },
        layer: [
          {
            data: { values: rows },
            mark: { type: "area", color: BAND_COLOR, opacity: 0.3, interpolate: "step-after" },
            encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
          },
          {
            data: { values: [{ v: 0 }] },
            mark: { type: "rule", color: REFERENCE_COLOR, strokeDash: [4, 3] },
            encoding: { y: { field: "v", type: "quantitative" } },
          },
          {
            data: { values: rows },
            mark: { type: "line", color: OKABE_ITO.blue, strokeWidth: 1.6, interpolate: "step-after" },
            encoding: { x, y: { field: "d", type: "quantitative", title: "ECDF(z) − z" } },
          },
        ],
      });
    }
  });
  const columns = input.columns ?? (kind === "both" ? 2 : Math.min(3, panels.length));
  return topLevel(panelGrid(panels, columns), themeConfig() as Json, input.title);
}
