import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import { checkCalibrationSamples, sortedMarginals, unitGrid } from "./calibration-samples.js";

describe("calibration samples", () => {
  test("shape errors name the argument and the expected size", () => {
    const ok = { thetaTrue: [0, 0], draws: [1, 2, 3, 4, 5, 6], numTests: 1, numSamples: 3, numParams: 2 };
    expect(checkCalibrationSamples(ok, "f")).toEqual([1, 3, 2]);
    expect(() => checkCalibrationSamples({ ...ok, draws: [1, 2] }, "f")).toThrow(
      /draws has 2 values, expected numTests x numSamples x numParams = 1 x 3 x 2/,
    );
    expect(() => checkCalibrationSamples({ ...ok, thetaTrue: [0] }, "f")).toThrow(NsbiInputError);
    expect(() => checkCalibrationSamples({ ...ok, draws: [1, 2, 3, Infinity, 5, 6] }, "f")).toThrow(
      /draws value 3 is Infinity/,
    );
    expect(() => checkCalibrationSamples({ ...ok, numSamples: 1.5 }, "f")).toThrow(/numSamples must be an integer/);
  });
  test("marginals are sorted per test and parameter", () => {
    // test 0 draws (3,30) (1,10) (2,20); test 1 draws (6,5) (4,7) (5,6)
    const s = sortedMarginals({
      thetaTrue: [0, 0, 0, 0],
      draws: [3, 30, 1, 10, 2, 20, 6, 5, 4, 7, 5, 6],
      numTests: 2,
      numSamples: 3,
      numParams: 2,
    });
    expect(Array.from(s)).toEqual([1, 2, 3, 10, 20, 30, 4, 5, 6, 5, 6, 7]);
  });
  test("a uniform grid on [0, 1]", () => {
    expect(unitGrid(5, "g")).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});
