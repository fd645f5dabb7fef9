/**
 * Coverage of a method's intervals against a study parameter (a mixture fraction κ, a number of
 * templates K …), one line per method, ± 1 binomial standard error bars, and the binomial band
 * nominal ± 2√(nominal(1 − nominal)/n) inside which a calibrated method's coverage falls 95% of the time.
 */

import { NsbiInputError } from "../errors.js";
import { round, topLevel, type Json, type PlotSpec } from "./plot-spec.js";
import { BAND_COLOR, DASH, REFERENCE_COLOR, themeConfig } from "./theme.js";

/** One measured coverage: a method, the parameter's value, the coverage and its number of trials. */
export interface CoverageAtParameter {
  series: string;
  x: number;
  coverage: number;
  /** pseudo-experiments (the binomial n) */
  n: number;
}

export interface CoverageAgainstParameterInput {
  points: readonly CoverageAtParameter[];
  /** the x axis's title, e.g. "κ (mixture fraction)" */
  xTitle: string;
  /** a log x axis (e.g. κ from 0.01 to 0.5) */
  logX?: boolean;
  /** the nominal coverage (default 0.683, |z| ≤ 1) */
  nominal?: number;
  /** series order (default: first appearance) */
  series?: readonly string[];
  width?: number;
  height?: number;
  title?: string;
}

/**
 * Builds the coverage-against-parameter plot.
 * @throws NsbiInputError without points, with a coverage outside [0, 1], n < 1 or (log axis) x ≤ 0
 */
export function coverageAgainstParameterPlot(input: CoverageAgainstParameterInput): PlotSpec {
  const { points } = input;
  if (points.length === 0) throw new NsbiInputError("coverageAgainstParameterPlot: no points");
  for (const p of points)
    if (
      !(p.coverage >= 0 && p.coverage <= 1 && Number.isInteger(p.n) && p.n >= 1 && Number.isFinite(p.x)) ||
      (input.logX && !(p.x > 0))
    )
      throw new NsbiInputError(`coverageAgainstParameterPlot: bad point ${JSON.stringify(p)}`);
  const nominal = input.nominal ?? 0.6826894921370859;
  const se = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);
  const values = points.map((p) => ({
    series: p.series,
    x: p.x,
    coverage: round(p.coverage),
    low: round(Math.max(0, p.coverage - se(p.coverage, p.n))),
    high: round(Math.min(1, p.coverage + se(p.coverage, p.n))),
  }));
  // the calibrated band at each x, from the smallest n there (the widest band)
  const byX = new Map<number, number>();
  for (const p of points) byX.set(p.x, Math.min(byX.get(p.x) ?? Infinity, p.n));
  const band = [...byX.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([x, n]) => ({
      x,
      low: round(nominal - 2 * se(nominal, n)),
      high: round(nominal + 2 * se(nominal, n)),
    }));
  const series = input.series ?? [...new Set(points.map((p) => p.series))];
  const x = {
    field: "x",
    type: "quantitative",
    title: input.xTitle,
    scale: input.logX ? { type: "log" } : { zero: false },
    axis: { values: [...byX.keys()].sort((a, b) => a - b) },
  };
  const color = { field: "series", type: "nominal", title: "method", scale: { domain: [...series] } };
  const body: Json = {
    width: input.width ?? 420,
    height: input.height ?? 280,
    layer: [
      {
        data: { values: band },
        mark: { type: "area", color: BAND_COLOR, opacity: 0.25 },
        encoding: { x, y: { field: "low", type: "quantitative" }, y2: { field: "high" } },
      },
      {
        data: { values: [{ y: nominal }] },
        mark: { type: "rule", strokeDash: DASH, color: REFERENCE_COLOR },
        encoding: { y: { field: "y", type: "quantitative" } },
      },
      {
        data: { values },
        mark: { type: "errorbar" },
        encoding: {
          x,
          y: { field: "low", type: "quantitative", title: "coverage (|z| ≤ 1)", scale: { domain: [0, 1] } },
          y2: { field: "high" },
          color,
        },
      },
      {
        data: { values },
        mark: { type: "line", point: true },
        encoding: { x, y: { field: "coverage", type: "quantitative" }, color },
      },
    ],
  };
  return topLevel(body, themeConfig() as Json, input.title);
}
