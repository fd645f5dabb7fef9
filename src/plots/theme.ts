/**
 * The one house style of nsbi plots: font, sizes, the colour-blind-safe Okabe–Ito palette and a
 * white background, as a Vega-Lite `config` block shared by every plot.
 */

import type { Config } from "vega-lite";

/**
 * The Okabe–Ito palette (Okabe & Ito 2008), distinguishable under the common colour-vision
 * deficiencies. Order: the first colours are used first for series.
 */
export const OKABE_ITO = {
  blue: "#0072B2",
  orange: "#E69F00",
  green: "#009E73",
  vermillion: "#D55E00",
  purple: "#CC79A7",
  skyBlue: "#56B4E9",
  yellow: "#F0E442",
  black: "#000000",
} as const;

/** Series colours in the order they are assigned (yellow last: weak on white). */
export const SERIES_COLORS: readonly string[] = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.green,
  OKABE_ITO.vermillion,
  OKABE_ITO.purple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.black,
  OKABE_ITO.yellow,
];

/** Colour of reference lines (truth, y = x, N(0,1)): neutral dark grey. */
export const REFERENCE_COLOR = "#333333";
/** Colour of shaded bands (tolerance bands, prior ranges). */
export const BAND_COLOR = "#999999";

/** Font stack: DejaVu Sans is on most Linux systems (and found by the PNG renderer), then common fallbacks. */
export const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

/** Font sizes in px. */
export const FONT_SIZE = { title: 14, axisTitle: 12, label: 10, legend: 10 } as const;

/** Default panel size in px for grids of small panels. */
export const PANEL = { width: 180, height: 160 } as const;

/** Dash pattern of truth / reference lines. */
export const DASH = [5, 3];

/** The Vega-Lite `config` of every nsbi plot. */
export function themeConfig(): Config {
  return {
    font: FONT,
    background: "white",
    padding: 8,
    view: { stroke: "#444444", strokeWidth: 0.8 },
    title: { fontSize: FONT_SIZE.title, fontWeight: "bold", anchor: "middle", color: "#000000" },
    axis: {
      titleFontSize: FONT_SIZE.axisTitle,
      titleFontWeight: "normal",
      titleColor: "#000000",
      labelFontSize: FONT_SIZE.label,
      labelColor: "#000000",
      domainColor: "#444444",
      tickColor: "#444444",
      grid: false,
      labelFlush: true,
      labelOverlap: true,
    },
    legend: {
      titleFontSize: FONT_SIZE.legend,
      labelFontSize: FONT_SIZE.legend,
      labelLimit: 320,
      symbolStrokeWidth: 2,
      fillColor: "rgba(255,255,255,0.85)",
      padding: 4,
      cornerRadius: 2,
    },
    range: { category: [...SERIES_COLORS] },
    concat: { spacing: 12 },
  };
}

/**
 * An axis title with its unit, e.g. `axisTitle("E", "GeV")` → `"E [GeV]"`.
 * @param name - the quantity
 * @param unit - its unit; omitted or empty for a dimensionless quantity
 */
export function axisTitle(name: string, unit?: string): string {
  return unit ? `${name} [${unit}]` : name;
}

/**
 * Formats a number for a legend or label with `digits` decimals and a typographic minus sign
 * (U+2212, as on the axes), never printing "−0.00".
 */
export function formatNumber(x: number, digits = 2): string {
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s.replace("-", "\u2212");
}
