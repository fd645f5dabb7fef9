/**
 * The pair (corner) plot of posterior samples: 1-D marginal histograms on the diagonal, 68 % and
 * 95 % highest-posterior-density contours of every pair below it, true values as dashed lines
 * and, optionally, a second (reference) sample set overlaid in another colour.
 */

import { NsbiInputError } from "../errors.js";
import { quantileSorted } from "../numerics/quantile.js";
import { cornerGrid, legendPanel, type LegendEntry } from "./corner-grid.js";
import { defaultBins, histogram1d } from "./histogram.js";
import { hpdContours } from "./hpd-contours.js";
import {
  checkMatrix,
  checkParameters,
  checkVector,
  column,
  finiteRange,
  labelName,
  labelTitle,
  padRange,
  round,
  topLevel,
  type Json,
  type Numbers,
  type ParameterLabel,
  type PlotMatrix,
  type PlotSpec,
} from "./plot-spec.js";
import { DASH, OKABE_ITO, REFERENCE_COLOR, themeConfig } from "./theme.js";
import { formatEstimate, sortedFinite } from "./stats.js";

/** Input of {@link pairPlot}. */
export interface PairPlotInput {
  /** Posterior samples `[n, P]`. */
  samples: PlotMatrix;
  /** Parameter names (and units), one per column; default θ1 … θP. */
  parameters?: ParameterLabel[];
  /** True parameter values, one per column, drawn as dashed lines. */
  truth?: Numbers;
  /** A second sample set `[m, P]` (e.g. reference posterior samples), drawn in another colour. */
  reference?: PlotMatrix;
  /** Legend names of the sample sets and the truth. */
  labels?: { samples?: string; reference?: string; truth?: string };
  /** The two HPD mass levels of the contours (default [0.68, 0.95]). */
  levels?: [number, number];
  /** Bins of the 1-D histograms (default 0.6·√n, between 10 and 40). */
  bins?: number;
  /** Bins per axis of the 2-D density grid (default 64). */
  gridBins?: number;
  /** Multiplies Scott's bandwidth of the 2-D smoothing (default 1). */
  smoothing?: number;
  /** Most sample points drawn faintly under the contours (default 400; 0 = none). */
  maxPoints?: number;
  /** Axis range per parameter (default: all samples, reference and truth, padded by 4 %); values outside are not drawn. */
  ranges?: ([number, number] | undefined)[];
  /** Panel size in px (default 150, smaller for many parameters). */
  size?: number;
  title?: string;
}

const SAMPLE_COLOR = OKABE_ITO.blue;
const REF_COLOR = OKABE_ITO.orange;
const TRUTH_COLOR = REFERENCE_COLOR;

/** Step-histogram rows: one per bin edge, the last repeating the last value. */
function stepRows(edges: Float64Array, values: Float64Array): Json[] {
  const rows: Json[] = [];
  for (let k = 0; k < edges.length; k++)
    rows.push({ x: round(edges[k]), y: round(values[Math.min(k, values.length - 1)]) });
  return rows;
}

/** Everything the panels share, validated and with defaults filled in. */
interface PairLayout {
  P: number;
  rows: number;
  params: ParameterLabel[];
  /** Axis range of each parameter. */
  domains: [number, number][];
  size: number;
  bins: number;
  inner: number;
  outer: number;
  maxPoints: number;
  gridBins: number | undefined;
  smoothing: number | undefined;
}

/** Check the options and fill in the defaults; `cols`/`refCols` are the columns of the sample sets. */
function pairLayout(
  input: PairPlotInput,
  params: ParameterLabel[],
  cols: Float64Array[],
  refCols: Float64Array[] | undefined,
): PairLayout {
  const { samples, truth } = input,
    P = samples.cols;
  const levels = input.levels ?? [0.68, 0.95];
  if (levels.length !== 2 || !levels.every((l) => l > 0 && l < 1))
    throw new NsbiInputError(`levels: expected two mass fractions in (0, 1), got [${levels.join(", ")}]`);
  const [inner, outer] = [...levels].sort((a, b) => a - b) as [number, number];
  if (input.ranges && input.ranges.length !== P)
    throw new NsbiInputError(`ranges: has ${input.ranges.length} entries, expected ${P} (one per parameter)`);
  const domains = cols.map((c, j): [number, number] => {
    const given = input.ranges?.[j];
    if (given) {
      if (!(Number.isFinite(given[0]) && Number.isFinite(given[1]) && given[0] < given[1]))
        throw new NsbiInputError(`ranges[${j}]: expected [lo, hi] with finite lo < hi, got [${given.join(", ")}]`);
      return [given[0], given[1]];
    }
    const r = finiteRange(c, ...(refCols ? [refCols[j]] : []), ...(truth ? [[truth[j]]] : []));
    if (!r) throw new NsbiInputError(`samples: column ${j + 1} (${labelName(params[j])}) has no finite value`);
    return padRange(r, 0.04);
  });
  return {
    P,
    rows: samples.rows,
    params,
    domains,
    inner,
    outer,
    size: input.size ?? (P <= 4 ? 150 : P <= 7 ? 120 : 95),
    bins: input.bins ?? defaultBins(samples.rows),
    maxPoints: input.maxPoints ?? 400,
    gridBins: input.gridBins,
    smoothing: input.smoothing,
  };
}

