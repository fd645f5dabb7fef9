/**
 * Corner plot of relative residuals (θ̂ − θ*)/θ* over a test set: their histograms on the
 * diagonal and pairwise scatter below, with zero marked, to show biases and correlated errors.
 */

import { NsbiInputError } from "../errors.js";
import { cornerGrid } from "./corner-grid.js";
import { defaultBins, histogram1d } from "./histogram.js";
import {
  checkMatrix,
  checkParameters,
  finiteRange,
  labelName,
  padRange,
  round,
  topLevel,
  type Json,
  type ParameterLabel,
  type PlotMatrix,
  type PlotSpec,
} from "./plot-spec.js";
import { DASH, OKABE_ITO, REFERENCE_COLOR, themeConfig } from "./theme.js";

/** Input of {@link residualCornerPlot}. */
export interface ResidualCornerInput {
  /** True values θ* `[n, P]` (non-zero). */
  truth: PlotMatrix;
  /** Estimates θ̂ `[n, P]`. */
  estimate: PlotMatrix;
  parameters?: ParameterLabel[];
  /** Bins of the histograms (default 0.6·√n, between 10 and 40). */
  bins?: number;
  /** Panel size in px (default 150). */
  size?: number;
  title?: string;
}

/**
 * Relative residuals (θ̂ − θ*)/θ*, row-major like the inputs; NaN where θ* = 0 or a value is
 * not finite.
 */
export function relativeResiduals(truth: PlotMatrix, estimate: PlotMatrix): Float64Array {
  const out = new Float64Array(truth.data.length);
  for (let i = 0; i < out.length; i++) {
    const t = truth.data[i],
      r = (estimate.data[i] - t) / t;
    out[i] = t !== 0 && Number.isFinite(r) ? r : NaN;
  }
  return out;
}

/**
 * Builds the residual corner plot. Test cases with θ* = 0 for a parameter are left out of that
 * parameter's panels.
 * @throws NsbiInputError on a shape mismatch or when a parameter has no finite residual
 */
export function residualCornerPlot(input: ResidualCornerInput): PlotSpec {
  const { truth, estimate } = input;
  checkMatrix(truth, "truth");
  checkMatrix(estimate, "estimate", { cols: truth.cols });
  if (estimate.rows !== truth.rows)
    throw new NsbiInputError(`estimate: has ${estimate.rows} rows, expected ${truth.rows} (one per row of truth)`);
  const P = truth.cols,
    n = truth.rows;
  const params = checkParameters(input.parameters, P);
  const res = relativeResiduals(truth, estimate);
  const cols = params.map((_, j) => Float64Array.from({ length: n }, (_, i) => res[i * P + j]));
  const domains = cols.map((c, j) => {
    const r = finiteRange(c, [0]);
    if (!r || !c.some(Number.isFinite))
      throw new NsbiInputError(
        `truth/estimate: parameter ${labelName(params[j])} has no finite relative residual (is θ* zero?)`,
      );
    return padRange(r, 0.05);
  });
  const size = input.size ?? (P <= 4 ? 150 : 110);
  const bins = input.bins ?? defaultBins(n);
  const title = (j: number) => `(θ̂ − θ*)/θ* of ${labelName(params[j])}`;
  const scale = (j: number) => ({ domain: domains[j], nice: false, zero: false });
  const xAxis = (i: number, j: number) =>
    i === P - 1
      ? { title: title(j), tickCount: 4, labelAngle: -40, format: "~%" }
      : { title: null, labels: false, tickCount: 4 };
  const yAxis = (i: number, j: number) =>
    j === 0 ? { title: title(i), tickCount: 4, format: "~%" } : { title: null, labels: false, tickCount: 4 };
  const zero = (channel: "x" | "y", j: number): Json => ({
    data: { values: [{ v: 0 }] },
    mark: { type: "rule", color: REFERENCE_COLOR, strokeDash: DASH, strokeWidth: 1 },
    encoding: { [channel]: { field: "v", type: "quantitative", scale: scale(j) } },
  });
  const cell = (i: number, j: number): Json => {
    if (i === j) {
      const h = histogram1d(cols[j], domains[j], bins);
      const bars = Array.from(h.counts, (c, k) => ({ a: round(h.edges[k]), b: round(h.edges[k + 1]), c }));
      return {
        width: size,
        height: size,
        layer: [
          {
            data: { values: bars },
            mark: { type: "rect", color: OKABE_ITO.blue, opacity: 0.6, stroke: "#ffffff", strokeWidth: 0.3 },
            encoding: {
              x: { field: "a", type: "quantitative", scale: scale(j), axis: xAxis(j, j) },
              x2: { field: "b" },
              y: { field: "c", type: "quantitative", axis: null },
              y2: { datum: 0 },
            },
          },
          zero("x", j),
        ],
      };
    }
    const pts: Json[] = [];
    for (let r = 0; r < n; r++) {
      const x = cols[j][r],
        y = cols[i][r];
      if (Number.isFinite(x) && Number.isFinite(y)) pts.push({ x: round(x, 5), y: round(y, 5) });
    }
    return {
      width: size,
      height: size,
      layer: [
        zero("x", j),
        zero("y", i),
        {
          data: { values: pts },
          mark: { type: "circle", color: OKABE_ITO.blue, size: 10, opacity: 0.5 },
          encoding: {
            x: { field: "x", type: "quantitative", scale: scale(j), axis: xAxis(i, j) },
            y: { field: "y", type: "quantitative", scale: scale(i), axis: yAxis(i, j) },
          },
        },
      ],
    };
  };
  return topLevel(cornerGrid(P, cell, size), themeConfig() as Json, input.title);
}
