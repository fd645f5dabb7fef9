/**
 * The pair (corner) plot of posterior samples: 1-D marginal histograms on the diagonal, 68 % and
 * 95 % highest-posterior-density contours of every pair below it, true values as dashed lines
 * and, optionally, a second (reference) sample set overlaid in another colour.
 */

import { NsbiInputError } from "../errors.js";
import { cornerGrid, legendPanel, type LegendEntry } from "./corner-grid.js";
import { defaultBins, histogram1d } from "./histogram.js";
import { hpdContours } from "./hpd-contours.js";
import {
  checkMatrix, checkParameters, checkVector, column, finiteRange, labelName, labelTitle, padRange, round, topLevel,
  type Json, type Numbers, type ParameterLabel, type PlotMatrix, type PlotSpec,
} from "./plot-spec.js";
import { DASH, OKABE_ITO, REFERENCE_COLOR, themeConfig } from "./theme.js";
import { formatEstimate, quantile } from "./stats.js";

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
  for (let k = 0; k < edges.length; k++) rows.push({ x: round(edges[k]!), y: round(values[Math.min(k, values.length - 1)]!) });
  return rows;
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
  const levels = input.levels ?? [0.68, 0.95];
  if (levels.length !== 2 || !levels.every((l) => l > 0 && l < 1)) throw new NsbiInputError(`levels: expected two mass fractions in (0, 1), got [${levels.join(", ")}]`);
  const [inner, outer] = [...levels].sort((a, b) => a - b) as [number, number];
  const size = input.size ?? (P <= 4 ? 150 : P <= 7 ? 120 : 95);
  const bins = input.bins ?? defaultBins(samples.rows);
  const maxPoints = input.maxPoints ?? 400;
  const labels = { samples: input.labels?.samples ?? "samples", reference: input.labels?.reference ?? "reference", truth: input.labels?.truth ?? "true value" };

  const cols = Array.from({ length: P }, (_, j) => column(samples, j));
  const refCols = reference ? Array.from({ length: P }, (_, j) => column(reference, j)) : undefined;
  if (input.ranges && input.ranges.length !== P) throw new NsbiInputError(`ranges: has ${input.ranges.length} entries, expected ${P} (one per parameter)`);
  const domains = cols.map((c, j) => {
    const given = input.ranges?.[j];
    if (given) {
      if (!(Number.isFinite(given[0]) && Number.isFinite(given[1]) && given[0] < given[1])) throw new NsbiInputError(`ranges[${j}]: expected [lo, hi] with finite lo < hi, got [${given.join(", ")}]`);
      return [given[0], given[1]] as [number, number];
    }
    const r = finiteRange(c, ...(refCols ? [refCols[j]!] : []), ...(truth ? [[truth[j]!]] : []));
    if (!r) throw new NsbiInputError(`samples: column ${j + 1} (${labelName(params[j]!)}) has no finite value`);
    return padRange(r, 0.04);
  });
  const scaleOf = (j: number) => ({ domain: domains[j], nice: false, zero: false });
  const xAxis = (i: number, j: number) => (i === P - 1 ? { title: labelTitle(params[j]!), tickCount: 4, labelAngle: -40 } : { title: null, labels: false, tickCount: 4 });
  const yAxis = (i: number, j: number) => (j === 0 ? { title: labelTitle(params[i]!), tickCount: 4 } : { title: null, labels: false, tickCount: 4 });

  const histLayers = (c: Float64Array, j: number, color: string, fill: boolean): Json[] => {
    const h = histogram1d(c, domains[j]!, bins);
    const values = stepRows(h.edges, h.density);
    const enc = {
      x: { field: "x", type: "quantitative", scale: scaleOf(j), axis: xAxis(j, j) },
      y: { field: "y", type: "quantitative", axis: null, scale: { zero: true, nice: false } },
    };
    const out: Json[] = [{ data: { values }, mark: { type: "line", interpolate: "step-after", color, strokeWidth: 1.5 }, encoding: enc }];
    if (fill) out.unshift({ data: { values }, mark: { type: "area", interpolate: "step-after", color, opacity: 0.2 }, encoding: enc });
    return out;
  };

  const contourLayer = (x: Float64Array, y: Float64Array, i: number, j: number, color: string): Json => {
    const rows: Json[] = [];
    for (const c of hpdContours(x, y, domains[j]!, domains[i]!, [inner, outer], { bins: input.gridBins, smoothing: input.smoothing })) {
      c.lines.forEach((line, l) => {
        for (let k = 0; k < line.length; k += 2) rows.push({ x: round(line[k]!, 5), y: round(line[k + 1]!, 5), id: `${c.level}-${l}`, level: c.level, k: k / 2 });
      });
    }
    return {
      data: { values: rows },
      mark: { type: "line", color, interpolate: "linear", clip: true },
      encoding: {
        x: { field: "x", type: "quantitative", scale: scaleOf(j), axis: xAxis(i, j) },
        y: { field: "y", type: "quantitative", scale: scaleOf(i), axis: yAxis(i, j) },
        detail: { field: "id" },
        order: { field: "k", type: "quantitative" },
        strokeWidth: { field: "level", type: "quantitative", scale: { domain: [inner, outer], range: [2, 1.1] }, legend: null },
      },
    };
  };

  const truthRule = (value: number, channel: "x" | "y", scaleIndex: number): Json => ({
    data: { values: [{ v: value }] },
    mark: { type: "rule", color: TRUTH_COLOR, strokeDash: DASH, strokeWidth: 1.2 },
    encoding: { [channel]: { field: "v", type: "quantitative", scale: scaleOf(scaleIndex) } },
  });

  const cell = (i: number, j: number): Json => {
    const layers: Json[] = [];
    if (i === j) {
      layers.push(...histLayers(cols[j]!, j, SAMPLE_COLOR, true));
      if (refCols) layers.push(...histLayers(refCols[j]!, j, REF_COLOR, false));
      if (truth) layers.push(truthRule(truth[j]!, "x", j));
      const q = [0.16, 0.5, 0.84].map((p) => quantile(cols[j]!, p));
      const name = labelName(params[j]!), value = formatEstimate(q[1]!, q[2]! - q[1]!, q[1]! - q[0]!);
      // one line if it fits the panel (~5.6 px per character at 10 px), else name over value
      const text = (name.length + value.length + 3) * 5.6 <= size ? `${name} = ${value}` : [name, `= ${value}`];
      return { width: size, height: size, layer: layers, title: { text, fontSize: 10, fontWeight: "normal" } };
    }
    const x = cols[j]!, y = cols[i]!;
    if (maxPoints > 0) {
      const step = Math.max(1, Math.ceil(samples.rows / maxPoints));
      const pts: Json[] = [];
      for (let r = 0; r < samples.rows; r += step) if (Number.isFinite(x[r]!) && Number.isFinite(y[r]!)) pts.push({ x: round(x[r]!, 5), y: round(y[r]!, 5) });
      layers.push({
        data: { values: pts },
        mark: { type: "circle", size: 4, opacity: 0.25, color: SAMPLE_COLOR, clip: true },
        encoding: {
          x: { field: "x", type: "quantitative", scale: scaleOf(j), axis: xAxis(i, j) },
          y: { field: "y", type: "quantitative", scale: scaleOf(i), axis: yAxis(i, j) },
        },
      });
    }
    layers.push(contourLayer(x, y, i, j, SAMPLE_COLOR));
    if (refCols) layers.push(contourLayer(refCols[j]!, refCols[i]!, i, j, REF_COLOR));
    if (truth) {
      layers.push(truthRule(truth[j]!, "x", j), truthRule(truth[i]!, "y", i));
      layers.push({
        data: { values: [{ x: truth[j], y: truth[i] }] },
        mark: { type: "point", shape: "square", filled: true, size: 25, color: TRUTH_COLOR },
        encoding: { x: { field: "x", type: "quantitative", scale: scaleOf(j) }, y: { field: "y", type: "quantitative", scale: scaleOf(i) } },
      });
    }
    return { width: size, height: size, layer: layers, resolve: { scale: { strokeWidth: "independent" } } };
  };

  const pct = (l: number) => `${Math.round(l * 100)}%`;
  const entries: LegendEntry[] = [{ label: labels.samples, color: SAMPLE_COLOR, style: "solid" }];
  if (reference) entries.push({ label: labels.reference, color: REF_COLOR, style: "solid" });
  if (truth) entries.push({ label: labels.truth, color: TRUTH_COLOR, style: "dashed" });
  if (P > 1) entries.push({ label: `contours: ${pct(inner)}, ${pct(outer)} HPD`, color: TRUTH_COLOR, style: "none" });
  const legend = P > 1 || reference || truth ? legendPanel(entries, size) : undefined;
  return topLevel(cornerGrid(P, cell, size, legend), themeConfig() as Json, input.title);
}
