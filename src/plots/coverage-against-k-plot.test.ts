import { describe, expect, it } from "vitest";
import { NsbiInputError } from "../errors.js";
import { coverageAgainstKPlot, largeSampleBootstrapCoverage } from "./coverage-against-k-plot.js";
import { renderSvg } from "./render-svg.js";

describe("coverage against k (Fig. 3 of Sluijter et al. 2025)", () => {
  it("large-sample bootstrap coverage: 2Φ(1/√(1 + 1/k)) − 1 by hand, → 0.6827 as k → ∞", () => {
    // Φ(1/√2) = Φ(0.70711) = 0.76025 (tables): 2·0.76025 − 1 = 0.5205
    expect(largeSampleBootstrapCoverage(1)).toBeCloseTo(0.5205, 4);
    // k = 9: Φ(1/√(10/9)) = Φ(0.94868) = 0.82862 → 0.65724
    expect(largeSampleBootstrapCoverage(9)).toBeCloseTo(0.6572, 4);
    expect(largeSampleBootstrapCoverage(1e9)).toBeCloseTo(0.682689, 5);
  });

  it("renders one panel per distance with the measured points and the reference curve", async () => {
    const spec = coverageAgainstKPlot(
      [
        { panel: "r = 2", parameter: "μ", k: 1, coverage: 0.52, se: 0.01 },
        { panel: "r = 2", parameter: "μ", k: 9, coverage: 0.65, se: 0.01 },
        { panel: "r = 0.5", parameter: "z", k: 9, coverage: 0.66, se: 0.01 },
      ],
      { title: "k study" },
    );
    const svg = await renderSvg(spec);
    expect(svg).toContain("r = 0.5");
    expect(svg).toContain("k study");
    expect(svg.startsWith("<svg")).toBe(true);
  });

  it("refuses no points, k < 1 and a coverage outside [0, 1]", () => {
    expect(() => coverageAgainstKPlot([])).toThrow(NsbiInputError);
    expect(() => coverageAgainstKPlot([{ panel: "a", parameter: "μ", k: 0, coverage: 0.5, se: 0 }])).toThrow(
      /bad point/,
    );
    expect(() => coverageAgainstKPlot([{ panel: "a", parameter: "μ", k: 2, coverage: 1.5, se: 0 }])).toThrow(
      /bad point/,
    );
  });
});