const scaleOf = (g: PairLayout, j: number) => ({ domain: g.domains[j], nice: false, zero: false });
/** The x axis of panel (i, j): titled and labelled on the bottom row only. */
const xAxis = (g: PairLayout, i: number, j: number) =>
  i === g.P - 1
    ? { title: labelTitle(g.params[j]), tickCount: 4, labelAngle: -40 }
    : { title: null, labels: false, tickCount: 4 };
/** The y axis of panel (i, j): titled and labelled in the first column only. */
const yAxis = (g: PairLayout, i: number, j: number) =>
  j === 0 ? { title: labelTitle(g.params[i]), tickCount: 4 } : { title: null, labels: false, tickCount: 4 };
/** x and y encodings of an off-diagonal panel (i, j): parameter j across, i up. */
const xyEncoding = (g: PairLayout, i: number, j: number) => ({
  x: { field: "x", type: "quantitative", scale: scaleOf(g, j), axis: xAxis(g, i, j) },
  y: { field: "y", type: "quantitative", scale: scaleOf(g, i), axis: yAxis(g, i, j) },
});

/** The step histogram of one column on the diagonal (filled for the samples, a line for the reference). */
function histogramLayers(g: PairLayout, c: Float64Array, j: number, color: string, fill: boolean): Json[] {
  const h = histogram1d(c, g.domains[j], g.bins);
  const values = stepRows(h.edges, h.density);
  const enc = {
    x: { field: "x", type: "quantitative", scale: scaleOf(g, j), axis: xAxis(g, j, j) },
    y: { field: "y", type: "quantitative", axis: null, scale: { zero: true, nice: false } },
  };
  const out: Json[] = [
    { data: { values }, mark: { type: "line", interpolate: "step-after", color, strokeWidth: 1.5 }, encoding: enc },
  ];
  if (fill)
    out.unshift({
      data: { values },
      mark: { type: "area", interpolate: "step-after", color, opacity: 0.2 },
      encoding: enc,
    });
  return out;
}

/** The two HPD contours of (x, y) in panel (i, j), the inner one drawn thicker. */
function contourLayer(g: PairLayout, x: Float64Array, y: Float64Array, i: number, j: number, color: string): Json {
  const rows: Json[] = [];
  for (const c of hpdContours(x, y, g.domains[j], g.domains[i], [g.inner, g.outer], {
    bins: g.gridBins,
    smoothing: g.smoothing,
  })) {
    c.lines.forEach((line, l) => {
      for (let k = 0; k < line.length; k += 2)
        rows.push({ x: round(line[k], 5), y: round(line[k + 1], 5), id: `${c.level}-${l}`, level: c.level, k: k / 2 });
    });
  }
  return {
    data: { values: rows },
    mark: { type: "line", color, interpolate: "linear", clip: true },
    encoding: {
      ...xyEncoding(g, i, j),
      detail: { field: "id" },
      order: { field: "k", type: "quantitative" },
      strokeWidth: {
        field: "level",
        type: "quantitative",
        scale: { domain: [g.inner, g.outer], range: [2, 1.1] },
        legend: null,
      },
    },
  };
}

/** At most maxPoints samples of (x, y), drawn faintly under the contours; null when maxPoints is 0. */
function scatterLayer(g: PairLayout, x: Float64Array, y: Float64Array, i: number, j: number): Json | null {
  if (g.maxPoints <= 0) return null;
  const step = Math.max(1, Math.ceil(g.rows / g.maxPoints));
  const pts: Json[] = [];
  for (let r = 0; r < g.rows; r += step)
    if (Number.isFinite(x[r]) && Number.isFinite(y[r])) pts.push({ x: round(x[r], 5), y: round(y[r], 5) });
  return {
    data: { values: pts },
    mark: { type: "circle", size: 4, opacity: 0.25, color: SAMPLE_COLOR, clip: true },
    encoding: xyEncoding(g, i, j),
  };
}

/** A dashed line at a true value across (channel "x") or up (channel "y") the panel. */
function truthRule(g: PairLayout, value: number, channel: "x" | "y", scaleIndex: number): Json {
  return {
    data: { values: [{ v: value }] },
    mark: { type: "rule", color: TRUTH_COLOR, strokeDash: DASH, strokeWidth: 1.2 },
    encoding: { [channel]: { field: "v", type: "quantitative", scale: scaleOf(g, scaleIndex) } },
  };
}

