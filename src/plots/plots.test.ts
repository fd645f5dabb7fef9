// Every plot: the Vega-Lite spec compiles without warnings, renders headless to an SVG holding
// the expected texts (axis titles with units, legend labels, fit results) and marks, and bad
// input is rejected with an NsbiInputError naming the argument.
import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { NsbiInputError } from "../errors.js";
import { bandVsIndexPlot } from "./band-vs-index-plot.js";
import { binnedSpectrumPlot } from "./binned-spectrum-plot.js";
import { coveragePlot, HPD_LABEL, TARP_LABEL } from "./coverage-plot.js";
import { pairPlot } from "./pair-plot.js";
import { parameterComparisonPlot } from "./parameter-comparison-plot.js";
import type { PlotSpec } from "./plot-spec.js";
import { pullHistogramPlot } from "./pull-histogram-plot.js";
import { relativeResiduals, residualCornerPlot } from "./residual-corner-plot.js";
import { renderSvg } from "./render-svg.js";
import { sbcRankPlot } from "./sbc-rank-plot.js";
import { trueVsPredictedPlot } from "./true-vs-predicted-plot.js";
import { OKABE_ITO } from "./theme.js";

/** Renders, failing on any vega-lite warning; returns the SVG and its decoded texts. */
async function render(spec: PlotSpec): Promise<{ svg: string; texts: string[] }> {
  const warnings: string[] = [];
  const svg = await renderSvg(spec, { onWarning: (m) => warnings.push(m) });
  expect(warnings).toEqual([]);
  expect(svg.startsWith("<svg")).toBe(true);
  expect(svg).toContain('fill="white"'); // the white background
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&"),
  );
  return { svg, texts };
}

const count = (svg: string, s: string) => svg.split(s).length - 1;

function gaussianMatrix(n: number, P: number, seed: number, mean = 0, scale = 1): Float64Array {
  const rng = new Rng(seed),
    d = new Float64Array(n * P);
  for (let i = 0; i < d.length; i++) d[i] = mean + scale * rng.normal();
  return d;
}

describe("pairPlot", () => {
  const n = 1500,
    P = 3;
  const samples = { data: gaussianMatrix(n, P, 1), rows: n, cols: P };
  const reference = { data: gaussianMatrix(n, P, 2, 0.3), rows: n, cols: P };
  const parameters = [{ name: "E", unit: "GeV" }, "sin²θ", { name: "Δm²", unit: "eV²" }];

  test("renders marginals, HPD contours, truth lines, reference and a legend", async () => {
    const { svg, texts } = await render(
      pairPlot({ samples, reference, truth: [0.1, -0.2, 0.3], parameters, title: "posterior" }),
    );
    for (const t of [
      "E [GeV]",
      "sin²θ",
      "Δm² [eV²]",
      "samples",
      "reference",
      "true value",
      "contours: 68%, 95% HPD",
      "posterior",
    ])
      expect(texts).toContain(t);
    // bottom-row x titles and left-column y titles: each parameter title at least once; E only as x/y of col 0
    expect(texts.filter((t) => t === "Δm² [eV²]")).toHaveLength(2); // x of the last column and y of the last row
    expect(texts.some((t) => /^E = −?\d\.\d+ \+\d\.\d+ −\d\.\d+$/.test(t))).toBe(true); // marginal summary
    // contour lines in both colours, dashed truth lines
    expect(count(svg, `stroke="${OKABE_ITO.blue}"`)).toBeGreaterThan(6);
    expect(count(svg, `stroke="${OKABE_ITO.orange}"`)).toBeGreaterThan(6);
    expect(count(svg, 'stroke-dasharray="5,3"')).toBeGreaterThanOrEqual(P + 2 * 3);
  });

  test("without truth or reference the legend names only the samples", async () => {
    const { texts } = await render(
      pairPlot({ samples: { data: samples.data.slice(0, 2 * 400), rows: 400, cols: 2 }, labels: { samples: "NPE" } }),
    );
    expect(texts).toContain("NPE");
    expect(texts).toContain("θ1");
    expect(texts).not.toContain("true value");
    expect(texts).not.toContain("reference");
    // a long marginal title is split over two lines
    const long = await render(
      pairPlot({
        samples: { data: samples.data.slice(0, 2 * 400), rows: 400, cols: 2 },
        parameters: ["a_rather_long_parameter_name", "b"],
      }),
    );
    // a given range sets the axis
    const ranged = await render(
      pairPlot({
        samples: { data: samples.data.slice(0, 2 * 400), rows: 400, cols: 2 },
        ranges: [[-10, 10], undefined],
      }),
    );
    expect(ranged.texts).toContain("−10");
    expect(long.svg).toMatch(/<tspan>a_rather_long_parameter_name<\/tspan><tspan x="0" dy="\d+">= −?\d/);
  });

  test("rejects inconsistent input", () => {
    expect(() => pairPlot({ samples: { data: new Float32Array(5), rows: 2, cols: 3 } })).toThrow(
      /samples: data has 5 values, expected rows × cols = 2 × 3 = 6/,
    );
    expect(() => pairPlot({ samples, truth: [1, 2] })).toThrow(/truth: has 2 values, expected 3/);
    expect(() => pairPlot({ samples, truth: [1, NaN, 2] })).toThrow(/truth\[1\]: expected a finite number/);
    expect(() => pairPlot({ samples, reference: { data: new Float32Array(4), rows: 2, cols: 2 } })).toThrow(
      /reference: has 2 columns, expected 3/,
    );
    expect(() => pairPlot({ samples, parameters: ["a", "b"] })).toThrow(/parameters: expected 3 parameter names/);
    expect(() => pairPlot({ samples, levels: [0.68, 1.2] })).toThrow(NsbiInputError);
    expect(() => pairPlot({ samples, ranges: [[0, 1]] })).toThrow(/ranges: has 1 entries, expected 3/);
    expect(() => pairPlot({ samples, ranges: [undefined, [2, 1], undefined] })).toThrow(
      /ranges\[1\]: expected \[lo, hi\]/,
    );
  });
});

