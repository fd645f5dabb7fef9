import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import { coverageAgainstParameterPlot } from "./coverage-against-parameter-plot.js";
import { renderSvg } from "./render-svg.js";
import { varianceRatioPlot } from "./variance-ratio-plot.js";

type Layer = { data?: { values: Record<string, number | string>[] } };

describe("coverageAgainstParameterPlot", () => {
  const points = [
    { series: "a", x: 0.01, coverage: 0.7, n: 100 },
    { series: "a", x: 0.5, coverage: 0.6, n: 400 },
    { series: "b", x: 0.5, coverage: 0.2, n: 100 },
  ];

  test("error bars ± 1 binomial s.e.; the calibrated band 0.683 ± 2 s.e. from the smallest n at each x", async () => {
    const spec = coverageAgainstParameterPlot({ points, xTitle: "κ", logX: true });
    const layers = (spec as unknown as { layer: Layer[] }).layer;
    const band = layers[0].data!.values;
    const se = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);
    const nominal = 0.6826894921370859;
    // at x = 0.5 the smallest n is 100 (series b), not 400
    expect(band.map((b) => b.x)).toEqual([0.01, 0.5]);
    for (const b of band) {
      expect(b.low as number).toBeCloseTo(nominal - 2 * se(nominal, 100), 5);
      expect(b.high as number).toBeCloseTo(nominal + 2 * se(nominal, 100), 5);
    }
    const bars = layers[2].data!.values;
    expect(bars[1].low as number).toBeCloseTo(0.6 - Math.sqrt(0.24 / 400), 5);
    expect(bars[2].high as number).toBeCloseTo(0.2 + 0.04, 5);
    expect(await renderSvg(spec)).toMatch(/^<svg/);
  });

  test("rejects a coverage outside [0, 1], n < 1 and x ≤ 0 on a log axis", () => {
    for (const p of [
      { series: "a", x: 0.1, coverage: 1.2, n: 10 },
      { series: "a", x: 0.1, coverage: 0.5, n: 0 },
    ])
      expect(() => coverageAgainstParameterPlot({ points: [p], xTitle: "κ" })).toThrow(NsbiInputError);
    expect(() =>
      coverageAgainstParameterPlot({ points: [{ series: "a", x: 0, coverage: 0.5, n: 10 }], xTitle: "κ", logX: true }),
    ).toThrow(NsbiInputError);
    expect(() => coverageAgainstParameterPlot({ points: [], xTitle: "κ" })).toThrow(NsbiInputError);
  });
});

describe("varianceRatioPlot", () => {
  test("one point per ratio and index, the bands at 1 ± 0.15 and 1 ± 2 s.e.; non-positive ratios rejected", async () => {
    const spec = varianceRatioPlot({ series: [{ name: "t0", ratios: [0.9, 1.1, 1.3] }], samplingError: 0.2 });
    const layers = (spec as unknown as { layer: Layer[] }).layer;
    expect(layers[0].data!.values[0]).toEqual({ low: 0.6, high: 1.4 });
    expect(layers[1].data!.values[0].low as number).toBeCloseTo(0.85, 12);
    expect(layers.at(-1)!.data!.values.map((v) => [v.i, v.ratio])).toEqual([
      [0, 0.9],
      [1, 1.1],
      [2, 1.3],
    ]);
    expect(await renderSvg(spec)).toMatch(/^<svg/);
    expect(() => varianceRatioPlot({ series: [{ name: "t0", ratios: [0] }] })).toThrow(NsbiInputError);
  });
});
