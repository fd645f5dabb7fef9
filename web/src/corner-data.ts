/**
 * What changes in the corner plot from one posterior to the next, computed straight from the
 * draws with the library's plot numerics (histograms, HPD contours, estimate labels): the data
 * and signals of the template (src/corner-template.ts), in the rows the pair plot itself makes.
 * web/src/corner-data.test.ts checks them against the pair plot's own datasets.
 */
import { histogram1d } from "../../src/plots/histogram.js";
import { hpdContours } from "../../src/plots/hpd-contours.js";
import { finiteRange, labelName, padRange, round, type ParameterLabel } from "../../src/plots/plot-spec.js";
import { formatEstimate } from "../../src/plots/stats.js";
import { datasetName, rangeSignal, titleSignal } from "./corner-template.js";

/** The pair plot's options the live plot pins, so that template and updates agree. */
export interface CornerLayout {
  parameters: ParameterLabel[];
  /** Histogram bins on the diagonal. */
  bins: number;
  /** Bins per axis of the 2-D density grid of the HPD contours. */
  gridBins: number;
  /** Panel size in px. */
  size: number;
  /** The two HPD mass levels, inner first. */
  levels: [number, number];
}

export interface CornerDataInput {
  /** The draws' columns, one per parameter. */
  cols: Float64Array[];
  /** Axis range per parameter. */
  ranges: [number, number][];
  /** The point drawn dashed (the posterior mean). */
  truth: readonly number[];
  /** 16%, 50% and 84% quantiles per parameter (the diagonal panels' titles). */
  q16: readonly number[];
  q50: readonly number[];
  q84: readonly number[];
}

/** Columns of draws `[n, P]` (float32) as float64 arrays. */
export function drawColumns(samples: Float32Array, n: number, P: number): Float64Array[] {
  return Array.from({ length: P }, (_, j) => {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = samples[i * P + j];
    return c;
  });
}

/**
 * Axis ranges that hold still while the posterior moves a little: the pair plot's own range (all
 * draws and the mean, padded by 4%), unless the previous range still holds it and is at most
 * twice as wide. Stable ranges keep the axes (and Vega's layout of them) unchanged between edits.
 */
export function stableRanges(
  previous: readonly [number, number][] | null,
  cols: readonly Float64Array[],
  truth: readonly number[],
): [number, number][] {
  return cols.map((c, j) => {
    const r = finiteRange(c, [truth[j]]);
    if (!r) throw new Error(`corner plot: parameter ${j + 1} has no finite draw`);
    const fresh = padRange(r, 0.04);
    const old = previous?.[j];
    if (old && old[0] <= fresh[0] && old[1] >= fresh[1] && fresh[1] - fresh[0] >= 0.5 * (old[1] - old[0])) return old;
    return fresh;
  });
}

/** The diagonal title: "name = median +up −down", on two lines when it does not fit the panel. */
function diagonalTitle(layout: CornerLayout, j: number, q16: number, q50: number, q84: number): string | string[] {
  const name = labelName(layout.parameters[j]),
    value = formatEstimate(q50, q84 - q50, q50 - q16);
  return (name.length + value.length + 3) * 5.6 <= layout.size ? `${name} = ${value}` : [name, `= ${value}`];
}

/** Step-histogram rows of column j, one per bin edge. */
function histogramRows(layout: CornerLayout, c: Float64Array, range: [number, number]): unknown[] {
  const h = histogram1d(c, range, layout.bins);
  const rows: unknown[] = [];
  for (let k = 0; k < h.edges.length; k++)
    rows.push({ x: round(h.edges[k]), y: round(h.density[Math.min(k, h.density.length - 1)]) });
  return rows;
}

/** Rows of the HPD contour lines of (x, y) over the given ranges. */
function contourRows(
  layout: CornerLayout,
  x: Float64Array,
  y: Float64Array,
  xRange: [number, number],
  yRange: [number, number],
): unknown[] {
  const rows: unknown[] = [];
  for (const c of hpdContours(x, y, xRange, yRange, layout.levels, { bins: layout.gridBins }))
    c.lines.forEach((line, l) => {
      for (let k = 0; k < line.length; k += 2)
        rows.push({ x: round(line[k], 5), y: round(line[k + 1], 5), id: `${c.level}-${l}`, level: c.level, k: k / 2 });
    });
  return rows;
}

/** The datasets and signals of one posterior, named as in the template. */
export function cornerData(
  layout: CornerLayout,
  input: CornerDataInput,
): { datasets: Map<string, unknown[]>; signals: Map<string, unknown> } {
  const { cols, ranges, truth } = input,
    P = cols.length;
  const datasets = new Map<string, unknown[]>(),
    signals = new Map<string, unknown>();
  const columns = P === 1 ? 2 : P;
  for (let j = 0; j < P; j++) signals.set(rangeSignal(j), ranges[j]);
  for (let i = 0; i < P; i++)
    for (let j = 0; j <= i; j++) {
      const c = i * columns + j;
      if (i === j) {
        datasets.set(datasetName(c, 0), histogramRows(layout, cols[j], ranges[j]));
        datasets.set(datasetName(c, 2), [{ v: truth[j] }]);
        signals.set(titleSignal(c), diagonalTitle(layout, j, input.q16[j], input.q50[j], input.q84[j]));
      } else {
        datasets.set(datasetName(c, 0), contourRows(layout, cols[j], cols[i], ranges[j], ranges[i]));
        datasets.set(datasetName(c, 1), [{ v: truth[j] }]);
        datasets.set(datasetName(c, 2), [{ v: truth[i] }]);
        datasets.set(datasetName(c, 3), [{ x: truth[j], y: truth[i] }]);
      }
    }
  return { datasets, signals };
}
