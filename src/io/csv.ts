/**
 * Numeric CSV tables as written by pandas (`DataFrame.to_csv(index=False)`, the sbibm reference
 * files), `np.savetxt` and spreadsheets. Browser-safe: works on strings only.
 */

import { NsbiFormatError, NsbiInputError } from "../errors.js";

/** A numeric table: `rows × cols` values, row-major, with column names. */
export interface CsvTable {
  /** Column names: from the header, or `column_1 … column_d` when the file has none. */
  columns: string[];
  /** Whether the names came from a header line in the file. */
  hasHeader: boolean;
  rows: number;
  cols: number;
  /** Row-major values, `rows * cols` of them. */
  data: Float64Array;
}

/** Options for {@link parseCsv}. */
export interface CsvOptions {
  /** Whether the first line is a header: `"auto"` (default) detects it by any non-numeric cell. */
  header?: boolean | "auto";
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL: Readonly<Record<string, number>> = {
  nan: NaN,
  "+nan": NaN,
  "-nan": NaN,
  inf: Infinity,
  "+inf": Infinity,
  "-inf": -Infinity,
  infinity: Infinity,
  "+infinity": Infinity,
  "-infinity": -Infinity,
};

/** Parses one trimmed cell; undefined if it is not a number. */
function parseNumber(cell: string): number | undefined {
  if (NUMBER.test(cell)) return Number(cell);
  return SPECIAL[cell.toLowerCase()];
}

/** Removes surrounding whitespace and one pair of surrounding double quotes. */
function clean(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

/**
 * Parses a numeric table. Cells are separated by commas, or by runs of whitespace when the first
 * line has no comma (the `np.savetxt` default). Accepts whitespace around values, CRLF line ends,
 * a missing or present trailing newline, blank lines and `#` comment lines (both skipped), and
 * NumPy's `nan`/`inf`/`-inf` spellings (any case, also `Infinity`). Quoted cells may not contain
 * the separator. An empty cell is an error, not NaN.
 * @param text - the file contents
 * @param source - file name for error messages (e.g. the path)
 * @param opts - header handling; by default a header is detected when the first line has a
 *   non-numeric cell
 * @returns the table
 * @throws NsbiFormatError naming the source, line and column of a non-numeric cell or a ragged row
 */
export function parseCsv(text: string, source: string, opts: CsvOptions = {}): CsvTable {
  const headerMode = opts.header ?? "auto";
  const lines = text.split(/\r\n|\n|\r/);
  let sep: string | RegExp | undefined;
  let columns: string[] | undefined;
  let hasHeader = false;
  let firstLine = 0;
  let cols = 0;
  let data = new Float64Array(1024);
  let n = 0;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li].trim();
    if (line === "" || line.startsWith("#")) continue;
    if (sep === undefined) sep = line.includes(",") ? "," : /\s+/;
    const cells = line.split(sep).map(clean);
    if (columns === undefined) {
      const isHeader = headerMode === "auto" ? cells.some((c) => parseNumber(c) === undefined) : headerMode;
      cols = cells.length;
      firstLine = li + 1;
      if (isHeader) {
        columns = cells;
        hasHeader = true;
        continue;
      }
      columns = Array.from({ length: cols }, (_, j) => `column_${j + 1}`);
    }
    if (cells.length !== cols) {
      throw new NsbiFormatError(
        `${source}: line ${li + 1} has ${cells.length} values, expected ${cols} (as on line ${firstLine})`,
      );
    }
    if (n + cols > data.length) {
      const grown = new Float64Array(Math.max(2 * data.length, n + cols));
      grown.set(data);
      data = grown;
    }
    for (let j = 0; j < cols; j++) {
      const v = parseNumber(cells[j]);
      if (v === undefined) {
        const what = cells[j] === "" ? "an empty cell" : `'${cells[j]}'`;
        throw new NsbiFormatError(
          `${source}: line ${li + 1}, column ${j + 1}: ${what} is not a number (expected e.g. 1.5, -2e-3, nan, inf or -inf)`,
        );
      }
      data[n++] = v;
    }
  }
  if (columns === undefined)
    throw new NsbiFormatError(`${source}: file is empty, expected a header line and/or rows of numbers`);
  if (n === 0 && hasHeader && headerMode === "auto") {
    // one non-numeric line and nothing else: a typo in the only row, or a header without data
    const j = columns.findIndex((c) => parseNumber(c) === undefined);
    throw new NsbiFormatError(
      `${source}: line ${firstLine}, column ${j + 1}: '${columns[j]}' is not a number, and no rows of numbers follow (expected rows of numbers, optionally below a header line)`,
    );
  }
  return { columns, hasHeader, rows: n / cols, cols, data: data.slice(0, n) };
}

