/**
 * Estimated versus true parameter values over a test set: per parameter, θ* on x, θ̂ on y with
 * 1σ error bars, and the y = x line of a perfect estimator.
 */

import { panelGrid } from "./panel-grid.js";
import {
  checkMatrix,
  checkParameters,
  column,
  finiteRange,
  labelName,
  padRange,
  unitOf,
  round,
  topLevel,
  type Json,
  type ParameterLabel,
  type PlotMatrix,
  type PlotSpec,
} from "./plot-spec.js";
import { NsbiInputError } from "../errors.js";
import { OKABE_ITO, REFERENCE_COLOR, axisTitle, themeConfig } from "./theme.js";

/** Input of {@link trueVsPredictedPlot}. */
export interface TrueVsPredictedInput {
  /** True values θ* `[n, P]`. */
  truth: PlotMatrix;
  /** Estimates θ̂ `[n, P]` (e.g. posterior means). */
  estimate: PlotMatrix;
  /** 1σ uncertainties of the estimates `[n, P]` (e.g. posterior standard deviations). */
  sigma?: PlotMatrix;
  parameters?: ParameterLabel[];
  /** Panels per row (default up to 3). */
  columns?: number;
  /** Panel size in px (default 200). */
  size?: number;
  title?: string;
}

/**
 * Builds the true-versus-estimated plot.
 * @throws NsbiInputError if the matrices differ in shape or a σ is negative
 */
export function trueVsPredictedPlot(input: TrueVsPredictedInput): PlotSpec {
  const { truth, estimate, sigma } = input;
  checkMatrix(truth, "truth");
  checkMatrix(estimate, "estimate", { cols: truth.cols });
  if (estimate.rows !== truth.rows)
    throw new NsbiInputError(`estimate: has ${estimate.rows} rows, expected ${truth.rows} (one per row of truth)`);
  if (sigma) {
    checkMatrix(sigma, "sigma", { cols: truth.cols });
    if (sigma.rows !== truth.rows)
      throw new NsbiInputError(`sigma: has ${sigma.rows} rows, expected ${truth.rows} (one per row of truth)`);
    for (let i = 0; i < sigma.data.length; i++)
      if (sigma.data[i] < 0)
        throw new NsbiInputError(
          `sigma: expected non-negative values, got ${sigma.data[i]} at row ${Math.floor(i / sigma.cols) + 1}`,
        );
  }
  const params = checkParameters(input.parameters, truth.cols);
  const size = input.size ?? 200;
  const panels = params.map((p, j) => {
    const t = column(truth, j),
      e = column(estimate, j),
      s = sigma ? column(sigma, j) : undefined;
    const rows: Json[] = [];
    for (let i = 0; i < t.length; i++) {
      const row: Json = { t: round(t[i]), e: round(e[i]) };
      if (s) {
        row.lo = round(e[i] - s[i]);
        row.hi = round(e[i] + s[i]);
      }
      rows.push(row);
    }
    const r = finiteRange(t, e, ...(s ? [e.map((v, i) => v - s[i]), e.map((v, i) => v + s[i])] : []));
    if (!r) throw new NsbiInputError(`truth/estimate: parameter ${labelName(p)} has no finite value`);
    const dom = padRange(r, 0.03);
    const scale = { domain: dom, nice: false, zero: false };
    const x = {
      field: "t",
      type: "quantitative",
      scale,
      title: axisTitle("true value", unitOf(p)),
      axis: { tickCount: 5 },
    };
    const layers: Json[] = [
      {
        data: { values: [{ a: dom[0], b: dom[1] }] },
        mark: { type: "rule", color: REFERENCE_COLOR, strokeWidth: 1, strokeDash: [5, 3] },
        encoding: {
          x: { field: "a", type: "quantitative", scale },
          x2: { field: "b" },
          y: { field: "a", type: "quantitative", scale },
          y2: { field: "b" },
        },
      },
    ];
    if (s)
      layers.push({
        data: { values: rows },
        mark: { type: "rule", color: OKABE_ITO.blue, opacity: 0.45, strokeWidth: 1 },
        encoding: { x, y: { field: "lo", type: "quantitative", scale }, y2: { field: "hi" } },
      });
    layers.push({
      data: { values: rows },
      mark: { type: "circle", color: OKABE_ITO.blue, size: 14, opacity: 0.9 },
      encoding: {
        x,
        y: {
          field: "e",
          type: "quantitative",
          scale,
          title: axisTitle(sigma ? "estimate ± 1σ" : "estimate", unitOf(p)),
          axis: { tickCount: 5 },
        },
      },
    });
    return {
      width: size,
      height: size,
      title: { text: labelName(p), fontSize: 12, fontWeight: "normal" },
      layer: layers,
    };
  });
  return topLevel(panelGrid(panels, input.columns), themeConfig() as Json, input.title);
}
