/**
 * Coverage against the bootstrap pool factor k (the k study of Sluijter, Diefenbacher, Bhimji, Nachman
 * 2025, Fig. 3): bootstrap datasets of M events drawn with replacement from kM events share events, so
 * even the true likelihood's ΔNLL = ½ intervals cover less than 0.683; in the large-sample limit
 * 2Φ(1/√(1 + 1/k)) − 1 (0.520 at k = 1, 0.657 at k = 9).
 */

import { NsbiInputError } from "../errors.js";
import { normalCdf } from "../numerics/normal.js";
import { round, topLevel, type Json, type PlotSpec } from "./plot-spec.js";
import { REFERENCE_COLOR, themeConfig } from "./theme.js";

/** One measured coverage: a panel (e.g. a distance), a parameter, k, and its standard error. */
export interface CoverageAtK {
  panel: string;
  parameter: string;
  k: number;
  coverage: number;
  /** standard error of the coverage (bars at ± 2 s.e.) */
  se: number;
}

/** The large-sample coverage of a ΔNLL = ½ interval on bootstrap datasets of M events drawn from kM. */
export function largeSampleBootstrapCoverage(k: number): number {
  return 2 * normalCdf(1 / Math.sqrt(1 + 1 / k)) - 1;
}

/**
 * Coverage against k, one panel per `panel` value, one line per parameter, ± 2 s.e. bars, the
 * large-sample curve (grey) and 0.683 (dashed).
 * @throws NsbiInputError without points, or with a k < 1 or a coverage outside [0, 1]
 */
export function coverageAgainstKPlot(points: readonly CoverageAtK[], opts: { title?: string } = {}): PlotSpec {
  if (points.length === 0) throw new NsbiInputError("coverageAgainstKPlot: no points");
  for (const p of points)
    if (!(p.k >= 1 && p.coverage >= 0 && p.coverage <= 1 && p.se >= 0))
      throw new NsbiInputError(`coverageAgainstKPlot: bad point ${JSON.stringify(p)}`);
  const kMax = Math.max(...points.map((p) => p.k));
  const curve = Array.from({ length: 61 }, (_, i) => {
    const k = 1 + ((kMax - 1) * i) / 60;
    return { k: round(k), coverage: round(largeSampleBootstrapCoverage(k)) };
  });
  const values = points.map((p) => ({
    panel: p.panel,
    parameter: p.parameter,
    k: p.k,
    coverage: round(p.coverage),
    low: round(Math.max(0, p.coverage - 2 * p.se)),
    high: round(Math.min(1, p.coverage + 2 * p.se)),
  }));
  const x = { field: "k", type: "quantitative", title: "k (each test set holds k·M events)" };
  const body: Json = {
    data: { values },
    facet: { column: { field: "panel", type: "nominal", title: null } },
    spec: {
      width: 280,
      height: 220,
      layer: [
        {
          data: { values: curve },
          mark: { type: "line", color: REFERENCE_COLOR, strokeWidth: 1.5 },
          encoding: { x, y: { field: "coverage", type: "quantitative" } },
        },
        {
          data: { values: [{ y: 0.683 }] },
          mark: { type: "rule", strokeDash: [4, 4], color: REFERENCE_COLOR },
          encoding: { y: { field: "y", type: "quantitative" } },
        },
        {
          mark: { type: "errorbar" },
          encoding: {
            x,
            y: { field: "low", type: "quantitative", title: "coverage" },
            y2: { field: "high" },
            color: { field: "parameter", type: "nominal", title: "parameter" },
          },
        },
        {
          mark: { type: "line", point: true },
          encoding: {
            x,
            y: { field: "coverage", type: "quantitative", scale: { zero: false }, title: "coverage" },
            color: { field: "parameter", type: "nominal", title: "parameter" },
          },
        },
      ],
    },
  };
  return topLevel(body, themeConfig() as Json, opts.title);
}
