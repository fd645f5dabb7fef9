import { describe, expect, test } from "vitest";
import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { formatCsv, formatCsvChunks, formatNumber, parseCsv } from "./csv.js";

describe("parseCsv", () => {
  test("an sbibm reference file: header + rows", () => {
    const t = parseCsv("parameter_1,parameter_2\n0.1,-0.3\n1e-3,2\n", "ref.csv");
    expect(t).toEqual({
      columns: ["parameter_1", "parameter_2"],
      hasHeader: true,
      rows: 2,
      cols: 2,
      data: new Float64Array([0.1, -0.3, 0.001, 2]),
    });
  });

  test("whitespace around values, CRLF, blank and comment lines, no trailing newline, quoted names", () => {
    const t = parseCsv('# written by hand\r\n "a" , b\r\n\r\n 1 ,\t2 \r\n3,4', "x.csv");
    expect(t.columns).toEqual(["a", "b"]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
  });

  test("NumPy and pandas spellings of special values", () => {
    const t = parseCsv("nan,inf,-inf\nNaN,+Inf,-Infinity\n.5,5.,-1E+2\n", "s.csv");
    expect(t.hasHeader).toBe(false);
    expect(Array.from(t.data)).toEqual([NaN, Infinity, -Infinity, NaN, Infinity, -Infinity, 0.5, 5, -100]);
  });

  test("header detection: auto, forced on, forced off", () => {
    const numeric = "1,2\n3,4\n";
    expect(parseCsv(numeric, "n.csv")).toMatchObject({ hasHeader: false, rows: 2, columns: ["column_1", "column_2"] });
    expect(parseCsv(numeric, "n.csv", { header: true })).toMatchObject({
      hasHeader: true,
      rows: 1,
      columns: ["1", "2"],
    });
    expect(() => parseCsv("a,b\n1,2\n", "h.csv", { header: false })).toThrow(
      "h.csv: line 1, column 1: 'a' is not a number",
    );
    expect(parseCsv("a,b\n", "h.csv", { header: true })).toMatchObject({ rows: 0, cols: 2, data: new Float64Array(0) });
  });

  test("a file whose only line is non-numeric is an error (not a header over 0 rows), naming the cell", () => {
    expect(() => parseCsv("0.05,abc\n", "obs.csv")).toThrow(
      "obs.csv: line 1, column 2: 'abc' is not a number, and no rows of numbers follow",
    );
    expect(() => parseCsv("# comment\ndata_1,data_2\n\n", "h.csv")).toThrow(
      "h.csv: line 2, column 1: 'data_1' is not a number",
    );
  });

  test("whitespace-separated files (np.savetxt default) and a single column", () => {
    expect(parseCsv("1.0e+00 2.5e-01\n-3 4\n", "w.txt")).toMatchObject({
      rows: 2,
      cols: 2,
      data: new Float64Array([1, 0.25, -3, 4]),
    });
    expect(parseCsv("theta\n1\n2\n", "c.csv")).toMatchObject({ columns: ["theta"], rows: 2, cols: 1 });
  });

  test("grows past its initial buffer", () => {
    const lines = ["a,b,c"];
    for (let i = 0; i < 1000; i++) lines.push(`${i},${-i},${i / 4}`);
    const t = parseCsv(lines.join("\n"), "big.csv");
    expect(t.rows).toBe(1000);
    expect(t.data[3 * 999 + 2]).toBe(999 / 4);
  });

  test("errors name the source, line and column", () => {
    const cases: [string, string][] = [
      ["a,b\n1,2\n3,x\n", "d.csv: line 3, column 2: 'x' is not a number"],
      ["a,b\n1,2\n3\n", "d.csv: line 3 has 1 values, expected 2 (as on line 1)"],
      ["a,b\n\n1,2,3\n", "d.csv: line 3 has 3 values, expected 2"],
      ["a,b\n1,\n", "d.csv: line 2, column 2: an empty cell is not a number"],
      ["a,b\n0x10,1\n", "'0x10' is not a number"],
      ["a,b\n1_000,1\n", "'1_000' is not a number"],
      ["", "d.csv: file is empty"],
      ["\n# only a comment\n", "d.csv: file is empty"],
    ];
    for (const [text, msg] of cases) {
      expect(() => parseCsv(text, "d.csv")).toThrow(NsbiFormatError);
      expect(() => parseCsv(text, "d.csv")).toThrow(msg);
    }
  });
});

describe("formatNumber", () => {
  test("short float32 representations that round-trip", () => {
    expect(formatNumber(Math.fround(0.1))).toBe("0.1");
    expect(formatNumber(Math.fround(1 / 3))).toBe("0.33333334");
    expect(formatNumber(1)).toBe("1");
    expect(formatNumber(Math.fround(1e-7))).toBe("1e-7");
    expect(formatNumber(Math.fround(3e38))).toBe("3e+38");
    expect(formatNumber(-0)).toBe("-0");
    expect([NaN, Infinity, -Infinity].map(formatNumber)).toEqual(["nan", "inf", "-inf"]);
  });

  test("float64 values that are not float32 keep full precision", () => {
    expect(formatNumber(0.1)).toBe("0.1");
    expect(formatNumber(1 / 3)).toBe("0.3333333333333333");
  });

  test("random float32 values round-trip exactly with at most 9 significant digits", () => {
    let s = 12345;
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    for (let i = 0; i < 20000; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      bits[0] = (Math.imul(s, 2654435761) ^ (s >>> 7)) >>> 0;
      const v = f[0];
      const str = formatNumber(v);
      if (Number.isNaN(v)) continue;
      expect(Math.fround(Number(str))).toBe(v);
      const significant = str.replace(/^-|e.*$|\./g, "").replace(/^0+|0+$/g, "");
      expect(significant.length, str).toBeLessThanOrEqual(9);
    }
  });
});

describe("formatCsv", () => {
  test("header and rows, parsed back exactly", () => {
    const data = new Float32Array([0.1, -0.3, 1 / 3, NaN]);
    const text = formatCsv(["parameter_1", "parameter_2"], data, 2, 2);
    expect(text).toBe("parameter_1,parameter_2\n0.1,-0.3\n0.33333334,nan\n");
    const t = parseCsv(text, "rt.csv");
    expect(new Float32Array(t.data)).toEqual(data);
  });

  test("chunked output is the same text, chunk by chunk", () => {
    const rows = 25_001,
      data = Float32Array.from({ length: 2 * rows }, (_, i) => i / 7);
    const chunks = [...formatCsvChunks(["a", "b"], data, rows, 2)];
    expect(chunks.length).toBe(4); // header + 3 chunks of up to 10,000 rows
    expect(chunks.join("")).toBe(
      `${[
        "a,b",
        ...Array.from({ length: rows }, (_, i) => `${formatNumber(data[2 * i])},${formatNumber(data[2 * i + 1])}`),
      ].join("\n")}\n`,
    );
  });

  test("no header when columns is empty; zero rows", () => {
    expect(formatCsv([], [1, 2], 1, 2)).toBe("1,2\n");
    expect(formatCsv(["a"], [], 0, 1)).toBe("a\n");
  });

  test("rejects inconsistent sizes and unwritable names", () => {
    expect(() => formatCsv(["a"], [1, 2], 1, 2)).toThrow(NsbiInputError);
    expect(() => formatCsv(["a", "b"], [1, 2, 3], 1, 2)).toThrow("needs 2 values, got 3");
    for (const bad of ["a,b", "", " a", 'q"', "1.5", "#x", "a\nb"]) {
      expect(() => formatCsv([bad], [1], 1, 1)).toThrow(NsbiInputError);
    }
  });
});
