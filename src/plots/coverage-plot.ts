/**
 * Coverage (calibration) curves: empirical coverage against the nominal credibility level for
 * per-parameter central intervals, the joint HPD region (expected coverage) and TARP's expected
 * coverage probability, with the diagonal of perfect calibration and ±10 % / ±20 % bands.
 */

import { NsbiInputError } from "../errors.js";
import { seriesScale } from "./panel-grid.js";
import { checkVector, round, topLevel, type Json, type Numbers, type PlotSpec } from "./plot-spec.js";
import { BAND_COLOR, FONT_SIZE, OKABE_ITO, REFERENCE_COLOR, SERIES_COLORS, themeConfig } from "./theme.js";

/** Input of {@link coveragePlot}. All curves are sampled at `levels`. */
export interface CoveragePlotInput {
  /** Nominal credibility levels in [0, 1], increasing. */
  levels: Numbers;
  /** Empirical coverage of central credible intervals, one curve per parameter. */
  central?: { name: string; coverage: Numbers }[];
  /** Expected coverage of the joint HPD region. */
  hpd?: Numbers;
  /** TARP expected coverage probability (ECP). */
  tarp?: Numbers;
  /** Plot size in px (default 340). */
  size?: number;
  title?: string;
}

/** Legend labels of the joint curves. */
export const HPD_LABEL = "HPD region (expected coverage)";
export const TARP_LABEL = "TARP ECP";

/**
 * Builds the coverage plot. The bands are absolute: the nominal level ± 0.1 and ± 0.2.
 * @throws NsbiInputError if no curve is given, levels are outside [0, 1] or not increasing, or a
 *   curve has another length
 */
export function coveragePlot(input: CoveragePlotInput): PlotSpec {
  const { levels } = input;
  checkVector(levels, "levels");
  if (levels.length < 2) throw new NsbiInputError(`levels: expected at least 2 nominal levels, got ${levels.length}`);
  for (let k = 0; k < levels.length; k++) {
    if (levels[k] < 0 || levels[k] > 1)
      throw new NsbiInputError(`levels[${k}]: expected a level in [0, 1], got ${levels[k]}`);
    if (k > 0 && !(levels[k] > levels[k - 1]))
      throw new NsbiInputError(`levels: expected increasing values, got ${levels[k - 1]} then ${levels[k]} at ${k}`);
  }
  const curves: { name: string; values: Numbers; dash: number[] }[] = [];
  (input.central ?? []).forEach((c, k) => {
    checkVector(c.coverage, `central[${k}].coverage`, levels.length);
    curves.push({ name: `central interval: ${c.name}`, values: c.coverage, dash: [1, 0] });
  });
  if (input.hpd) {
    checkVector(input.hpd, "hpd", levels.length);
    curves.push({ name: HPD_LABEL, values: input.hpd, dash: [6, 3] });
  }
  if (input.tarp) {
    checkVector(input.tarp, "tarp", levels.length);
    curves.push({ name: TARP_LABEL, values: input.tarp, dash: [2, 2] });
  }
  if (curves.length === 0) throw new NsbiInputError("coveragePlot: expected at least one of central, hpd, tarp");
  const nCentral = input.central?.length ?? 0;
  const colors = curves.map((_, k) =>
    k < nCentral
      ? SERIES_COLORS[k % (SERIES_COLORS.length - 2)]
      : k === nCentral && input.hpd
        ? OKABE_ITO.black
        : OKABE_ITO.purple,
  );
  const size = input.size ?? 340;
  const unit = { domain: [0, 1], nice: false, zero: false };
  const band = (w: number) =>
    Array.from({ length: 51 }, (_, k) => {
      const x = k / 50;
      return { x, lo: Math.max(0, x - w), hi: Math.min(1, x + w) };
    });
  const bandLayer = (w: number, opacity: number): Json => ({
    data: { values: band(w) },
    mark: { type: "area", color: BAND_COLOR, opacity },
    encoding: {
      x: { field: "x", type: "quantitative", scale: unit },
      y: { field: "lo", type: "quantitative", scale: unit },
      y2: { field: "hi" },
    },
  });
  const rows: Json[] = [];
  for (const c of curves)
    for (let k = 0; k < levels.length; k++) rows.push({ s: c.name, x: round(levels[k]), y: round(c.values[k]) });
  const names = curves.map((c) => c.name);
  return topLevel(
    {
      width: size,
      height: size,
      layer: [
        bandLayer(0.2, 0.15),
        bandLayer(0.1, 0.25),
        {
          data: { values: [{ a: 0, b: 1 }] },
          mark: { type: "rule", color: REFERENCE_COLOR, strokeWidth: 1 },
          encoding: {
            x: { field: "a", type: "quantitative", scale: unit },
            y: { field: "a", type: "quantitative", scale: unit },
            x2: { field: "b" },
            y2: { field: "b" },
          },
        },
        {
          data: {
            values: [
              { x: 0.86, y: 0.81, t: "±10%" },
              { x: 0.86, y: 0.71, t: "±20%" },
            ],
          },
          mark: {
            type: "text",
            align: "center",
            baseline: "middle",
            angle: -45,
            fontSize: FONT_SIZE.label,
            color: "#555555",
          },
          encoding: {
            x: { field: "x", type: "quantitative", scale: unit },
            y: { field: "y", type: "quantitative", scale: unit },
            text: { field: "t" },
          },
        },
        {
          data: { values: rows },
          mark: { type: "line", strokeWidth: 1.8, point: { size: 12, filled: true } },
          encoding: {
            x: { field: "x", type: "quantitative", scale: unit, title: "nominal credibility level" },
            y: { field: "y", type: "quantitative", scale: unit, title: "empirical coverage" },
            color: {
              field: "s",
              type: "nominal",
              scale: seriesScale(names, colors),
              legend: {
                title: null,
                orient: "bottom",
                direction: "vertical",
                symbolType: "stroke",
                symbolStrokeWidth: 2.5,
              },
            },
            strokeDash: { field: "s", type: "nominal", scale: { domain: names, range: curves.map((c) => c.dash) } },
          },
        },
      ],
    },
    themeConfig() as Json,
    input.title,
  );
}