describe("diagnostic plots", () => {
  const n = 120,
    P = 2,
    rng = new Rng(5);
  const truth = new Float64Array(n * P),
    estimate = new Float64Array(n * P),
    sigma = new Float64Array(n * P);
  for (let i = 0; i < n * P; i++) {
    truth[i] = 1 + rng.uniform();
    sigma[i] = 0.1;
    estimate[i] = truth[i] + 0.1 * rng.normal();
  }
  const M = (d: Float64Array) => ({ data: d, rows: n, cols: P });
  const parameters = [{ name: "M_A", unit: "GeV" }, "η"];

  test("trueVsPredictedPlot: axis titles with units, error bars, y = x", async () => {
    const { svg, texts } = await render(
      trueVsPredictedPlot({ truth: M(truth), estimate: M(estimate), sigma: M(sigma), parameters }),
    );
    for (const t of ["true value [GeV]", "estimate ± 1σ [GeV]", "true value", "estimate ± 1σ", "M_A", "η"])
      expect(texts).toContain(t);
    expect(count(svg, 'class="mark-rule')).toBeGreaterThanOrEqual(4); // error bars + diagonal per panel
    expect(count(svg, "<path") + count(svg, "<circle")).toBeGreaterThan(2 * n);
    expect(() =>
      trueVsPredictedPlot({ truth: M(truth), estimate: { data: estimate.slice(2), rows: n - 1, cols: P } }),
    ).toThrow(/estimate: has 119 rows, expected 120/);
    expect(() =>
      trueVsPredictedPlot({ truth: M(truth), estimate: M(estimate), sigma: M(sigma.map(() => -1)) }),
    ).toThrow(/sigma: expected non-negative/);
  });

  test("pullHistogramPlot: fitted μ and σ in the legend, N(0, 1) overlaid", async () => {
    const m = 1000,
      pulls = new Float64Array(m * 2);
    for (let i = 0; i < m; i++) {
      pulls[2 * i] = 0.02 + (i % 2 ? 1 : -1);
      pulls[2 * i + 1] = -0.5 + 2 * (i % 2 ? 1 : -1);
    }
    const { texts } = await render(pullHistogramPlot({ pulls: { data: pulls, rows: m, cols: 2 }, parameters }));
    expect(texts).toContain("fit: μ = 0.02, σ = 1.00");
    expect(texts).toContain("fit: μ = \u22120.50, σ = 2.00");
    expect(texts.filter((t) => t === "N(0, 1)")).toHaveLength(2);
    expect(texts).toContain("pull of M_A");
    expect(texts).toContain("density");
    const fitted = await render(
      pullHistogramPlot({
        pulls: { data: pulls, rows: m, cols: 2 },
        fits: [
          { mean: 0.1, std: 0.9 },
          { mean: 0, std: 1 },
        ],
      }),
    );
    expect(fitted.texts).toContain("fit: μ = 0.10, σ = 0.90");
    expect(() => pullHistogramPlot({ pulls: { data: new Float64Array(4).fill(1), rows: 4, cols: 1 } })).toThrow(
      /needs at least 2 distinct finite pulls/,
    );
    expect(() => pullHistogramPlot({ pulls: { data: pulls, rows: m, cols: 2 }, range: [1, 1] })).toThrow(
      /range: expected/,
    );
  });

  test("residualCornerPlot: relative residuals, percent axes", async () => {
    const r = relativeResiduals({ data: [2, 0, 4], rows: 1, cols: 3 }, { data: [3, 1, 2], rows: 1, cols: 3 });
    expect(r[0]).toBeCloseTo(0.5, 12);
    expect(r[1]).toBeNaN();
    expect(r[2]).toBeCloseTo(-0.5, 12);
    const { texts } = await render(residualCornerPlot({ truth: M(truth), estimate: M(estimate), parameters }));
    expect(texts).toContain("(θ̂ − θ*)/θ* of M_A");
    expect(texts).toContain("(θ̂ − θ*)/θ* of η");
    expect(texts.some((t) => /^-?\d+%$/.test(t))).toBe(true);
    expect(() =>
      residualCornerPlot({ truth: { data: [0, 0], rows: 2, cols: 1 }, estimate: { data: [1, 1], rows: 2, cols: 1 } }),
    ).toThrow(/no finite relative residual/);
  });

  test("coveragePlot: central, HPD and TARP curves with the ±10% / ±20% bands", async () => {
    const levels = Array.from({ length: 11 }, (_, k) => k / 10);
    const { svg, texts } = await render(
      coveragePlot({
        levels,
        central: [{ name: "M_A", coverage: levels }],
        hpd: levels.map((l) => l * 0.9),
        tarp: levels,
      }),
    );
    for (const t of [
      "central interval: M_A",
      HPD_LABEL,
      TARP_LABEL,
      "nominal credibility level",
      "empirical coverage",
      "±10%",
      "±20%",
    ])
      expect(texts).toContain(t);
    expect(count(svg, 'class="mark-area')).toBe(2);
    expect(() => coveragePlot({ levels })).toThrow(/at least one of central, hpd, tarp/);
    expect(() => coveragePlot({ levels: [0, 0.5, 0.4], hpd: [0, 0.5, 0.4] })).toThrow(/levels: expected increasing/);
    expect(() => coveragePlot({ levels, tarp: [0.1] })).toThrow(/tarp: has 1 values, expected 11/);
  });

  test("sbcRankPlot: histogram with binomial band and ECDF difference, from ranks or counts", async () => {
    const N = 500,
      L = 99,
      ranks = new Float64Array(N * 2);
    for (let i = 0; i < ranks.length; i++) ranks[i] = Math.floor(rng.uniform() * (L + 1));
    const { svg, texts } = await render(
      sbcRankPlot({ ranks: { data: ranks, rows: N, cols: 2 }, nDraws: L, kind: "both", parameters: ["a", "b"] }),
    );
    for (const t of [
      "a: rank histogram, 99% band",
      "b: ECDF difference, 99% band",
      "rank bin",
      "count",
      "ECDF(z) − z",
      "fractional rank z",
    ])
      expect(texts).toContain(t);
    expect(count(svg, 'class="mark-rect')).toBeGreaterThanOrEqual(4);
    const counts = await render(
      sbcRankPlot({ counts: { data: [5, 7, 6, 4], rows: 4, cols: 1 }, band: { lower: 2, upper: 9 }, confidence: 0.95 }),
    );
    expect(counts.texts).toContain("θ1: rank histogram, 95% band");
    expect(() => sbcRankPlot({ ranks: { data: ranks, rows: N, cols: 2 } })).toThrow(/nDraws: expected/);
    expect(() => sbcRankPlot({ ranks: { data: [0, 100], rows: 2, cols: 1 }, nDraws: 99 })).toThrow(
      /ranks: expected integers in 0 … 99/,
    );
    expect(() =>
      sbcRankPlot({ counts: { data: [1, 2], rows: 2, cols: 1 }, band: { lower: 0, upper: 3 }, kind: "ecdf" }),
    ).toThrow(/needs ranks/);
    expect(() => sbcRankPlot({})).toThrow(/expected ranks/);
  });
});

