/**
 * The shared vocabulary of plot functions: the returned spec type, input matrices and parameter
 * labels, and the input checks every plot applies.
 */

import type { TopLevelSpec } from "vega-lite";
import { NsbiInputError } from "../errors.js";
import { axisTitle } from "./theme.js";

/** A Vega-Lite specification, ready for {@link renderSvg} or any Vega-Lite renderer. */
export type PlotSpec = TopLevelSpec;

/** Plain numbers: a typed array or an array. */
export type Numbers = Float32Array | Float64Array | readonly number[];

/** A row-major matrix `[rows, cols]` (e.g. samples × parameters). */
export interface PlotMatrix {
  data: Numbers;
  rows: number;
  cols: number;
}

/** A parameter: its name, or name and unit (the unit goes into axis titles as `name [unit]`). */
export type ParameterLabel = string | { name: string; unit?: string };

/** A loose JSON object used while assembling Vega-Lite specs. */
export type Json = Record<string, unknown>;

/** The name of a parameter label. */
export function labelName(p: ParameterLabel): string {
  return typeof p === "string" ? p : p.name;
}

/** The unit of a parameter label (undefined if none). */
export function unitOf(p: ParameterLabel): string | undefined {
  return typeof p === "string" ? undefined : p.unit;
}

/** The axis title of a parameter label (`name [unit]`), with an optional prefix/suffix around the name. */
export function labelTitle(p: ParameterLabel, wrap: (name: string) => string = (n) => n): string {
  return typeof p === "string" ? wrap(p) : axisTitle(wrap(p.name), p.unit);
}

/**
 * Checks a matrix argument: consistent sizes, at least `minRows` rows and, when given, `cols`
 * columns.
 * @throws NsbiInputError naming `what`
 */
export function checkMatrix(m: PlotMatrix, what: string, opts: { cols?: number; minRows?: number } = {}): void {
  if (!m || typeof m !== "object" || !m.data)
    throw new NsbiInputError(`${what}: expected a matrix { data, rows, cols }`);
  if (!Number.isSafeInteger(m.rows) || !Number.isSafeInteger(m.cols) || m.rows < 0 || m.cols < 1) {
    throw new NsbiInputError(
      `${what}: expected non-negative integer rows and positive cols, got rows=${m.rows}, cols=${m.cols}`,
    );
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new NsbiInputError(
      `${what}: data has ${m.data.length} values, expected rows × cols = ${m.rows} × ${m.cols} = ${m.rows * m.cols}`,
    );
  }
  if (opts.cols !== undefined && m.cols !== opts.cols)
    throw new NsbiInputError(`${what}: has ${m.cols} columns, expected ${opts.cols} (one per parameter)`);
  const minRows = opts.minRows ?? 1;
  if (m.rows < minRows) throw new NsbiInputError(`${what}: has ${m.rows} rows, expected at least ${minRows}`);
}

/**
 * Checks a list of parameter labels against a column count and returns it, or default names
 * `θ_1 … θ_P` when none is given.
 * @throws NsbiInputError if the count differs or a name is empty
 */
export function checkParameters(
  params: readonly ParameterLabel[] | undefined,
  cols: number,
  what = "parameters",
): ParameterLabel[] {
  if (params === undefined) return Array.from({ length: cols }, (_, i) => `θ${i + 1}`);
  if (!Array.isArray(params) || params.length !== cols) {
    throw new NsbiInputError(
      `${what}: expected ${cols} parameter names (one per column), got ${Array.isArray(params) ? params.length : typeof params}`,
    );
  }
  params.forEach((p, i) => {
    if (!labelName(p)) throw new NsbiInputError(`${what}[${i}]: expected a non-empty name`);
  });
  return [...params];
}

/**
 * Checks a vector argument of a given length (when given) whose values are finite (or, with
 * `allowNaN`, NaN for "missing").
 * @throws NsbiInputError naming `what`
 */
export function checkVector(v: Numbers, what: string, length?: number, allowNaN = false): void {
  if (!v || typeof v.length !== "number") throw new NsbiInputError(`${what}: expected an array of numbers`);
  if (length !== undefined && v.length !== length)
    throw new NsbiInputError(`${what}: has ${v.length} values, expected ${length}`);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== "number" || (!Number.isFinite(x) && !(allowNaN && Number.isNaN(x)))) {
      throw new NsbiInputError(`${what}[${i}]: expected a finite number, got ${String(x)}`);
    }
  }
}

/** Column `j` of a matrix as a Float64Array. */
export function column(m: PlotMatrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/** Min and max of the finite values (undefined if none). */
export function finiteRange(...arrays: Numbers[]): [number, number] | undefined {
  let lo = Infinity,
    hi = -Infinity;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (Number.isFinite(x)) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
  return lo <= hi ? [lo, hi] : undefined;
}

/** A range widened by `frac` of its width on each side (a degenerate range gets a unit width). */
export function padRange([lo, hi]: [number, number], frac = 0.05): [number, number] {
  const w = hi - lo || Math.max(Math.abs(lo), 1) * 0.1;
  return [lo - frac * w, hi + frac * w];
}

/** Rounds plot data to `digits` significant digits (keeps specs small and deterministic). */
export function round(x: number, digits = 6): number {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)) : x;
}

/** Adds the theme, schema and an optional title to a spec body. */
export function topLevel(body: Json, config: Json, title?: string): PlotSpec {
  const spec: Json = { $schema: "https://vega.github.io/schema/vega-lite/v6.json", ...body, config };
  if (title) spec.title = title;
  return spec as unknown as PlotSpec;
}
