/**
 * A minimal n-dimensional array type shared by the file codecs (`.npy`, `.npz`), plus conversion to
 * the row-major `Float32Array` matrices the numeric core works on. Browser-safe: no Node imports.
 */

import { NsbiFormatError, NsbiInputError } from "../errors.js";

/** Element types the codecs produce. `bool` is stored one byte per element (0 or 1) in a `Uint8Array`. */
export type DType = "float32" | "float64" | "int32" | "int64" | "uint8" | "bool";

/** Typed-array storage for an {@link NdArray}. */
export type NdData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** A dense array in C (row-major) order: `data.length` equals the product of `shape`. */
export interface NdArray {
  dtype: DType;
  shape: number[];
  data: NdData;
}

/** A row-major `Float32Array` matrix, `data.length === rows * cols`. */
export interface Float32Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/**
 * Number of elements of an array of the given shape (1 for a 0-d scalar).
 * @param shape - non-negative integer extents
 */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Formats a shape the way NumPy prints it: `()`, `(5,)`, `(3, 2)`.
 * @param shape - array extents
 */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/**
 * Checks that an array's shape is valid and that its storage has the type and length its dtype
 * and shape promise; throws {@link NsbiInputError} otherwise.
 * @param a - the array to check
 * @param what - how to name the array in the error, e.g. `array 'theta'`
 */
export function checkNdArray(a: NdArray, what: string): void {
  for (const d of a.shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new NsbiInputError(`${what} has shape ${formatShape(a.shape)}; extents must be non-negative integers`);
    }
  }
  const ok: Record<DType, boolean> = {
    float32: a.data instanceof Float32Array,
    float64: a.data instanceof Float64Array,
    int32: a.data instanceof Int32Array,
    int64: a.data instanceof BigInt64Array,
    uint8: a.data instanceof Uint8Array,
    bool: a.data instanceof Uint8Array,
  };
  if (ok[a.dtype] !== true) {
    throw new NsbiInputError(`${what} has dtype '${a.dtype}' but its data is a ${a.data.constructor.name}`);
  }
  const n = shapeSize(a.shape);
  if (a.data.length !== n) {
    throw new NsbiInputError(
      `${what} has shape ${formatShape(a.shape)} (${n} elements) but ${a.data.length} data values`,
    );
  }
}

/**
 * Converts a 1-D or 2-D array to a row-major float32 matrix, the layout the numeric core uses.
 * A 2-D array `[n, d]` is `n` rows of `d` values; a 1-D array of length `d` is ONE row vector
 * `[1, d]` (e.g. a single observation). Float64 and integer values are rounded to float32; bool
 * becomes 0/1. A float32 input is copied, so the result never aliases `a.data`.
 * @param a - the array to convert
 * @param source - file name used in error messages
 * @param name - array name used in error messages
 * @throws NsbiFormatError if the array is not 1-D or 2-D
 */
export function toFloat32Matrix(a: NdArray, source: string, name: string): Float32Matrix {
  let rows: number;
  let cols: number;
  if (a.shape.length === 2) {
    rows = a.shape[0];
    cols = a.shape[1];
  } else if (a.shape.length === 1) {
    rows = 1;
    cols = a.shape[0];
  } else {
    throw new NsbiFormatError(
      `${source}: array '${name}' has shape ${formatShape(a.shape)}, expected a 1-D (one row) or 2-D (rows × columns) array`,
    );
  }
  const n = rows * cols;
  if (a.data.length !== n) {
    throw new NsbiFormatError(
      `${source}: array '${name}' has shape ${formatShape(a.shape)} but ${a.data.length} values`,
    );
  }
  const out = new Float32Array(n);
  if (a.data instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) out[i] = Number(a.data[i]);
  } else {
    out.set(a.data);
  }
  return { rows, cols, data: out };
}

/**
 * Wraps a row-major float32 matrix as a 2-D `float32` {@link NdArray} (shares `data`).
 * @param m - the matrix
 */
export function fromFloat32Matrix(m: Float32Matrix): NdArray {
  if (m.data.length !== m.rows * m.cols) {
    throw new NsbiInputError(
      `matrix is ${m.rows}×${m.cols} but has ${m.data.length} values, expected ${m.rows * m.cols}`,
    );
  }
  return { dtype: "float32", shape: [m.rows, m.cols], data: m.data };
}

/**
 * Converts an IEEE 754 half-precision bit pattern to a number (exact).
 * @param h - 16-bit pattern, sign | 5-bit exponent | 10-bit mantissa
 */
export function float16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
