import { describe, expect, test } from "vitest";
import { NsbiFormatError, NsbiInputError } from "../errors.js";
import {
  checkNdArray,
  float16ToNumber,
  formatShape,
  fromFloat32Matrix,
  shapeSize,
  toFloat32Matrix,
} from "./ndarray.js";

describe("toFloat32Matrix", () => {
  test("2-D arrays keep their shape; float64 is rounded to float32", () => {
    const m = toFloat32Matrix(
      { dtype: "float64", shape: [2, 2], data: new Float64Array([0.1, 2, 3, 1e-50]) },
      "a.npy",
      "x",
    );
    expect(m).toEqual({ rows: 2, cols: 2, data: new Float32Array([Math.fround(0.1), 2, 3, 0]) });
  });

  test("a 1-D array is one row vector", () => {
    expect(toFloat32Matrix({ dtype: "int32", shape: [3], data: new Int32Array([1, -2, 3]) }, "a.npy", "x")).toEqual({
      rows: 1,
      cols: 3,
      data: new Float32Array([1, -2, 3]),
    });
  });

  test("int64, bool and float32 inputs; float32 is copied, not aliased", () => {
    expect(
      toFloat32Matrix({ dtype: "int64", shape: [1, 2], data: new BigInt64Array([-5n, 2n ** 40n]) }, "s", "x").data,
    ).toEqual(new Float32Array([-5, 2 ** 40]));
    expect(toFloat32Matrix({ dtype: "bool", shape: [2], data: new Uint8Array([1, 0]) }, "s", "x").data).toEqual(
      new Float32Array([1, 0]),
    );
    const src = new Float32Array([1, 2]);
    const m = toFloat32Matrix({ dtype: "float32", shape: [2, 1], data: src }, "s", "x");
    m.data[0] = 9;
    expect(src[0]).toBe(1);
  });

  test("other ranks are rejected with the file and array named", () => {
    const scalar = { dtype: "float64" as const, shape: [], data: new Float64Array([1]) };
    expect(() => toFloat32Matrix(scalar, "sims.npz", "theta")).toThrow(NsbiFormatError);
    expect(() => toFloat32Matrix(scalar, "sims.npz", "theta")).toThrow("sims.npz: array 'theta' has shape ()");
    const cube = { dtype: "float32" as const, shape: [1, 2, 2], data: new Float32Array(4) };
    expect(() => toFloat32Matrix(cube, "sims.npz", "x")).toThrow("array 'x' has shape (1, 2, 2), expected a 1-D");
  });
});

describe("helpers", () => {
  test("shapeSize and formatShape", () => {
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([3, 0])).toBe(0);
    expect(formatShape([])).toBe("()");
    expect(formatShape([5])).toBe("(5,)");
    expect(formatShape([3, 2])).toBe("(3, 2)");
  });

  test("checkNdArray and fromFloat32Matrix", () => {
    expect(() => checkNdArray({ dtype: "bool", shape: [2], data: new Uint8Array(2) }, "a")).not.toThrow();
    expect(() => checkNdArray({ dtype: "int64", shape: [2], data: new Int32Array(2) }, "array 'b'")).toThrow(
      "array 'b' has dtype 'int64'",
    );
    expect(() => checkNdArray({ dtype: "int32", shape: [1.5], data: new Int32Array(2) }, "a")).toThrow(NsbiInputError);
    expect(fromFloat32Matrix({ rows: 1, cols: 2, data: new Float32Array(2) }).shape).toEqual([1, 2]);
    expect(() => fromFloat32Matrix({ rows: 2, cols: 2, data: new Float32Array(2) })).toThrow(NsbiInputError);
  });

  test("float16ToNumber covers normals, subnormals, zeros, infinities and NaN", () => {
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0x3555)).toBe(0.333251953125);
    expect(float16ToNumber(0x8000)).toBe(-0);
    expect(float16ToNumber(0x03ff)).toBe(1023 * 2 ** -24);
    expect(float16ToNumber(0xfc00)).toBe(-Infinity);
    expect(float16ToNumber(0x7e00)).toBeNaN();
  });
});
