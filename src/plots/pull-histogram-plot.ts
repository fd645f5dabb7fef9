/**
 * Pull distributions: per parameter a histogram of the pulls (θ̂ − θ*)/σ as a normalised
 * density, with the Gaussian fitted to them (μ and σ in the legend) and the N(0, 1) expected of
 * calibrated uncertainties.
 */

import { NsbiInputError } from "../errors.js";
import { histogram1d } from "./histogram.js";
import { panelGrid, seriesScale } from "./panel-grid.js";
import {
  checkMatrix,
  checkParameters,
  column,
  labelName,
  round,
  topLevel,
  type Json,
  type ParameterLabel,
  type PlotMatrix,
  type PlotSpec,
} from "./plot-spec.js";
import { meanStd } from "./stats.js";
import { DASH, OKABE_ITO, PANEL, REFERENCE_COLOR, formatNumber, themeConfig } from "./theme.js";

/** Input of {@link pullHistogramPlot}. */
export interface PullHistogramInput {
  /** Pulls `[n, P]`, e.g. (θ̂ − θ*)/σ̂ per test case and parameter. */
  pulls: PlotMatrix;
  parameters?: ParameterLabel[];
  /** Number of bins (default 30). */
  bins?: number;
  /** Histogram range (default [−5, 5]); pulls outside still count in the fit and normalisation. */
  range?: [number, number];
  /** The fitted Gaussians, one per parameter (default: mean and standard deviation of the pulls). */
  fits?: { mean: number; std: number }[];
  /** Panels per row (default up to 3). */
  columns?: number;
  title?: string;
}

const gauss = (x: number, mu: number, s: number) => Math.exp(-0.5 * ((x - mu) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));

/** The legend label of a fitted Gaussian, e.g. "fit: μ = 0.02, σ = 1.03". */
export function pullFitLabel(mu: number, sigma: number): string {
  return `fit: μ = ${formatNumber(mu)}, σ = ${formatNumber(sigma)}`;
}

/**
 * Builds the pull-histogram plot.
 * @throws NsbiInputError if a column has fewer than 2 finite pulls or the range is empty
 */
export function pullHistogramPlot(input: PullHistogramInput): PlotSpec {
  const { pulls } = input;
  checkMatrix(pulls, "pulls", { minRows: 2 });
  const params = checkParameters(input.parameters, pulls.cols);
  const range = input.range ?? [-5, 5];
  if (!(range[0] < range[1]))
    throw new NsbiInputError(`range: expected [lo, hi] with lo < hi, got [${range.join(", ")}]`);
  const bins = input.bins ?? 30;
  const width = (range[1] - range[0]) / bins;
  if (input.fits && input.fits.length !== pulls.cols)
    throw new NsbiInputError(`fits: has ${input.fits.length} entries, expected ${pulls.cols} (one per parameter)`);
  const panels = params.map((p, j) => {
    const v = column(pulls, j);
    const moments = meanStd(v),
      n = moments.n;
    const mean = input.fits ? input.fits[j].mean : moments.mean;
    const std = input.fits ? input.fits[j].std : moments.std;
    if (n < 2 || !(std > 0) || !Number.isFinite(mean))
      throw new NsbiInputError(
        `pulls: parameter ${labelName(p)} needs at least 2 distinct finite pulls (and a finite fit), got ${n} pulls, μ = ${mean}, σ = ${std}`,
      );
    const h = histogram1d(v, range, bins);
    const bars = Array.from(h.counts, (c, k) => ({
      a: round(h.edges[k]),
      b: round(h.edges[k + 1]),
      d: round(c / (n * width)),
    }));
    const fitLabel = pullFitLabel(mean, std),
      unitLabel = "N(0, 1)";
    const curve: Json[] = [];
    for (let k = 0; k <= 200; k++) {
      const x = range[0] + ((range[1] - range[0]) * k) / 200;
      curve.push(
        { x: round(x), d: round(gauss(x, mean, std)), s: fitLabel },
        { x: round(x), d: round(gauss(x, 0, 1)), s: unitLabel },
      );
    }
    const peak = Math.max(...bars.map((b) => b.d), gauss(mean, mean, std), gauss(0, 0, 1));
    const xs = { domain: range, nice: false, zero: false };
    const ys = { domain: [0, peak * 1.08], nice: false };
    return {
      width: PANEL.width,
      height: PANEL.height,
      title: { text: labelName(p), fontSize: 11, fontWeight: "normal" },
      layer: [
        {
          data: { values: bars },
          mark: { type: "rect", color: OKABE_ITO.skyBlue, opacity: 0.55, stroke: "#ffffff", strokeWidth: 0.3 },
          encoding: {
            x: { field: "a", type: "quantitative", scale: xs, title: `pull of ${labelName(p)}` },
            x2: { field: "b" },
            y: { field: "d", type: "quantitative", scale: ys, title: "density" },
            y2: { datum: 0 },
          },
        },
        {
          data: { values: curve },
          mark: { type: "line", strokeWidth: 1.8 },
          encoding: {
            x: { field: "x", type: "quantitative", scale: xs },
            y: { field: "d", type: "quantitative", scale: ys },
            color: {
              field: "s",
              type: "nominal",
              scale: seriesScale([fitLabel, unitLabel], [OKABE_ITO.vermillion, REFERENCE_COLOR]),
              legend: { title: null, orient: "bottom", direction: "vertical" },
            },
            strokeDash: {
              field: "s",
              type: "nominal",
              scale: { domain: [fitLabel, unitLabel], range: [[1, 0], DASH] },
            },
          },
        },
      ],
    };
  });
  return topLevel(panelGrid(panels, input.columns, true), themeConfig() as Json, input.title);
}
