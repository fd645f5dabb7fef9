import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import type { NdArray } from "./ndarray.js";
import { decodeNpy, encodeNpy } from "./npy.js";
import { expectFormatError } from "../testing/expect-error.js";

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** Builds a .npy file by hand: magic, version, header length, header padded to 64 bytes, data. */
function makeNpy(dict: string, data: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  let header = dict;
  while ((prefix + header.length + 1) % 64 !== 0) header += " ";
  header += "\n";
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(data, prefix + header.length);
  return out;
}

describe("encodeNpy", () => {
  test("writes exactly the header np.save writes (version 1.0, 64-byte aligned)", () => {
    const bytes = encodeNpy({ dtype: "float32", shape: [2, 3], data: new Float32Array(6) });
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    const expected = `\x93NUMPY\x01\x00v\x00${header}${" ".repeat(128 - 10 - header.length - 1)}\n`;
    expect(bytes.length).toBe(128 + 24);
    expect(String.fromCharCode(...bytes.subarray(0, 128))).toBe(expected);
    expect(Array.from(bytes.subarray(128))).toEqual(new Array(24).fill(0));
  });

  test.each(["f32_2x3.npy", "f64_3.npy", "i64_2x2.npy", "bool_3.npy", "scalar_f8.npy"])(
    "re-encodes the NumPy fixture %s byte for byte",
    (name) => {
      const bytes = fixture(name);
      expect(encodeNpy(decodeNpy(bytes, name))).toEqual(bytes);
    },
  );

  test("round-trips every dtype", () => {
    const arrays: NdArray[] = [
      { dtype: "float32", shape: [2, 2], data: new Float32Array([1.5, -0, NaN, Infinity]) },
      { dtype: "float64", shape: [3], data: new Float64Array([0.1, -1e-300, 1e300]) },
      { dtype: "int32", shape: [1, 2], data: new Int32Array([-7, 2 ** 31 - 1]) },
      { dtype: "int64", shape: [2], data: new BigInt64Array([-(2n ** 62n), 5n]) },
      { dtype: "uint8", shape: [0, 3], data: new Uint8Array(0) },
      { dtype: "bool", shape: [2, 1, 1], data: new Uint8Array([1, 0]) },
    ];
    for (const a of arrays) {
      const bytes = encodeNpy(a);
      expect(bytes.length % 64).toBe(a.data.byteLength % 64);
      expect(decodeNpy(bytes, "t.npy")).toEqual(a);
    }
  });

  test("rejects an array whose data does not match its shape or dtype", () => {
    expect(() => encodeNpy({ dtype: "float32", shape: [2, 2], data: new Float32Array(3) })).toThrow(NsbiInputError);
    expect(() => encodeNpy({ dtype: "float64", shape: [2], data: new Float32Array(2) })).toThrow(NsbiInputError);
    expect(() => encodeNpy({ dtype: "float32", shape: [-1], data: new Float32Array(0) })).toThrow(NsbiInputError);
  });
});