/**
 * Shortest decimal string that reads back as exactly `v`: for values representable in float32,
 * the shortest that round-trips through `Math.fround` (at most 9 significant digits); otherwise
 * the shortest that round-trips as a float64. Non-finite values are written `nan`, `inf`, `-inf`.
 * @param v - the value
 */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Object.is(v, -0)) return "-0";
  if (Math.fround(v) !== v) return String(v);
  for (let p = 1; p < 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return String(candidate);
  }
  return String(Number(v.toPrecision(9)));
}

/**
 * Formats a row-major numeric table as CSV: a header line (omitted when `columns` is empty), then
 * one comma-separated line per row, each ending in `\n`. Numbers use {@link formatNumber}, so
 * float32 values round-trip exactly with few digits.
 * @param columns - column names (no commas, quotes or line breaks), or `[]` for no header
 * @param data - `rows * cols` values, row-major
 * @param rows - number of rows
 * @param cols - number of columns
 * @throws NsbiInputError if the sizes disagree or a name cannot be written
 */
export function formatCsv(columns: string[], data: ArrayLike<number>, rows: number, cols: number): string {
  return [...formatCsvChunks(columns, data, rows, cols)].join("");
}

/** Rows per chunk of {@link formatCsvChunks}. */
const ROWS_PER_CHUNK = 10_000;

/**
 * As {@link formatCsv}, in chunks of up to 10,000 lines, for tables whose text would exceed
 * JavaScript's largest string (512 MiB); the arguments are checked before the first chunk.
 * @returns the CSV text, chunk by chunk (header first)
 */
export function formatCsvChunks(
  columns: string[],
  data: ArrayLike<number>,
  rows: number,
  cols: number,
): Iterable<string> {
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 0 || cols < 0) {
    throw new NsbiInputError(`formatCsv: rows and cols must be non-negative integers, got ${rows} and ${cols}`);
  }
  if (data.length !== rows * cols) {
    throw new NsbiInputError(`formatCsv: ${rows}×${cols} table needs ${rows * cols} values, got ${data.length}`);
  }
  if (columns.length !== 0 && columns.length !== cols) {
    throw new NsbiInputError(`formatCsv: ${columns.length} column names for ${cols} columns`);
  }
  for (const c of columns) {
    if (c.trim() === "" || /[,"\r\n]/.test(c) || c.trim() !== c || c.startsWith("#") || parseNumber(c) !== undefined) {
      throw new NsbiInputError(
        `formatCsv: column name ${JSON.stringify(c)} cannot be written; names must be non-numeric, non-empty, ` +
          "without commas, quotes, line breaks, a leading '#' or surrounding spaces",
      );
    }
  }
  return (function* () {
    if (columns.length > 0) yield `${columns.join(",")}\n`;
    const row = new Array<string>(cols);
    for (let start = 0; start < rows; start += ROWS_PER_CHUNK) {
      const parts: string[] = [];
      for (let i = start; i < Math.min(rows, start + ROWS_PER_CHUNK); i++) {
        for (let j = 0; j < cols; j++) row[j] = formatNumber(data[i * cols + j]);
        parts.push(`${row.join(",")}\n`);
      }
      yield parts.join("");
    }
  })();
}
