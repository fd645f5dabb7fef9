/**
 * Small-multiples layout: one panel per parameter, wrapped into rows of `columns`, and the
 * colour scale of named series shared by the plots.
 */

import { NsbiInputError } from "../errors.js";
import type { Json } from "./plot-spec.js";
import { SERIES_COLORS } from "./theme.js";

/**
 * Wraps panels into a grid.
 * @param columns - panels per row (default: up to 3)
 * @param independentLegends - each panel keeps its own legend (e.g. per-panel fit results)
 */
export function panelGrid(panels: Json[], columns?: number, independentLegends = false): Json {
  const c = columns ?? Math.min(3, panels.length);
  if (!Number.isSafeInteger(c) || c < 1)
    throw new NsbiInputError(`columns: expected a positive integer, got ${columns}`);
  if (panels.length === 1) return panels[0];
  const grid: Json = { concat: panels, columns: c, spacing: 24 };
  if (independentLegends)
    grid.resolve = {
      scale: { color: "independent", strokeDash: "independent" },
      legend: { color: "independent", strokeDash: "independent" },
    };
  return grid;
}

/** A nominal colour scale giving each named series a palette colour in order (or the given colours). */
export function seriesScale(names: readonly string[], colors?: readonly string[]): Json {
  return { domain: [...names], range: names.map((_, k) => colors?.[k] ?? SERIES_COLORS[k % SERIES_COLORS.length]) };
}