describe("decodeNpy reads NumPy fixtures", () => {
  test("float32 2x3", () => {
    const a = decodeNpy(fixture("f32_2x3.npy"), "f32.npy");
    expect(a.dtype).toBe("float32");
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5].map((i) => Math.fround(i / 7)));
  });

  test("float64, int64, bool, uint16, 0-d scalar", () => {
    expect(decodeNpy(fixture("f64_3.npy"), "s")).toEqual({
      dtype: "float64",
      shape: [3],
      data: new Float64Array([0.1, -2.5, 1e300]),
    });
    expect(decodeNpy(fixture("i64_2x2.npy"), "s")).toEqual({
      dtype: "int64",
      shape: [2, 2],
      data: new BigInt64Array([1n, -2n, 3n, 2n ** 40n]),
    });
    expect(decodeNpy(fixture("bool_3.npy"), "s")).toEqual({
      dtype: "bool",
      shape: [3],
      data: new Uint8Array([1, 0, 1]),
    });
    expect(decodeNpy(fixture("u2_2.npy"), "s")).toEqual({
      dtype: "int32",
      shape: [2],
      data: new Int32Array([1, 65535]),
    });
    expect(decodeNpy(fixture("scalar_f8.npy"), "s")).toEqual({
      dtype: "float64",
      shape: [],
      data: new Float64Array([42]),
    });
  });

  test("Fortran-order arrays are transposed to C order", () => {
    const a = decodeNpy(fixture("fortran_f8_2x3.npy"), "f.npy");
    expect(a).toEqual({ dtype: "float64", shape: [2, 3], data: new Float64Array([0, 1, 2, 3, 4, 5]) });
  });

  test("big-endian float32 is byte-swapped", () => {
    expect(decodeNpy(fixture("be_f4_3.npy"), "be.npy")).toEqual({
      dtype: "float32",
      shape: [3],
      data: new Float32Array([1.5, -2, 3.25]),
    });
  });

  test("format versions 2.0 and 3.0", () => {
    for (const name of ["v2_f4_2.npy", "v3_f4_2.npy"]) {
      expect(decodeNpy(fixture(name), name)).toEqual({ dtype: "float32", shape: [2], data: new Float32Array([1, 2]) });
    }
  });
});

describe("decodeNpy hand-built files", () => {
  test("3-D Fortran order", () => {
    // shape (2, 3, 2); element (i, j, k) has value 100i + 10j + k; Fortran order: i fastest, then j, then k.
    const f: number[] = [];
    for (let k = 0; k < 2; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) f.push(100 * i + 10 * j + k);
    const c: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) c.push(100 * i + 10 * j + k);
    const bytes = makeNpy(
      "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3, 2), }",
      new Uint8Array(new Int32Array(f).buffer),
    );
    expect(decodeNpy(bytes, "f3.npy")).toEqual({ dtype: "int32", shape: [2, 3, 2], data: new Int32Array(c) });
  });

  test("big-endian float64, float16, int8, int16, uint32, Python 2 long shapes", () => {
    const be = new Uint8Array(16);
    new DataView(be.buffer).setFloat64(0, 0.1, false);
    new DataView(be.buffer).setFloat64(8, -3, false);
    expect(decodeNpy(makeNpy("{'descr': '>f8', 'fortran_order': False, 'shape': (2L,), }", be), "s").data).toEqual(
      new Float64Array([0.1, -3]),
    );
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00]).buffer);
    const h = decodeNpy(makeNpy("{'descr': '<f2', 'fortran_order': False, 'shape': (5,), }", half), "s");
    expect(h.dtype).toBe("float32");
    expect(Array.from(h.data as Float32Array)).toEqual([1, -2, 65504, 2 ** -24, Infinity]);
    const i1 = decodeNpy(
      makeNpy("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", new Uint8Array([0xff, 5])),
      "s",
    );
    expect(i1).toEqual({ dtype: "int32", shape: [2], data: new Int32Array([-1, 5]) });
    const i2 = new Uint8Array(new Int16Array([-300, 300]).buffer);
    expect(decodeNpy(makeNpy('{"descr": "<i2", "fortran_order": False, "shape": (2,)}', i2), "s").data).toEqual(
      new Int32Array([-300, 300]),
    );
    const u4 = new Uint8Array(new Uint32Array([4294967295, 1]).buffer);
    expect(decodeNpy(makeNpy("{'descr': '<u4', 'fortran_order': False, 'shape': (2,), }", u4), "s")).toEqual({
      dtype: "float64",
      shape: [2],
      data: new Float64Array([4294967295, 1]),
    });
  });
});

