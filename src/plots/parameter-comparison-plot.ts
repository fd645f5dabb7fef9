/**
 * Parameter estimates side by side: per parameter a panel with one row per named estimate
 * (e.g. "tune", "inferred T2K"), each a point with (possibly asymmetric) error bars, over the
 * shaded prior range.
 */

import { NsbiInputError } from "../errors.js";
import { panelGrid, seriesScale } from "./panel-grid.js";
import {
  checkVector,
  finiteRange,
  labelTitle,
  padRange,
  round,
  topLevel,
  type Json,
  type Numbers,
  type ParameterLabel,
  type PlotSpec,
} from "./plot-spec.js";
import { BAND_COLOR, themeConfig } from "./theme.js";

/** A parameter of {@link parameterComparisonPlot}, with its optional prior range. */
export type ComparedParameter = ParameterLabel | { name: string; unit?: string; prior?: [number, number] };

/** One named set of estimates: a value per parameter and error sizes (symmetric or lower/upper). */
export interface EstimateRow {
  name: string;
  values: Numbers;
  errors?: Numbers;
  lower?: Numbers;
  upper?: Numbers;
}

/** Input of {@link parameterComparisonPlot}. */
export interface ParameterComparisonInput {
  parameters: ComparedParameter[];
  rows: EstimateRow[];
  /** Panels per row (default up to 4). */
  columns?: number;
  title?: string;
}

/**
 * Builds the parameter-comparison plot.
 * @throws NsbiInputError if a row has the wrong number of values, errors are negative or a prior
 *   range is empty
 */
export function parameterComparisonPlot(input: ParameterComparisonInput): PlotSpec {
  const { parameters, rows } = input;
  if (!Array.isArray(parameters) || parameters.length === 0)
    throw new NsbiInputError("parameters: expected at least one parameter");
  if (!Array.isArray(rows) || rows.length === 0)
    throw new NsbiInputError("rows: expected at least one row of estimates");
  const P = parameters.length;
  const names = rows.map((r) => r.name);
  if (new Set(names).size !== names.length)
    throw new NsbiInputError(`rows: expected distinct names, got ${names.join(", ")}`);
  rows.forEach((r, k) => {
    checkVector(r.values, `rows[${k}].values (${r.name})`, P, true);
    for (const key of ["errors", "lower", "upper"] as const) {
      const e = r[key];
      if (!e) continue;
      checkVector(e, `rows[${k}].${key} (${r.name})`, P, true);
      for (let j = 0; j < P; j++)
        if (e[j] < 0)
          throw new NsbiInputError(
            `rows[${k}].${key} (${r.name}): expected non-negative error sizes, got ${e[j]} for parameter ${j + 1}`,
          );
    }
  });
  const color = { field: "row", type: "nominal", scale: seriesScale(names), legend: null, sort: names };
  const panels = parameters.map((p, j) => {
    const prior = typeof p === "object" && "prior" in p ? p.prior : undefined;
    if (prior && !(prior[0] < prior[1]))
      throw new NsbiInputError(`parameters[${j}].prior: expected [lo, hi] with lo < hi, got [${prior.join(", ")}]`);
    const data = rows
      .map((r) => {
        const v = r.values[j],
          lo = (r.lower ?? r.errors)?.[j] ?? 0,
          hi = (r.upper ?? r.errors)?.[j] ?? 0;
        return { row: r.name, v: round(v), lo: round(v - lo), hi: round(v + hi) };
      })
      .filter((d) => Number.isFinite(d.v));
    const range = finiteRange(
      data.map((d) => d.lo),
      data.map((d) => d.hi),
      prior ?? [],
    );
    const xs = { domain: padRange(range ?? [0, 1], 0.06), nice: false, zero: false };
    const y = { field: "row", type: "nominal", sort: names, title: null, scale: { domain: names, paddingOuter: 0.6 } };
    const layers: Json[] = [];
    if (prior)
      layers.push({
        data: { values: [{ a: prior[0], b: prior[1] }] },
        mark: { type: "rect", color: BAND_COLOR, opacity: 0.18 },
        encoding: { x: { field: "a", type: "quantitative", scale: xs }, x2: { field: "b" } },
      });
    layers.push(
      {
        data: { values: data },
        mark: { type: "rule", strokeWidth: 1.6 },
        encoding: { x: { field: "lo", type: "quantitative", scale: xs }, x2: { field: "hi" }, y, color },
      },
      {
        data: { values: data },
        mark: { type: "point", filled: true, size: 40, opacity: 1 },
        encoding: {
          x: {
            field: "v",
            type: "quantitative",
            scale: xs,
            title: labelTitle(typeof p === "string" ? p : { name: p.name, unit: p.unit }),
            axis: { tickCount: 4 },
          },
          y,
          color,
        },
      },
    );
    return { width: 170, height: Math.max(50, 22 * names.length), layer: layers };
  });
  return topLevel(panelGrid(panels, input.columns ?? Math.min(4, P)), themeConfig() as Json, input.title);
}
