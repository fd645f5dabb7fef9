import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { diagnosticsFigures, type NamedFigure } from "../plots/diagnostics-figures.js";
import { bandVsIndexPlot } from "../plots/band-vs-index-plot.js";
import { binnedSpectrumPlot } from "../plots/binned-spectrum-plot.js";
import { pairPlot } from "../plots/pair-plot.js";
import { parameterComparisonPlot } from "../plots/parameter-comparison-plot.js";
import { renderHtmlReport, type ReportSection } from "../workflows/report/html-report.js";
import { T2K_PARAMETER_NAMES, T2K_PARAMETER_UNITS } from "../workflows/t2k/genie-dials.js";
import { PAPER_TABLE1, SBI_TUNE_PAPER, SBI_TUNE_PAPER_SHORT } from "../workflows/t2k/paper-table1.js";
import { table1Markdown, type TuneRow } from "../workflows/t2k/table1.js";
import { T2K_PRIOR_HIGH, T2K_PRIOR_LOW, T2K_THETA_DIM } from "../workflows/t2k/t2k-model-config.js";
import { T2K_BINS, T2K_COS_SLICE_EDGES } from "../workflows/t2k/t2k-data.js";
import { NSBI_VERSION } from "../version.js";
import { diagnosticsSections, verdictLine } from "./diagnostics-report.js";
import { writeFileAtomic } from "./files.js";
import { loadT2kAnalysisI } from "./t2k-files.js";
import type { T2kTuneRun } from "./t2k-tune.js";
import { writeFigures } from "./write-figures.js";

const UNIT = "10⁻³⁸ cm²/(GeV/c)/nucleon";
const PARAMS = T2K_PARAMETER_NAMES.map((name, i) => ({ name, unit: T2K_PARAMETER_UNITS[i] || undefined }));

/** results.json: every row with name, parameters, errors, 58-bin prediction, χ²; and the diagnostics' numbers. */
function resultsJson(run: T2kTuneRun): unknown {
  const d = run.diagnostics,
    a = run.analysis;
  return {
    schema: "nsbi-t2k-tune/1",
    nsbiVersion: NSBI_VERSION,
    warnings: run.warnings,
    units: { prediction: UNIT, parameters: PARAMS.map((p) => `${p.name}${p.unit ? ` [${p.unit}]` : ""}`) },
    data: {
      name: `T2K CC0π Analysis I, ${T2K_BINS} bins (PRD 93, 112012)`,
      values: Array.from(run.measurement.values),
      integrated: a.dataIntegrated,
    },
    rows: a.rows.map((r) => ({
      name: r.name,
      parameters: r.theta,
      errors_lower: r.errDown,
      errors_upper: r.errUp,
      error_kind: r.errorKind,
      prediction: r.prediction,
      chi2_full: r.chi2Full,
      chi2_diag: r.chi2Diag,
      integrated_over_data: r.integrated / a.dataIntegrated,
    })),
    mock: a.mock,
    throws: {
      count: run.settings.numThrows,
      dropped: a.throws.failed ?? null,
      p16: a.throws.p16,
      p84: a.throws.p84,
      central_mean: a.throws.centralMean,
      central_sd: a.throws.centralSd,
    },
    fits: a.fits.map((f) => ({
      name: f.name,
      objective: f.objective,
      parameters: f.theta,
      sigma: f.sigma,
      chi2: f.chi2,
      at_bound: f.atBound,
    })),
    diagnostics: {
      pulls: d.pulls.fit.map((f, p) => ({
        parameter: d.parameterNames[p],
        mean: f.mean,
        width: f.width,
        robust_width: f.robustWidth,
      })),
      expected_coverage: {
        levels: d.expectedCoverage.levels,
        coverage: d.expectedCoverage.coverage,
        max_deviation: d.expectedCoverage.maxDeviation,
      },
      central_coverage: { levels: d.centralCoverage.levels, coverage: d.centralCoverage.coverage },
      tarp: {
        alpha: d.tarp.alpha,
        ecp: d.tarp.ecp,
        atc: d.tarp.atc,
        ks_p: d.tarp.ks.pValue,
        max_deviation: d.tarp.maxDeviation,
      },
      sbc_ks_p: d.sbc.ks.map((k) => k.pValue),
      verdicts: d.verdicts,
      overall: d.overall,
    },
    settings: run.settings,
    training_set: run.trainingSetSource,
    training: run.training && {
      epochs: run.training.epochs,
      best_epoch: run.training.bestEpoch,
      best_validation_loss: run.training.bestValidationLoss,
      seconds: run.training.seconds,
    },
    timings: {
      ...run.timings,
      throws_inference: { seconds: a.seconds.throws },
      chi2_fits: { seconds: a.seconds.fits },
    },
  };
}

