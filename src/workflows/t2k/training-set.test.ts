import { describe, expect, test } from "vitest";
import { setWarningHandler } from "../../logging.js";
import { dialsToPhysical, physicalToDials } from "./genie-dials.js";
import { T2K_BINS } from "./t2k-data.js";
import { trainingSetFromArrays, trainingSetFromTable } from "./training-set.js";

describe("GENIE dial mapping", () => {
  test("the MicroBooNE tune in dial units (4.8118, 1.32, 1.0, 0.15) is (1.10 GeV, 1.66, 1.0, 0.85)", () => {
    const t = Float64Array.of(4.8118, 1.32, 1.0, 0.15);
    dialsToPhysical(t);
    expect(t[0]).toBeCloseTo(1.1, 4);
    expect(t[1]).toBeCloseTo(1.66, 12);
    expect(t[2]).toBe(1);
    expect(t[3]).toBeCloseTo(0.85, 12);
    physicalToDials(t);
    expect([...t].map((v) => +v.toFixed(10))).toEqual([4.8118, 1.32, 1, 0.15]);
  });

  test("the training file's dial ranges map onto the physical prior box", () => {
    const t = Float64Array.of(-15, -2, 0, 1, 15, 4, 1, -0.5);
    dialsToPhysical(t);
    expect(t[0]).toBeCloseTo(0.5287, 4); // the paper's prior bound 0.528
    expect(t[4]).toBeCloseTo(1.3938, 4); // 1.39
    expect([t[1], t[5], t[3], t[7]]).toEqual([0, 3, 0, 1.5]);
  });
});

describe("user training sets", () => {
  const row = (k: number) => [1 + k, 1, 0.5, 1, ...Array.from({ length: T2K_BINS }, (_, j) => k + j / 100)];

  test("rows of 4 θ then 58 bins are split; non-finite rows are dropped and counted", () => {
    const rows = [row(0), row(1), row(2)];
    rows[1][10] = Number.NaN;
    const warnings: string[] = [];
    const prev = setWarningHandler((m) => warnings.push(m));
    try {
      const t = trainingSetFromTable(rows.flat(), 3, 62, "my.csv");
      expect(t.n).toBe(2);
      expect(t.dropped).toBe(1);
      expect(t.theta[4]).toBe(3); // second kept row is row(2)
      expect(t.x[T2K_BINS + 1]).toBeCloseTo(2.01, 6);
      expect(warnings).toEqual(["my.csv: dropped 1 of 3 rows with non-finite values"]);
    } finally {
      setWarningHandler(prev);
    }
  });

  test("wrong widths are rejected with the expected layout", () => {
    expect(() => trainingSetFromTable(new Float64Array(61), 1, 61, "a.csv")).toThrow(
      /a\.csv: rows have 61 values, expected 62/,
    );
    expect(() => trainingSetFromArrays(new Float32Array(3), 3, new Float32Array(58), 58, 1, "b.npz")).toThrow(
      /b\.npz: theta has 3 columns/,
    );
    expect(() => trainingSetFromArrays(new Float32Array(4), 4, new Float32Array(67), 67, 1, "b.npz")).toThrow(
      /x has 67 columns, expected the 58/,
    );
  });
});
