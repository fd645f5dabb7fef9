/**
 * A binned measurement (e.g. event counts versus momentum in one angular slice): data points
 * with error bars at the bin centres (horizontal bars span the bin) and model predictions as
 * step curves, with a legend.
 */

import { NsbiInputError } from "../errors.js";
import { seriesScale } from "./panel-grid.js";
import { checkVector, round, topLevel, type Json, type Numbers, type PlotSpec } from "./plot-spec.js";
import { OKABE_ITO, SERIES_COLORS, themeConfig } from "./theme.js";

/** Input of {@link binnedSpectrumPlot}. */
export interface BinnedSpectrumInput {
  /** Bin edges, increasing (length = bins + 1). */
  edges: Numbers;
  /** The measurement: a value per bin with symmetric `errors` or asymmetric `lower`/`upper` error sizes. */
  data?: { label?: string; values: Numbers; errors?: Numbers; lower?: Numbers; upper?: Numbers };
  /** Model predictions, a value per bin each, drawn as step curves. */
  models?: { name: string; values: Numbers }[];
  /** x-axis title with unit, e.g. "p_μ [MeV/c]". */
  xTitle: string;
  /** y-axis title with unit, e.g. "events / bin". */
  yTitle: string;
  /** Logarithmic y axis (values must be positive). */
  logY?: boolean;
  width?: number;
  height?: number;
  title?: string;
}

/**
 * Builds the binned-spectrum plot.
 * @throws NsbiInputError if edges are not increasing or a series has the wrong number of bins
 */
export function binnedSpectrumPlot(input: BinnedSpectrumInput): PlotSpec {
  const { edges, data } = input;
  checkVector(edges, "edges");
  const bins = edges.length - 1;
  if (bins < 1) throw new NsbiInputError(`edges: expected at least 2 bin edges, got ${edges.length}`);
  for (let k = 1; k < edges.length; k++)
    if (!(edges[k] > edges[k - 1]))
      throw new NsbiInputError(`edges: expected increasing values, got ${edges[k - 1]} then ${edges[k]} at ${k}`);
  const models = input.models ?? [];
  if (!data && models.length === 0) throw new NsbiInputError("binnedSpectrumPlot: expected data or at least one model");
  models.forEach((m, k) => {
    checkVector(m.values, `models[${k}].values (${m.name})`, bins, true);
  });
  const dataLabel = data?.label ?? "data";
  const names = [...(data ? [dataLabel] : []), ...models.map((m) => m.name)];
  if (new Set(names).size !== names.length)
    throw new NsbiInputError(`models: expected distinct names, got ${names.join(", ")}`);
  const colors = [
    ...(data ? [OKABE_ITO.black] : []),
    ...models.map((_, k) => SERIES_COLORS[k % (SERIES_COLORS.length - 2)]),
  ];
  const color = {
    field: "s",
    type: "nominal",
    scale: seriesScale(names, colors),
    legend: { title: null, orient: "top-right", symbolType: "stroke" },
  };
  const xs = { domain: [edges[0], edges[bins]], nice: false, zero: false };
  const ys = input.logY ? { type: "log" } : { zero: true };
  const x = { field: "x", type: "quantitative", scale: xs, title: input.xTitle };
  const layers: Json[] = [];
  const modelRows: Json[] = [];
  for (const m of models)
    for (let k = 0; k <= bins; k++)
      modelRows.push({ s: m.name, x: round(edges[k]), y: round(m.values[Math.min(k, bins - 1)]) });
  if (models.length) {
    layers.push({
      data: { values: modelRows },
      mark: { type: "line", interpolate: "step-after", strokeWidth: 1.6 },
      encoding: { x, y: { field: "y", type: "quantitative", scale: ys, title: input.yTitle }, color },
    });
  }
  if (data) {
    checkVector(data.values, "data.values", bins);
    const lower = data.lower ?? data.errors,
      upper = data.upper ?? data.errors;
    if (lower) checkVector(lower, data.lower ? "data.lower" : "data.errors", bins);
    if (upper) checkVector(upper, data.upper ? "data.upper" : "data.errors", bins);
    const rows = Array.from({ length: bins }, (_, k) => ({
      s: dataLabel,
      x: round((edges[k] + edges[k + 1]) / 2),
      a: round(edges[k]),
      b: round(edges[k + 1]),
      y: round(data.values[k]),
      lo: round(data.values[k] - (lower ? lower[k] : 0)),
      hi: round(data.values[k] + (upper ? upper[k] : 0)),
    }));
    const y = { field: "y", type: "quantitative", scale: ys, title: input.yTitle };
    layers.push(
      {
        data: { values: rows },
        mark: { type: "rule", strokeWidth: 1.2 },
        encoding: {
          x: { field: "a", type: "quantitative", scale: xs, title: input.xTitle },
          x2: { field: "b" },
          y,
          color,
        },
      },
      ...(lower || upper
        ? [
            {
              data: { values: rows },
              mark: { type: "rule", strokeWidth: 1.2 },
              encoding: {
                x,
                y: { field: "lo", type: "quantitative", scale: ys, title: input.yTitle },
                y2: { field: "hi" },
                color,
              },
            },
          ]
        : []),
      {
        data: { values: rows },
        mark: { type: "point", filled: true, size: 28, opacity: 1 },
        encoding: { x, y, color },
      },
    );
  }
  return topLevel(
    { width: input.width ?? 420, height: input.height ?? 300, layer: layers },
    themeConfig() as Json,
    input.title,
  );
}