describe("decodeNpy errors name the source and say what was expected", () => {
  const good = (): Uint8Array => encodeNpy({ dtype: "float32", shape: [3], data: new Float32Array([1, 2, 3]) });

  test("every truncation of a valid file", () => {
    const bytes = good();
    for (let n = 0; n < bytes.length; n++)
      expectFormatError(() => decodeNpy(bytes.subarray(0, n), "cut.npy"), "cut.npy");
    expectFormatError(() => decodeNpy(bytes.subarray(0, 100), "cut.npy"), "truncated header");
    expectFormatError(
      () => decodeNpy(bytes.subarray(0, bytes.length - 1), "cut.npy"),
      "truncated data",
      "needs 12 bytes, file has 11",
    );
  });

  test("bad magic, unknown version, trailing bytes", () => {
    const bytes = good();
    const bad = bytes.slice();
    bad[1] = 0x4f;
    expectFormatError(() => decodeNpy(bad, "m.npy"), "m.npy", "magic");
    expectFormatError(() => decodeNpy(new TextEncoder().encode("a,b\n1,2\n"), "m.npy"), "not a .npy file");
    const v4 = bytes.slice();
    v4[6] = 4;
    expectFormatError(() => decodeNpy(v4, "v.npy"), "v.npy", "version 4.0");
    const long = new Uint8Array(bytes.length + 3);
    long.set(bytes);
    expectFormatError(() => decodeNpy(long, "t.npy"), "t.npy", "3 unexpected bytes");
  });

  test("unsupported dtypes", () => {
    expectFormatError(
      () =>
        decodeNpy(makeNpy("{'descr': '<U8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(32)), "s.npy"),
      "s.npy has dtype <U8, expected a float or integer dtype",
    );
    expectFormatError(
      () => decodeNpy(makeNpy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), "o.npy"),
      "dtype |O",
    );
    expectFormatError(
      () => decodeNpy(makeNpy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), "c.npy"),
      "dtype <c8",
    );
    expectFormatError(
      () =>
        decodeNpy(
          makeNpy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)),
          "r.npy",
        ),
      "r.npy",
      "structured",
    );
  });

  test("malformed headers", () => {
    const cases: [string, string][] = [
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (1,) ", "malformed header"],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk", "malformed header"],
      ["['<f4']", "not a dictionary"],
      ["{'descr': '<f4', 'shape': (1,), }", "fortran_order"],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "invalid shape"],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': 'x', }", "invalid shape"],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 'oops}", "unterminated string"],
    ];
    for (const [dict, msg] of cases)
      expectFormatError(() => decodeNpy(makeNpy(dict, new Uint8Array(4)), "h.npy"), "h.npy", msg);
  });

  test("sizes from the header are bounded: header length (NumPy's 10,000 bytes) and array bytes (1 GiB)", () => {
    const long = makeNpy(
      `{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }${" ".repeat(10_100)}`,
      new Uint8Array(4),
      2,
    );
    expect(() => decodeNpy(long, "l.npy")).toThrow(
      /^l\.npy: header of 10\d\d\d bytes is longer than the 10000 bytes NumPy itself reads$/,
    );
    // 2^28 × 2 float32 = 2 GiB declared; refused by the limit, not only as "truncated"
    const big = makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (268435456, 2), }", new Uint8Array(8));
    expect(() => decodeNpy(big, "b.npy")).toThrow(
      "b.npy: shape (268435456, 2) needs 2 GiB, more than the limit of 1 GiB per array",
    );
  });
});

describe("decodeNpy on a Node Buffer", () => {
  test("a Buffer that is a view into a larger pool at an odd offset decodes to its own values", () => {
    const a: NdArray = { dtype: "float64", shape: [3], data: new Float64Array([1.5, -2.25, 1e300]) };
    const file = encodeNpy(a);
    // a pooled Buffer: its bytes start 3 bytes into a bigger ArrayBuffer holding other data
    const pool = Buffer.alloc(file.length + 16, 0x7f);
    pool.set(file, 3);
    const view = pool.subarray(3, 3 + file.length);
    const back = decodeNpy(view, "pooled.npy");
    expect([...back.data]).toEqual([1.5, -2.25, 1e300]);
    // the decoded values do not change when the pool is reused
    pool.fill(0);
    expect([...back.data]).toEqual([1.5, -2.25, 1e300]);
  });
});
