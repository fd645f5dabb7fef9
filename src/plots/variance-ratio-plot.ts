/**
 * A check of predicted against empirical variances: per index (a fitted weight, a point) the ratio
 * empirical variance / predicted variance, one series per group (e.g. a training), with the line at 1
 * and an acceptance band (e.g. ±15%).
 */

import { NsbiInputError } from "../errors.js";
import { round, topLevel, type Json, type PlotSpec } from "./plot-spec.js";
import { BAND_COLOR, DASH, REFERENCE_COLOR, themeConfig } from "./theme.js";

export interface VarianceRatioPlotInput {
  /** one series of ratios per group, indexed from 0 */
  series: readonly { name: string; ratios: readonly number[] }[];
  /** the acceptance band's half-width around 1 (default 0.15) */
  band?: number;
  /** the sampling error of one ratio: a second, lighter band at 1 ± 2 of it (omitted when absent) */
  samplingError?: number;
  xTitle?: string;
  yTitle?: string;
  width?: number;
  height?: number;
  title?: string;
}

/**
 * Builds the variance-ratio plot.
 * @throws NsbiInputError without series or with a ratio that is not a positive finite number
 */
export function varianceRatioPlot(input: VarianceRatioPlotInput): PlotSpec {
  if (input.series.length === 0 || input.series.every((s) => s.ratios.length === 0))
    throw new NsbiInputError("varianceRatioPlot: no ratios");
  const values = input.series.flatMap((s) =>
    s.ratios.map((r, i) => {
      if (!(r > 0 && Number.isFinite(r)))
        throw new NsbiInputError(`varianceRatioPlot: ${s.name}[${i}] = ${r}, expected a positive ratio`);
      return { series: s.name, i, ratio: round(r) };
    }),
  );
  const b = input.band ?? 0.15;
  const x = {
    field: "i",
    type: "quantitative",
    title: input.xTitle ?? "index",
    axis: { tickMinStep: 1, format: "d" },
  };
  const se = input.samplingError;
  const body: Json = {
    width: input.width ?? 420,
    height: input.height ?? 240,
    layer: [
      ...(se !== undefined && se > 0
        ? [
            {
              data: { values: [{ low: Math.max(0, 1 - 2 * se), high: 1 + 2 * se }] },
              mark: { type: "rect", color: BAND_COLOR, opacity: 0.1 },
              encoding: { y: { field: "low", type: "quantitative" }, y2: { field: "high" } },
            },
          ]
        : []),
      {
        data: { values: [{ low: 1 - b, high: 1 + b }] },
        mark: { type: "rect", color: BAND_COLOR, opacity: 0.2 },
        encoding: { y: { field: "low", type: "quantitative" }, y2: { field: "high" } },
      },
      {
        data: { values: [{ y: 1 }] },
        mark: { type: "rule", strokeDash: DASH, color: REFERENCE_COLOR },
        encoding: { y: { field: "y", type: "quantitative" } },
      },
      {
        data: { values },
        mark: { type: "point", filled: true, size: 30 },
        encoding: {
          x,
          y: {
            field: "ratio",
            type: "quantitative",
            title: input.yTitle ?? "empirical / predicted variance",
            scale: { zero: false },
          },
          color: { field: "series", type: "nominal", title: null },
        },
      },
    ],
  };
  return topLevel(body, themeConfig() as Json, input.title);
}
