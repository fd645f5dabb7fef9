import { expect, test } from "vitest";
import { meanStd } from "./moments.js";
import { quantileSorted } from "./quantile.js";

test("quantileSorted: NumPy's linear interpolation, checked by hand", () => {
  // np.quantile([1, 2, 4, 8], q): h = 3q
  const s = [1, 2, 4, 8];
  [
    [0, 1],
    [0.16, 1.48],
    [0.5, 3],
    [0.84, 6.08],
    [1, 8],
  ].forEach(([q, v]) => {
    expect(quantileSorted(s, q)).toBeCloseTo(v, 12);
  });
  // a run inside a larger array: [2, 4] of [9, 1, 2, 4, 8] from index 2
  expect(quantileSorted([9, 1, 2, 4, 8], 0.5, 2, 2)).toBe(3);
  expect(quantileSorted([5], 0.3)).toBe(5);
  expect(() => quantileSorted(s, 1.5)).toThrow(/q must be in \[0, 1\]/);
  expect(() => quantileSorted([], 0.5)).toThrow(/at least one value/);
});

test("meanStd: closed forms, n − 1 divisor, accuracy with a large offset", () => {
  const r = meanStd([1, 2, 3, 4]);
  expect(r.mean).toBe(2.5);
  expect(r.std).toBeCloseTo(Math.sqrt(5 / 3), 15);
  expect(r.n).toBe(4);
  // values 1e9 + {0, 1, 2}: variance 1 exactly; a one-pass sum of squares loses it
  expect(meanStd([1e9, 1e9 + 1, 1e9 + 2]).std).toBe(1);
  expect(meanStd([7])).toEqual({ mean: 7, std: NaN, n: 1 });
  expect(meanStd([])).toEqual({ mean: NaN, std: NaN, n: 0 });
  expect(meanStd([1, NaN]).mean).toBeNaN();
});
