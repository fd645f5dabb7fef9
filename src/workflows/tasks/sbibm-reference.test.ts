import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../../errors.js";
import { loadObservation, loadReferenceSamples, loadTrueParameters, referenceTasks } from "./sbibm-reference.js";

describe("sbibm reference data", () => {
  test("lists the shipped tasks and reads observation / true parameters as float32", () => {
    expect([...referenceTasks]).toEqual(["two_moons", "gaussian_linear"]);
    expect(Array.from(loadObservation("two_moons", 1))).toEqual([Math.fround(-0.6396706), Math.fround(0.16234657)]);
    expect(Array.from(loadTrueParameters("two_moons", 1))).toEqual([Math.fround(-0.8176656), Math.fround(-0.5756806)]);
    const x = loadObservation("gaussian_linear", 1);
    expect(x).toBeInstanceOf(Float32Array);
    expect(x).toHaveLength(10);
    expect(x[0]).toBe(Math.fround(1.0471346));
    expect(loadTrueParameters("gaussian_linear", 10)).toHaveLength(10);
  });

  test("gaussian_linear obs 1: reference posterior is N(x_o/2, 0.05·I) within sampling error", () => {
    const x = loadObservation("gaussian_linear", 1);
    const { rows, cols, data } = loadReferenceSamples("gaussian_linear", 1);
    expect([rows, cols]).toEqual([10000, 10]);
    for (let j = 0; j < 10; j++) {
      let s = 0,
        s2 = 0;
      for (let i = 0; i < rows; i++) {
        const v = data[i * 10 + j];
        s += v;
        s2 += v * v;
      }
      const mean = s / rows,
        variance = s2 / rows - mean * mean;
      // Prior N(0, 0.1 I), likelihood N(θ, 0.1 I): posterior mean x/2, variance 1/(10 + 10) = 0.05.
      expect(Math.abs(mean - x[j] / 2)).toBeLessThan(4 * Math.sqrt(0.05 / rows));
      expect(Math.abs(variance - 0.05)).toBeLessThan(4 * 0.05 * Math.sqrt(2 / rows));
    }
  });

  test("two_moons reference samples: 10000 × 2 inside the prior box", () => {
    const { rows, cols, data } = loadReferenceSamples("two_moons", 3);
    expect([rows, cols]).toEqual([10000, 2]);
    expect(data.every((v) => v >= -1 && v <= 1)).toBe(true);
  });

  test("wrong task or observation number → NsbiInputError", () => {
    expect(() => loadObservation("slcp", 1)).toThrow(NsbiInputError);
    expect(() => loadObservation("slcp", 1)).toThrow(/two_moons, gaussian_linear/);
    expect(() => loadTrueParameters("two_moons", 0)).toThrow(/1\.\.10/);
    expect(() => loadReferenceSamples("gaussian_linear", 11)).toThrow(NsbiInputError);
    expect(() => loadObservation("two_moons", 1.5)).toThrow(NsbiInputError);
  });
});
