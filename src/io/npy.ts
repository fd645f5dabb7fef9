/**
 * NumPy `.npy` codec on `Uint8Array`s (browser-safe).
 * @see https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */

import { NsbiFormatError } from "../errors.js";
import { formatBytes, MAX_ARRAY_BYTES, MAX_NPY_HEADER_BYTES } from "./limits.js";
import { checkNdArray, float16ToNumber, formatShape, shapeSize } from "./ndarray.js";
import type { DType, NdArray, NdData } from "./ndarray.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ALIGN = 64; // NumPy's ARRAY_ALIGN: the data starts at a multiple of 64 bytes
const GROWTH_AXIS_MAX_DIGITS = 21; // NumPy reserves room to grow the leading axis in place
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const DESCR: Readonly<Record<DType, string>> = {
  float32: "<f4",
  float64: "<f8",
  int32: "<i4",
  int64: "<i8",
  uint8: "|u1",
  bool: "|b1",
};

/**
 * Encodes an array as a `.npy` file exactly as `np.save` does: format version 1.0, little-endian,
 * C order, header padded with spaces so the data starts at a multiple of 64 bytes.
 * @param a - the array (its data length must match its shape)
 * @returns the file bytes
 * @see https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
export function encodeNpy(a: NdArray): Uint8Array {
  checkNdArray(a, "array");
  let header = `{'descr': '${DESCR[a.dtype]}', 'fortran_order': False, 'shape': ${formatShape(a.shape)}, }`;
  if (a.shape.length > 0) header += " ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(a.shape[0]).length));
  let prefix = 10; // magic, 2 version bytes, u16 header length
  if (prefix + header.length + 1 > 0xffff) prefix = 12; // version 2.0: u32 header length
  const total = Math.ceil((prefix + header.length + 1) / ALIGN) * ALIGN;
  header += `${" ".repeat(total - prefix - header.length - 1)}\n`;
  const body = dataBytes(a.data);
  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out[6] = prefix === 10 ? 1 : 2;
  const view = new DataView(out.buffer);
  if (prefix === 10) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i); // ASCII only
  out.set(body, total);
  return out;
}

/** The little-endian bytes of a typed array (a copy). */
function dataBytes(data: NdData): Uint8Array {
  const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (!HOST_LE) swapBytes(bytes, data.BYTES_PER_ELEMENT);
  return bytes;
}

function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

/**
 * Decodes a `.npy` file (format versions 1.0, 2.0 and 3.0). Supported dtypes: `f4 f8 i4 i8 u1 b1`
 * in either byte order, plus `f2` (→ float32), `i1 i2 u2` (→ int32) and `u4` (→ float64).
 * Fortran-order arrays are transposed to C order.
 * @param bytes - the file contents
 * @param source - file name for error messages (e.g. the path)
 * @throws NsbiFormatError on bad magic, truncated header or data, or an unsupported dtype
 * @see https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
export function decodeNpy(bytes: Uint8Array, source: string): NdArray {
  return decodeNpyNamed(bytes, source, undefined);
}

/**
 * As {@link decodeNpy}, for a member `name` of an archive: errors then read
 * `sims.npz: array 'theta' has dtype <U8, ...`.
 * @param bytes - the member's contents
 * @param source - archive file name for error messages
 * @param name - the member's array name, if any
 */
