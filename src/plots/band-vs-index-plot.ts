/**
 * A spread across repeated draws per bin: the mean ± 1 standard deviation band versus bin index
 * (e.g. statistical throws of data), with central values (e.g. nominal data or a model)
 * overlaid.
 */

import { NsbiInputError } from "../errors.js";
import { seriesScale } from "./panel-grid.js";
import { checkVector, round, topLevel, type Json, type Numbers, type PlotSpec } from "./plot-spec.js";
import { BAND_COLOR, OKABE_ITO, SERIES_COLORS, themeConfig } from "./theme.js";

/** Input of {@link bandVsIndexPlot}. */
export interface BandVsIndexInput {
  /** Mean per bin. */
  mean: Numbers;
  /** Standard deviation per bin (non-negative). */
  std: Numbers;
  /** Legend label of the band (default "mean ± 1σ"). */
  bandLabel?: string;
  /** Central values per bin to overlay, each a named series. */
  central?: { name: string; values: Numbers }[];
  /** x-axis title (default "bin index"). */
  xTitle?: string;
  /** y-axis title with unit. */
  yTitle: string;
  width?: number;
  height?: number;
  title?: string;
}

/**
 * Builds the band-versus-index plot.
 * @throws NsbiInputError if lengths differ or a standard deviation is negative
 */
export function bandVsIndexPlot(input: BandVsIndexInput): PlotSpec {
  const { mean, std } = input;
  checkVector(mean, "mean");
  if (mean.length < 1) throw new NsbiInputError("mean: expected at least one bin");
  checkVector(std, "std", mean.length);
  for (let k = 0; k < std.length; k++)
    if (std[k] < 0) throw new NsbiInputError(`std[${k}]: expected a non-negative standard deviation, got ${std[k]}`);
  const central = input.central ?? [];
  central.forEach((c, k) => {
    checkVector(c.values, `central[${k}].values (${c.name})`, mean.length, true);
  });
  const bandLabel = input.bandLabel ?? "mean ± 1σ";
  const names = [bandLabel, ...central.map((c) => c.name)];
  const colors = [OKABE_ITO.blue, ...central.map((_, k) => SERIES_COLORS[(k + 3) % (SERIES_COLORS.length - 2)])];
  const color = {
    field: "s",
    type: "nominal",
    scale: seriesScale(names, colors),
    legend: { title: null, orient: "top", direction: "horizontal", symbolSize: 60 },
  };
  const x = {
    field: "i",
    type: "quantitative",
    title: input.xTitle ?? "bin index",
    scale: { domain: [-0.5, mean.length - 0.5], nice: false, zero: false },
    axis: { tickMinStep: 1, format: "d" },
  };
  const band = Array.from(mean, (m, i) => ({
    s: bandLabel,
    i,
    m: round(m),
    lo: round(m - std[i]),
    hi: round(m + std[i]),
  }));
  const pts: Json[] = [];
  for (const c of central)
    for (let i = 0; i < mean.length; i++)
      if (Number.isFinite(c.values[i])) pts.push({ s: c.name, i, v: round(c.values[i]) });
  const y = { type: "quantitative", title: input.yTitle, scale: { zero: false } };
  return topLevel(
    {
      width: input.width ?? Math.min(900, Math.max(360, 8 * mean.length)),
      height: input.height ?? 260,
      layer: [
        {
          data: { values: band },
          mark: { type: "area", interpolate: "step", color: BAND_COLOR, opacity: 0.35 },
          encoding: { x, y: { field: "lo", ...y }, y2: { field: "hi" } },
        },
        {
          data: { values: band },
          mark: { type: "line", interpolate: "step", strokeWidth: 1.4 },
          encoding: { x, y: { field: "m", ...y }, color },
        },
        ...(pts.length
          ? [
              {
                data: { values: pts },
                mark: { type: "point", filled: true, size: 20, opacity: 1 },
                encoding: { x, y: { field: "v", ...y }, color },
              },
            ]
          : []),
      ],
    },
    themeConfig() as Json,
    input.title,
  );
}
