import type { DiagnosticsReport } from "../diagnostics/run-diagnostics.js";
import { coveragePlot } from "./coverage-plot.js";
import type { ParameterLabel, PlotSpec } from "./plot-spec.js";
import { pullHistogramPlot } from "./pull-histogram-plot.js";
import { residualCornerPlot } from "./residual-corner-plot.js";
import { sbcRankPlot } from "./sbc-rank-plot.js";
import { trueVsPredictedPlot } from "./true-vs-predicted-plot.js";

/** A figure of a diagnostics report: a file stem, a caption and its Vega-Lite spec. */
export interface NamedFigure {
  name: string;
  caption: string;
  spec: PlotSpec;
}

/** Linear interpolation of a curve given at increasing xs, with (0, 0) and (1, 1) as end points. */
function onGrid(xs: readonly number[], ys: readonly number[], grid: readonly number[]): number[] {
  const X = [0, ...xs, 1],
    Y = [0, ...ys, 1];
  return grid.map((g) => {
    let k = 1;
    while (k < X.length - 1 && X[k] < g) k++;
    const x0 = X[k - 1],
      x1 = X[k];
    return x1 === x0 ? Y[k] : Y[k - 1] + ((g - x0) / (x1 - x0)) * (Y[k] - Y[k - 1]);
  });
}

/**
 * The figures of a calibration report (those of Tame-Narvaez et al., arXiv:2603.09778, Figs. 2–5, and SBC): true vs predicted
 * with 1σ bars, pull histograms with the Gaussian fit and N(0, 1), residual corner, coverage
 * (central per parameter, HPD expected coverage, TARP, ±10%/±20% bands) and SBC rank histograms
 * with their 99% binomial band.
 * @param r the report of runDiagnostics
 * @param parameters labels (names with units) in parameter order; default the report's names
 */
export function diagnosticsFigures(r: DiagnosticsReport, parameters?: ParameterLabel[]): NamedFigure[] {
  const P = r.parameterNames.length,
    N = r.numTests;
  const params = parameters ?? r.parameterNames;
  const matrix = (get: (p: number, i: number) => number) => {
    const data = new Float64Array(N * P);
    for (let i = 0; i < N; i++) for (let p = 0; p < P; p++) data[i * P + p] = get(p, i);
    return { data, rows: N, cols: P };
  };
  const rows = r.pulls.rows;
  const truth = matrix((p, i) => rows[p].truth[i]),
    estimate = matrix((p, i) => rows[p].mean[i]);
  const sigma = matrix((p, i) => rows[p].std[i]);
  // tests without a finite pull (σ̂ = 0) are left out of the histograms
  const finite = Array.from({ length: N }, (_, i) =>
    r.pulls.pulls.every((col) => col[i] !== null && Number.isFinite(col[i])),
  );
  const keep = finite.map((f, i) => (f ? i : -1)).filter((i) => i >= 0);
  const pullData = new Float64Array(keep.length * P);
  keep.forEach((i, k) => {
    for (let p = 0; p < P; p++) pullData[k * P + p] = r.pulls.pulls[p][i]!;
  });
  const fits = r.pulls.fit.map((f) => ({ mean: f.mean ?? Number.NaN, std: f.width ?? Number.NaN }));

  const grid = r.expectedCoverage.levels;
  const central = r.centralCoverage.coverage.map((c, p) => ({
    name: r.parameterNames[p],
    coverage: onGrid(r.centralCoverage.levels, c, grid),
  }));
  const tarpOnGrid = onGrid(r.tarp.alpha, r.tarp.ecp, grid);
  const h = r.rankHistogram;
  const counts = {
    data: Float64Array.from({ length: h.bins * P }, (_, k) => h.counts[k % P][Math.floor(k / P)]),
    rows: h.bins,
    cols: P,
  };

  return [
    {
      name: "true-vs-predicted",
      caption: `Posterior mean vs true value with 1σ (posterior standard deviation) error bars, ${N} test simulations; dashed: y = x.`,
      spec: trueVsPredictedPlot({ truth, estimate, sigma, parameters: params }),
    },
    {
      name: "pulls",
      caption: `Pulls (θ̂ − θ*)/σ̂ with the fitted Gaussian (solid) and N(0, 1) (dashed); a calibrated posterior gives μ ≈ 0, σ ≈ 1.`,
      spec: pullHistogramPlot({ pulls: { data: pullData, rows: keep.length, cols: P }, parameters: params, fits }),
    },
    {
      name: "residuals",
      caption: "Relative residuals (θ̂ − θ*)/θ*: histograms on the diagonal, pairwise scatter below.",
      spec: residualCornerPlot({ truth, estimate, parameters: params }),
    },
    {
      name: "coverage",
      caption:
        "Coverage vs credibility level: central intervals per parameter (solid), HPD expected coverage (dashed), TARP (dotted); grey bands ±0.1 and ±0.2 around the diagonal.",
      spec: coveragePlot({ levels: grid, central, hpd: r.expectedCoverage.coverage, tarp: tarpOnGrid }),
    },
    {
      name: "sbc-ranks",
      caption: `SBC rank histograms (${N} tests, ${r.numSamples} draws each) with the per-bin ${Math.round(h.level * 100)}% binomial band.`,
      spec: sbcRankPlot({ counts, band: { lower: h.lower, upper: h.upper }, parameters: params }),
    },
    {
      name: "sbc-ecdf",
      caption: `SBC: ECDF of the fractional ranks minus the uniform CDF, with the simultaneous ${Math.round(r.ecdf.level * 100)}% band of diagnostics.json (Säilynoja et al. 2022; a calibrated curve leaves it somewhere with probability ${Math.round((1 - r.ecdf.level) * 100)}%; ∪-shape over-confident, ∩-shape under-confident).`,
      spec: sbcRankPlot({ ecdf: r.ecdf, parameters: params, kind: "ecdf" }),
    },
  ];
}