/** The true point of panel (i, j): both dashed lines and a square where they cross. */
function truthLayers(g: PairLayout, truth: Numbers, i: number, j: number): Json[] {
  return [
    truthRule(g, truth[j], "x", j),
    truthRule(g, truth[i], "y", i),
    {
      data: { values: [{ x: truth[j], y: truth[i] }] },
      mark: { type: "point", shape: "square", filled: true, size: 25, color: TRUTH_COLOR },
      encoding: {
        x: { field: "x", type: "quantitative", scale: scaleOf(g, j) },
        y: { field: "y", type: "quantitative", scale: scaleOf(g, i) },
      },
    },
  ];
}

/** Diagonal panel j: marginal histograms, the true value, and the median with its 16–84 % range as title. */
function diagonalPanel(
  g: PairLayout,
  col: Float64Array,
  refCol: Float64Array | undefined,
  truth: Numbers | undefined,
  j: number,
): Json {
  const layers: Json[] = [...histogramLayers(g, col, j, SAMPLE_COLOR, true)];
  if (refCol) layers.push(...histogramLayers(g, refCol, j, REF_COLOR, false));
  if (truth) layers.push(truthRule(g, truth[j], "x", j));
  const sorted = sortedFinite(col); // one sort for the three quantiles
  const q = [0.16, 0.5, 0.84].map((p) => (sorted.length === 0 ? NaN : quantileSorted(sorted, p)));
  const name = labelName(g.params[j]),
    value = formatEstimate(q[1], q[2] - q[1], q[1] - q[0]);
  // one line if it fits the panel (~5.6 px per character at 10 px), else name over value
  const text = (name.length + value.length + 3) * 5.6 <= g.size ? `${name} = ${value}` : [name, `= ${value}`];
  return { width: g.size, height: g.size, layer: layers, title: { text, fontSize: 10, fontWeight: "normal" } };
}

/** Off-diagonal panel (i, j): sample points, HPD contours of samples and reference, the true point. */
function pairPanel(
  g: PairLayout,
  cols: Float64Array[],
  refCols: Float64Array[] | undefined,
  truth: Numbers | undefined,
  i: number,
  j: number,
): Json {
  const layers: Json[] = [];
  const scatter = scatterLayer(g, cols[j], cols[i], i, j);
  if (scatter) layers.push(scatter);
  layers.push(contourLayer(g, cols[j], cols[i], i, j, SAMPLE_COLOR));
  if (refCols) layers.push(contourLayer(g, refCols[j], refCols[i], i, j, REF_COLOR));
  if (truth) layers.push(...truthLayers(g, truth, i, j));
  return { width: g.size, height: g.size, layer: layers, resolve: { scale: { strokeWidth: "independent" } } };
}

/** The legend panel, or undefined for a single parameter with nothing to explain. */
function pairLegend(g: PairLayout, input: PairPlotInput): Json | undefined {
  const pct = (l: number) => `${Math.round(l * 100)}%`;
  const entries: LegendEntry[] = [{ label: input.labels?.samples ?? "samples", color: SAMPLE_COLOR, style: "solid" }];
  if (input.reference)
    entries.push({ label: input.labels?.reference ?? "reference", color: REF_COLOR, style: "solid" });
  if (input.truth) entries.push({ label: input.labels?.truth ?? "true value", color: TRUTH_COLOR, style: "dashed" });
  if (g.P > 1)
    entries.push({ label: `contours: ${pct(g.inner)}, ${pct(g.outer)} HPD`, color: TRUTH_COLOR, style: "none" });
  return g.P > 1 || input.reference || input.truth ? legendPanel(entries, g.size) : undefined;
}

/**
 * Builds the pair plot of posterior samples.
 * @returns a Vega-Lite spec (render with {@link renderSvg})
 * @throws NsbiInputError on inconsistent sizes, non-finite truth or levels outside (0, 1)
 */
export function pairPlot(input: PairPlotInput): PlotSpec {
  const { samples, reference, truth } = input;
  checkMatrix(samples, "samples", { minRows: 2 });
  const P = samples.cols;
  const params = checkParameters(input.parameters, P);
  if (reference) checkMatrix(reference, "reference", { cols: P, minRows: 2 });
  if (truth) checkVector(truth, "truth", P);
  const cols = Array.from({ length: P }, (_, j) => column(samples, j));
  const refCols = reference ? Array.from({ length: P }, (_, j) => column(reference, j)) : undefined;
  const g = pairLayout(input, params, cols, refCols);
  const panel = (i: number, j: number): Json =>
    i === j ? diagonalPanel(g, cols[j], refCols?.[j], truth, j) : pairPanel(g, cols, refCols, truth, i, j);
  return topLevel(cornerGrid(P, panel, g.size, pairLegend(g, input)), themeConfig() as Json, input.title);
}
