/**
 * The library's pair plot (src/plots/pair-plot.ts) as a template for a Vega view that stays alive
 * between edits: every inline dataset becomes a named one, every axis range a signal `dom<j>` and
 * every diagonal panel's title a signal, so that a new posterior only pushes data and signals
 * (src/corner-data.ts makes them) instead of compiling and parsing a new spec.
 *
 * Names follow the position in the spec: the dataset of layer l of cell c of the grid is
 * `c<c>_l<l>` (layers sharing one array, like a histogram's area and line, share the first name),
 * that of a cell without layers `c<c>`, and the title of cell c `t_c<c>`.
 */
import type { Json, PlotSpec } from "../../src/plots/plot-spec.js";

export interface CornerTemplate {
  /** The Vega-Lite spec with named data and signals (initial values: the pair plot's). */
  spec: PlotSpec;
  /** The pair plot's datasets by name. */
  datasets: Map<string, unknown[]>;
  /** The signals and their values in the pair plot (axis ranges, titles). */
  signals: Map<string, unknown>;
}

export const datasetName = (cell: number, layer?: number) => (layer === undefined ? `c${cell}` : `c${cell}_l${layer}`);
export const titleSignal = (cell: number) => `t_c${cell}`;
export const rangeSignal = (j: number) => `dom${j}`;

const isRange = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === "number" && typeof v[1] === "number";

/**
 * Make the template of a pair plot drawn with explicit `ranges` (one per parameter, all
 * different, so that each scale domain names its parameter).
 * @throws Error when two ranges are equal (the domains would be ambiguous)
 */
export function cornerTemplate(spec: PlotSpec, ranges: readonly [number, number][]): CornerTemplate {
  const keys = ranges.map((r) => `${r[0]},${r[1]}`);
  if (new Set(keys).size !== keys.length) throw new Error("corner template: two parameters have the same range");
  const datasets = new Map<string, unknown[]>();
  const signals = new Map<string, unknown>();
  const names = new Map<unknown[], string>();
  const dataRef = (values: unknown[], name: string) => {
    const known = names.get(values);
    if (known) return { name: known };
    names.set(values, name);
    datasets.set(name, values);
    return { name };
  };
  // axis ranges anywhere below a cell: scale.domain equal to a parameter's range
  const domains = (o: unknown): unknown => {
    if (Array.isArray(o)) return o.map(domains);
    if (o === null || typeof o !== "object") return o;
    const out: Json = {};
    for (const [k, v] of Object.entries(o as Json)) {
      const j = k === "domain" && isRange(v) ? keys.indexOf(`${v[0]},${v[1]}`) : -1;
      if (j >= 0) {
        out[k] = { expr: rangeSignal(j) };
        signals.set(rangeSignal(j), [...ranges[j]]);
      } else out[k] = domains(v);
    }
    return out;
  };
  const top = spec as unknown as Json & { concat: Json[] };
  const concat = top.concat.map((cell, c) => {
    const out = domains(cell) as Json;
    const data = cell.data as { values?: unknown[] } | undefined;
    if (data?.values) out.data = dataRef(data.values, datasetName(c));
    if (Array.isArray(cell.layer))
      out.layer = (cell.layer as Json[]).map((layer, l) => {
        const d = layer.data as { values?: unknown[] } | undefined;
        return d?.values
          ? { ...(out.layer as Json[])[l], data: dataRef(d.values, datasetName(c, l)) }
          : (out.layer as Json[])[l];
      });
    const title = cell.title as Json | undefined;
    if (title && "text" in title) {
      signals.set(titleSignal(c), title.text);
      out.title = { ...title, text: { expr: titleSignal(c) } };
    }
    return out;
  });
  const params = [...signals].map(([name, value]) => ({ name, value }));
  return { spec: { ...top, concat, params } as unknown as PlotSpec, datasets, signals };
}