describe("measurement plots", () => {
  test("binnedSpectrumPlot: data with error bars, model step curves, legend, axis titles", async () => {
    const edges = [0, 250, 500, 1000, 2000];
    const { svg, texts } = await render(
      binnedSpectrumPlot({
        edges,
        data: { values: [10, 30, 20, 5], errors: [3, 5, 4, 2] },
        models: [
          { name: "nominal", values: [12, 28, 21, 6] },
          { name: "fit", values: [10, 31, 19, 5] },
        ],
        xTitle: "p_μ [MeV/c]",
        yTitle: "events / bin",
        title: "0.9 < cos θ < 1",
      }),
    );
    for (const t of ["p_μ [MeV/c]", "events / bin", "data", "nominal", "fit", "0.9 < cos θ < 1"])
      expect(texts).toContain(t);
    expect(count(svg, 'class="mark-line')).toBeGreaterThanOrEqual(1);
    expect(() =>
      binnedSpectrumPlot({ edges, models: [{ name: "m", values: [1, 2] }], xTitle: "x", yTitle: "y" }),
    ).toThrow(/models\[0\].values \(m\): has 2 values, expected 4/);
    expect(() => binnedSpectrumPlot({ edges: [0, 2, 1], data: { values: [1, 2] }, xTitle: "x", yTitle: "y" })).toThrow(
      /edges: expected increasing/,
    );
  });

  test("parameterComparisonPlot: rows with asymmetric errors over the prior band", async () => {
    const { svg, texts } = await render(
      parameterComparisonPlot({
        parameters: [{ name: "M_A", unit: "GeV", prior: [0.8, 1.6] }, "norm"],
        rows: [
          { name: "tune", values: [1.2, 1], errors: [0.1, 0.2] },
          { name: "inferred T2K", values: [1.05, 0.9], lower: [0.05, 0.1], upper: [0.1, 0.3] },
        ],
      }),
    );
    for (const t of ["M_A [GeV]", "norm", "tune", "inferred T2K"]) expect(texts).toContain(t);
    expect(count(svg, 'class="mark-rect')).toBe(1); // one prior band
    expect(() =>
      parameterComparisonPlot({ parameters: ["a"], rows: [{ name: "x", values: [1], errors: [-1] }] }),
    ).toThrow(/expected non-negative error sizes/);
    expect(() =>
      parameterComparisonPlot({ parameters: [{ name: "a", prior: [2, 1] }], rows: [{ name: "x", values: [1] }] }),
    ).toThrow(/prior: expected \[lo, hi\]/);
  });

  test("bandVsIndexPlot: mean ± std band with central values", async () => {
    const mean = [5, 6, 7, 6],
      std = [1, 1, 0.5, 2];
    const { svg, texts } = await render(
      bandVsIndexPlot({
        mean,
        std,
        central: [{ name: "data", values: [5.5, 6, 7.2, 5] }],
        yTitle: "events / bin",
        bandLabel: "throws: mean ± 1σ",
      }),
    );
    for (const t of ["bin index", "events / bin", "throws: mean ± 1σ", "data"]) expect(texts).toContain(t);
    expect(count(svg, 'class="mark-area')).toBe(1);
    expect(() => bandVsIndexPlot({ mean, std: [1, 1, -1, 1], yTitle: "y" })).toThrow(
      /std\[2\]: expected a non-negative/,
    );
    expect(() => bandVsIndexPlot({ mean, std: [1], yTitle: "y" })).toThrow(/std: has 1 values, expected 4/);
  });
});