function t2kFigures(run: T2kTuneRun): NamedFigure[] {
  const a = run.analysis,
    rows = a.rows;
  const byName = (prefix: string) => rows.find((r) => r.name.startsWith(prefix))!;
  const err = Float64Array.from({ length: T2K_BINS }, (_, i) =>
    Math.sqrt(run.measurement.covariance[i * T2K_BINS + i]),
  );
  const { sliceStart58, bins58 } = loadT2kAnalysisI();
  const shown: [string, TuneRow][] = [
    ["MicroBooNE tune", byName("MicroBooNE tune")],
    ["alternative model", byName("Alternative model")],
    ["inferred alternative", byName("Inferred alternative")],
    ["inferred T2K", byName("Inferred T2K")],
  ];
  const slices: NamedFigure[] = [];
  for (let s = 0; s + 1 < T2K_COS_SLICE_EDGES.length; s++) {
    const lo = sliceStart58[s],
      hi = sliceStart58[s + 1];
    const edges = [...bins58.bins.slice(lo, hi).map((b) => b.pLow), bins58.bins[hi - 1].pHigh];
    const cos = `${T2K_COS_SLICE_EDGES[s]} < cos θ_μ < ${T2K_COS_SLICE_EDGES[s + 1]}`;
    slices.push({
      name: `slice-${s}`,
      caption: `T2K CC0π data (points, √diag of the total covariance) and predictions, ${cos}.`,
      spec: binnedSpectrumPlot({
        edges,
        xTitle: "p_μ [GeV/c]",
        yTitle: `d²σ/dp_μ dcos θ_μ [${UNIT}]`,
        title: cos,
        data: { label: "T2K data", values: run.measurement.values.subarray(lo, hi), errors: err.subarray(lo, hi) },
        models: shown
          .filter(([, r]) => r.prediction.every(Number.isFinite))
          .map(([name, r]) => ({ name, values: r.prediction.slice(lo, hi) })),
      }),
    });
  }
  const withTheta = rows.filter((r) => r.theta);
  const fitRows = rows.filter((r) => r.name.startsWith("χ² fit"));
  return [
    ...slices,
    {
      name: "parameters",
      caption: "Parameters of every row with their 1σ errors; shaded: the prior range.",
      spec: parameterComparisonPlot({
        columns: 2,
        parameters: PARAMS.map((p, i) => ({ ...p, prior: [T2K_PRIOR_LOW[i], T2K_PRIOR_HIGH[i]] as [number, number] })),
        rows: withTheta.map((r) => ({
          name: r.name,
          values: r.theta!,
          lower: r.errDown!.map((v) => (Number.isFinite(v) ? v : 0)),
          upper: r.errUp!.map((v) => (Number.isFinite(v) ? v : 0)),
        })),
      }),
    },
    ...(a.centralSamples
      ? [
          {
            name: "posterior-t2k",
            caption: "Posterior for the T2K central values (68% and 95% HPD contours); dashed: the posterior mean.",
            spec: pairPlot({
              samples: { data: a.centralSamples, rows: a.centralSamples.length / T2K_THETA_DIM, cols: T2K_THETA_DIM },
              parameters: PARAMS,
              truth: a.throws.centralMean,
              labels: { samples: "posterior (T2K data)", truth: "posterior mean" },
            }),
          },
        ]
      : []),
    {
      name: "throws",
      caption: `Mean ± 1σ of ${run.settings.numThrows} multivariate-normal throws of the data (full covariance) vs bin index, with the central values.`,
      spec: bandVsIndexPlot({
        mean: a.throws.binMean,
        std: a.throws.binStd,
        central: [{ name: "T2K central values", values: run.measurement.values }],
        yTitle: `d²σ/dp_μ dcos θ_μ [${UNIT}]`,
        bandLabel: "throws: mean ± 1σ",
      }),
    },
    {
      name: "ppp",
      caption:
        "Peelle's Pertinent Puzzle: the χ² fits with the full covariance, the diagonal and the norm-shape covariance against the data (band: √diag).",
      spec: bandVsIndexPlot({
        mean: run.measurement.values,
        std: err,
        bandLabel: "T2K data ± √diag",
        central: fitRows.map((r) => ({ name: r.name.replace("χ² fit ", "fit "), values: r.prediction })),
        yTitle: `d²σ/dp_μ dcos θ_μ [${UNIT}]`,
      }),
    },
  ];
}

/**
 * Write the tune's report into `dir`: results.json, table1.md, figures (SVG + PNG: 9 slices,
 * parameters with prior bands, posterior corner, throws, Peelle's puzzle), diagnostics/ (the
 * calibration report) and index.html.
 */
