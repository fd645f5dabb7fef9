import { describe, expect, test } from "vitest";
import { kolmogorovSurvival } from "./kolmogorov.js";

describe("Kolmogorov distribution", () => {
  // scipy 1.17 scipy.stats.kstwobign.sf(x)
  const scipy: [number, number][] = [
    [0.3, 0.9999906941986655],
    [0.5, 0.9639452436648751],
    [0.8, 0.5441424115741981],
    [1.0, 0.26999967167735456],
    [1.2, 0.11224966667072497],
    [1.36, 0.049485876755377876],
    [1.628, 0.009975522431181053],
    [2.0, 0.0006709252557796953],
    [3.0, 3.045995948942526e-8],
  ];
  test.each(scipy)("Q(%f) matches scipy's kstwobign.sf", (x, q) => {
    expect(Math.abs(kolmogorovSurvival(x) - q)).toBeLessThan(1e-12 + 1e-9 * q);
  });
  test("both series agree where they switch, and Q(0) = 1", () => {
    // the small-x form is used below 1.18: Q must be continuous across the switch
    expect(Math.abs(kolmogorovSurvival(1.18 - 1e-9) - kolmogorovSurvival(1.18))).toBeLessThan(1e-8);
    expect(kolmogorovSurvival(0)).toBe(1);
  });
});
