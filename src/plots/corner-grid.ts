/**
 * The lower-triangular grid layout shared by corner plots: P × P cells, the diagonal and below
 * filled, the empty upper triangle optionally holding a legend panel.
 */

import type { Json } from "./plot-spec.js";
import { FONT_SIZE, REFERENCE_COLOR } from "./theme.js";

/** An empty, invisible cell of the given size. */
export function emptyCell(size: number): Json {
  return {
    width: size,
    height: size,
    data: { values: [{}] },
    mark: { type: "point", opacity: 0 },
    view: { stroke: null },
  };
}

/** One entry of a legend panel. */
export interface LegendEntry {
  label: string;
  color: string;
  /** Line style of the key: solid, dashed, a filled point, or none (a note). */
  style: "solid" | "dashed" | "point" | "none";
}

/**
 * A legend drawn as a small panel (a key line or point and a label per entry), for the empty
 * upper triangle of a corner plot.
 */
export function legendPanel(entries: readonly LegendEntry[], size: number): Json {
  const rows = entries.map((e, k) => ({ ...e, y: 1 - (k + 0.5) / Math.max(entries.length, 4) }));
  const scale = { domain: [0, 1], nice: false, zero: false };
  const x = (v: number) => ({ datum: v, type: "quantitative", scale, axis: null });
  const y = { field: "y", type: "quantitative", scale, axis: null };
  const color = { field: "color", type: "nominal", scale: null, legend: null };
  return {
    width: size,
    height: size,
    view: { stroke: null },
    layer: [
      {
        data: { values: rows.filter((r) => r.style === "solid" || r.style === "dashed") },
        mark: { type: "rule", strokeWidth: 2 },
        encoding: {
          x: x(0.04),
          x2: { datum: 0.2 },
          y,
          color,
          strokeDash: {
            field: "style",
            type: "nominal",
            scale: {
              domain: ["solid", "dashed"],
              range: [
                [1, 0],
                [5, 3],
              ],
            },
            legend: null,
          },
        },
      },
      {
        data: { values: rows.filter((r) => r.style === "point") },
        mark: { type: "point", filled: true, size: 40 },
        encoding: { x: x(0.12), y, color },
      },
      {
        data: { values: rows.filter((r) => r.style !== "none") },
        mark: {
          type: "text",
          align: "left",
          baseline: "middle",
          fontSize: FONT_SIZE.legend + 1,
          color: REFERENCE_COLOR,
        },
        encoding: { x: x(0.25), y, text: { field: "label" } },
      },
      {
        data: { values: rows.filter((r) => r.style === "none") },
        mark: {
          type: "text",
          align: "left",
          baseline: "middle",
          fontSize: FONT_SIZE.legend,
          color: REFERENCE_COLOR,
          fontStyle: "italic",
        },
        encoding: { x: x(0.04), y, text: { field: "label" } },
      },
    ],
  };
}

/**
 * Assembles a corner grid.
 * @param P - number of parameters
 * @param cell - the spec of the cell in row `i`, column `j` (called for j ≤ i)
 * @param size - cell size in px
 * @param legend - optional legend panel put in the top-right cell (or right of a 1 × 1 grid)
 */
export function cornerGrid(P: number, cell: (i: number, j: number) => Json, size: number, legend?: Json): Json {
  const columns = P === 1 && legend ? 2 : P;
  const cells: Json[] = [];
  for (let i = 0; i < P; i++) {
    for (let j = 0; j < columns; j++) {
      if (j <= i) cells.push(cell(i, j));
      else if (legend && i === 0 && j === columns - 1) cells.push(legend);
      else cells.push(emptyCell(size));
    }
  }
  return { concat: cells, columns, spacing: 10, align: "all", bounds: "flush" };
}