export async function writeT2kReport(dir: string, run: T2kTuneRun): Promise<void> {
  const a = run.analysis;
  writeFileAtomic(join(dir, "results.json"), `${JSON.stringify(resultsJson(run), null, 1)}\n`);
  const table = table1Markdown(a.rows, a.dataIntegrated, run.warnings);
  writeFileAtomic(join(dir, "table1.md"), `# T2K CC0π tune: Table-I analogue\n\n${table}`);
  mkdirSync(join(dir, "figures"), { recursive: true });
  const figs = await writeFigures(join(dir, "figures"), t2kFigures(run), "figures/");
  mkdirSync(join(dir, "diagnostics"), { recursive: true });
  writeFileAtomic(join(dir, "diagnostics", "diagnostics.json"), `${JSON.stringify(run.diagnostics, null, 1)}\n`);
  const dfigs = await writeFigures(
    join(dir, "diagnostics"),
    diagnosticsFigures(run.diagnostics, PARAMS),
    "diagnostics/",
  );
  const ppp = a.fits.map(
    (f, k) =>
      `${f.name}: χ² = ${f.chi2.toFixed(1)}, integrated cross section ${(a.rows[5 + k].integrated / a.dataIntegrated).toFixed(3)} × data`,
  );
  const tableRows = a.rows.map((r) => [
    r.name,
    ...T2K_PARAMETER_NAMES.map((_, p) =>
      r.theta
        ? `${r.theta[p].toFixed(3)}${r.errDown ? ` −${r.errDown[p].toFixed(3)} +${r.errUp![p].toFixed(3)}` : ""}`
        : "–",
    ),
    r.errorKind,
    r.chi2Full.toFixed(2),
    r.chi2Diag.toFixed(2),
    (r.integrated / a.dataIntegrated).toFixed(3),
  ]);
  const sections: ReportSection[] = [
    {
      title: "Table I analogue",
      text: [
        `Training set: ${run.trainingSetSource}. Predictions of inferred rows are the built-in model at the posterior mean; χ² against the ${T2K_BINS}-bin T2K data with the full covariance and with its diagonal only.`,
      ],
      tables: [
        {
          header: [
            "row",
            ...PARAMS.map((p) => (p.unit ? `${p.name} [${p.unit}]` : p.name)),
            "errors",
            "χ² full",
            "χ² diag",
            "σ_int / data",
          ],
          rows: tableRows,
        },
        {
          caption: `For reference only: Table I of ${SBI_TUNE_PAPER_SHORT} (GENIE v3 G18_10a_02_11a numbers from the paper, not computed here)`,
          header: ["row", ...PARAMS.map((p) => p.name), "χ² full"],
          rows: PAPER_TABLE1.map((r) => [
            r.name,
            ...(r.theta
              ? r.theta.map((v, p) =>
                  r.errUp![p] === r.errDown![p] ? `${v} ± ${r.errUp![p]}` : `${v} +${r.errUp![p]} −${r.errDown![p]}`,
                )
              : T2K_PARAMETER_NAMES.map(() => "–")),
            r.chi2.toFixed(2),
          ]),
        },
      ],
    },
    { title: "Peelle's Pertinent Puzzle", text: ppp, figures: figs.filter((f) => f.file.includes("ppp")) },
    { title: "Data and predictions in the 9 cos θ slices", figures: figs.filter((f) => f.file.includes("slice-")) },
    {
      title: "Parameters, posterior and throws",
      figures: figs.filter((f) => /parameters|posterior|throws/.test(f.file)),
    },
    { title: `Calibration on ${run.diagnostics.numTests} test configurations`, figures: dfigs },
    ...diagnosticsSections(run.diagnostics),
    {
      title: "Run",
      tables: [
        {
          header: ["step", "seconds", "reused (--resume)"],
          rows: [
            ...Object.entries(run.timings).map(([k, v]) => [k, v.seconds.toFixed(1), v.reused ? "yes" : "no"]),
            [`analyse: inference on ${run.settings.numThrows} throws`, a.seconds.throws.toFixed(1), "–"],
            ["analyse: three χ² fits", a.seconds.fits.toFixed(1), "–"],
          ],
        },
      ],
      text: [`Settings: ${JSON.stringify(run.settings)}`],
    },
  ];
  writeFileAtomic(
    join(dir, "index.html"),
    renderHtmlReport({
      title: "nsbi: T2K CC0π generator tune by neural posterior estimation",
      subtitle: [
        ...run.warnings.map((w) => `Warning: ${w}.`),
        `The workflow of ${SBI_TUNE_PAPER}.`,
        "Built-in approximate forward model t2k-cc0pi (not GENIE; see docs/t2k-model.md) unless a training set was given.",
        `Calibration overall: ${run.diagnostics.overall}`,
      ],
      verdicts: run.diagnostics.verdicts.map(verdictLine),
      sections,
    }),
  );
}