export function decodeNpyNamed(bytes: Uint8Array, source: string, name: string | undefined): NdArray {
  const where = name === undefined ? source : `${source}: array '${name}'`;
  const fail: (msg: string) => never = (msg) => {
    throw new NsbiFormatError(`${where}: ${msg}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail("not a .npy file (missing the \\x93NUMPY magic string)");
  }
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`unsupported .npy format version ${major}.${bytes[7]}, expected 1.0, 2.0 or 3.0`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = major === 1 ? 10 : 12;
  if (bytes.length < prefix) fail("truncated header");
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (hlen > MAX_NPY_HEADER_BYTES)
    fail(`header of ${hlen} bytes is longer than the ${MAX_NPY_HEADER_BYTES} bytes NumPy itself reads`);
  const dataStart = prefix + hlen;
  if (dataStart > bytes.length)
    fail(`truncated header (expected ${hlen} header bytes, file has ${bytes.length - prefix})`);
  const raw = bytes.subarray(prefix, dataStart);
  // Versions 1 and 2 are ISO-8859-1 (TextDecoder's "latin1" label means windows-1252, so decode by hand).
  const text = major === 3 ? new TextDecoder().decode(raw) : Array.from(raw, (b) => String.fromCharCode(b)).join("");

  let dict: unknown;
  try {
    dict = parsePyLiteral(text);
  } catch (e) {
    fail(`malformed header ${JSON.stringify(text.trim().slice(0, 200))}: ${(e as Error).message}`);
  }
  if (typeof dict !== "object" || dict === null || Array.isArray(dict)) fail("header is not a dictionary");
  const h = dict as Record<string, unknown>;
  const { descr, fortran_order: fortran, shape } = h;
  if (typeof descr !== "string") {
    fail(`dtype ${JSON.stringify(descr)} is structured or missing, expected a float, integer or bool dtype`);
  }
  if (typeof fortran !== "boolean") fail("header has no boolean 'fortran_order'");
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    fail(`header has invalid shape ${JSON.stringify(shape)}, expected a tuple of non-negative integers`);
  }
  const dims = shape as number[];
  const kind = parseDescr(descr as string);
  if (kind === undefined) {
    throw new NsbiFormatError(
      `${where} has dtype ${descr as string}, expected a float or integer dtype (f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, b1)`,
    );
  }
  const n = shapeSize(dims);
  const nbytes = n * kind.size;
  if (nbytes > MAX_ARRAY_BYTES)
    fail(
      `shape ${formatShape(dims)} needs ${formatBytes(nbytes)}, more than the limit of ${formatBytes(MAX_ARRAY_BYTES)} per array`,
    );
  const have = bytes.length - dataStart;
  if (have < nbytes) fail(`truncated data (shape ${formatShape(dims)} needs ${nbytes} bytes, file has ${have})`);
  if (have > nbytes) fail(`${have - nbytes} unexpected bytes after the data of shape ${formatShape(dims)}`);

  // an aligned copy (Uint8Array's slice: a Node Buffer's own slice is a view into its pool)
  const body = Uint8Array.prototype.slice.call(bytes, dataStart, dataStart + nbytes);
  if (kind.littleEndian !== HOST_LE) swapBytes(body, kind.size);
  let out = convert(body.buffer, kind.code, n);
  if (fortran) out = { dtype: out.dtype, data: fortranToC(out.data, dims) };
  return { dtype: out.dtype, shape: dims, data: out.data };
}

interface Kind {
  code: string; // e.g. "f4"
  size: number;
  littleEndian: boolean;
}

/** Parses a simple dtype descriptor like `<f4`, `>i8`, `|b1`; undefined if unsupported. */
function parseDescr(descr: string): Kind | undefined {
  const m = /^([<>|=]?)([fiub])(\d+)$/.exec(descr);
  if (m === null) return undefined;
  const code = m[2] + m[3];
  const sizes: Record<string, number> = { f2: 2, f4: 4, f8: 8, i1: 1, i2: 2, i4: 4, i8: 8, u1: 1, u2: 2, u4: 4, b1: 1 };
  const size = sizes[code];
  if (size === undefined) return undefined;
  return { code, size, littleEndian: m[1] !== ">" };
}

/** Interprets native-endian bytes as the given code and converts to a supported dtype. */
function convert(buf: ArrayBuffer, code: string, n: number): { dtype: DType; data: NdData } {
  switch (code) {
    case "f4":
      return { dtype: "float32", data: new Float32Array(buf) };
    case "f8":
      return { dtype: "float64", data: new Float64Array(buf) };
    case "i4":
      return { dtype: "int32", data: new Int32Array(buf) };
    case "i8":
      return { dtype: "int64", data: new BigInt64Array(buf) };
    case "u1":
      return { dtype: "uint8", data: new Uint8Array(buf) };
    case "b1":
      return { dtype: "bool", data: new Uint8Array(buf).map((v) => (v !== 0 ? 1 : 0)) };
    case "i1":
      return { dtype: "int32", data: Int32Array.from(new Int8Array(buf)) };
    case "i2":
      return { dtype: "int32", data: Int32Array.from(new Int16Array(buf)) };
    case "u2":
      return { dtype: "int32", data: Int32Array.from(new Uint16Array(buf)) };
    case "u4":
      return { dtype: "float64", data: Float64Array.from(new Uint32Array(buf)) };
    case "f2": {
      const h = new Uint16Array(buf);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = float16ToNumber(h[i]);
      return { dtype: "float32", data: out };
    }
  }
  throw new Error(`unreachable dtype code ${code}`);
}

/** Reorders column-major (Fortran) data of the given shape into row-major (C) order. */
function fortranToC<T extends NdData>(data: T, shape: number[]): T {
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const rank = shape.length;
  const cStride = new Array<number>(rank).fill(1);
  for (let k = rank - 2; k >= 0; k--) cStride[k] = cStride[k + 1] * shape[k + 1];
  const idx = new Array<number>(rank).fill(0);
  for (let f = 0; f < data.length; f++) {
    let c = 0;
    for (let k = 0; k < rank; k++) c += idx[k] * cStride[k];
    out[c] = data[f];
    for (let k = 0; k < rank; k++) {
      // Fortran order: the first index varies fastest
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

/**
 * Parses the Python literal subset used in `.npy` headers: dicts, tuples, lists, quoted strings,
 * integers (with an optional Python 2 `L` suffix), `True`, `False` and `None`.
 */
function parsePyLiteral(text: string): unknown {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const expect = (ch: string): void => {
    ws();
    if (text[i] !== ch) throw new Error(`expected '${ch}' at offset ${i}`);
    i++;
  };
  const seq = (close: string, item: () => void): void => {
    for (;;) {
      ws();
      if (text[i] === close) break;
      item();
      ws();
      if (text[i] === ",") i++;
      else if (text[i] !== close) throw new Error(`expected ',' or '${close}' at offset ${i}`);
    }
    i++;
  };
  const value = (): unknown => {
    ws();
    const ch = text[i];
    if (ch === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      seq("}", () => {
        const key = value();
        if (typeof key !== "string") throw new Error(`dictionary key at offset ${i} is not a string`);
        expect(":");
        obj[key] = value();
      });
      return obj;
    }
    if (ch === "(" || ch === "[") {
      i++;
      const arr: unknown[] = [];
      seq(ch === "(" ? ")" : "]", () => arr.push(value()));
      return arr;
    }
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) throw new Error(`unterminated string at offset ${i}`);
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(?:True|False|None|-?\d+L?)/.exec(text.slice(i));
    if (m === null) throw new Error(`unexpected character at offset ${i}`);
    i += m[0].length;
    if (m[0] === "True" || m[0] === "False") return m[0] === "True";
    if (m[0] === "None") return null;
    return Number(m[0].replace("L", ""));
  };
  const v = value();
  ws();
  if (i !== text.length) throw new Error(`unexpected text at offset ${i}`);
  return v;
}
