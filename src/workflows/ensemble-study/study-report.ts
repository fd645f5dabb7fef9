import { coverageAgainstParameterPlot } from "../../plots/coverage-against-parameter-plot.js";
import type { NamedFigure } from "../../plots/diagnostics-figures.js";
import { pullHistogramPlot } from "../../plots/pull-histogram-plot.js";
import { varianceRatioPlot } from "../../plots/variance-ratio-plot.js";
import type { HtmlReport, ReportSection, ReportVerdict } from "../report/html-report.js";
import { WIFI_METHOD_NAMES, WIFI_METHODS } from "./study-jobs.js";
import type { WifiStudyResults } from "./study-results.js";
import { binomialError, type CoverageSummary, NOMINAL_COVERAGE } from "./study-statistics.js";

/** The file stems of the report's figures (SVG and PNG beside index.html). */
export const WIFI_REPORT_FIGURES = {
  coverage: "coverage-vs-kappa",
  pulls: "pulls",
  sandwich: "sandwich-ratios",
} as const;

/** How the run went, for the subtitle (not part of results.json: it differs between runs). */
export interface WifiRunInfo {
  done: number;
  total: number;
  resumed: number;
  elapsedSeconds: number;
}

const f3 = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(3);
const f2 = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(2);

function cell(s: CoverageSummary | null): string {
  return s ? `${f3(s.coverage)} ± ${f3(s.coverageError)} (z ${f2(s.zMean)} / ${f2(s.zSd)})` : "–";
}

/**
 * The study's HTML report (renderHtmlReport's input) and its figures: coverage against κ per method with
 * binomial bands, the z distributions, the sandwich check's variance ratios, and tables of every summary
 * number (coverage per κ and training, inflation, weight summaries, per-x checks). Browser-safe: the
 * caller renders the figures (node/write-figures.ts) and writes the page.
 */
export function wifiStudyReport(
  r: WifiStudyResults,
  run?: WifiRunInfo,
): { report: HtmlReport; figures: NamedFigure[] } {
  const c = r.config;
  const figures: NamedFigure[] = [];
  const sections: ReportSection[] = [];
  const subtitle = [
    `Benevedes and Thaler, arXiv 2506.00113: ${c.members} networks per ensemble (${c.resampling}), N_train = ${c.trainEvents} and N_fit = ${c.fitEvents} events per class, test mixtures of ${c.testEvents} events, κ ∈ {${c.kappas.join(", ")}}, ${c.experiments} pseudo-experiments × ${c.trainings} trainings, ${c.sandwichSets} sandwich sets; scale ${c.scale}, seed ${c.seed}.`,
    `Toy: the 2-D two-Gaussian toy with a closed-form log ratio (${c.toy}); the quark/gluon jets of the paper are not available offline.`,
  ];
  if (run)
    subtitle.push(
      `${run.done}/${run.total} jobs done (${run.resumed} from an earlier run), ${run.elapsedSeconds.toFixed(0)} s in this run.`,
    );

  const verdicts: ReportVerdict[] = [];
  const a = r.acceptance;
  if (a.sandwich)
    verdicts.push({
      check: "sandwich diag(C) vs the empirical Var(ŵ) over fresh fit sets",
      verdict: a.sandwich.median >= 0.85 && a.sandwich.median <= 1.15 ? "pass" : "fail",
      evidence: `median ratio ${f3(a.sandwich.median)} over ${a.sandwich.n} weights (mean ${f3(a.sandwich.mean)}, ${a.sandwich.within15}/${a.sandwich.n} within ±15%; sampling error of one ratio ${f2(a.sandwich.samplingError)})`,
    });
  for (const [name, v] of [
    ["w_i f_i (Gong–Samaniego)", { perCell: a.perCell, pooled: a.pooled }],
    ["bias-corrected w_i f_i", a.corrected],
  ] as const) {
    if (v.pooled) {
      const se = binomialError(NOMINAL_COVERAGE, v.pooled.n);
      verdicts.push({
        check: `${name} coverage, pooled over κ and trainings`,
        verdict: Math.abs(v.pooled.coverage - NOMINAL_COVERAGE) <= 2 * se ? "pass" : "fail",
        evidence: `${f3(v.pooled.coverage)} ± ${f3(v.pooled.coverageError)} (n = ${v.pooled.n}); nominal 0.683 ± ${f3(se)}, pass within 2 s.e.`,
      });
    }
    if (v.perCell)
      verdicts.push({
        check: `${name} coverage per κ and training`,
        verdict: v.perCell.within2 >= 0.9 * v.perCell.cells ? "pass" : "fail",
        evidence: `${v.perCell.within1}/${v.perCell.cells} cells within 1 binomial s.e. of 0.683 (≈ 68% expected), ${v.perCell.within2}/${v.perCell.cells} within 2 (≈ 95%)`,
      });
  }
  for (const m of ["single", "average"] as const) {
    const p = r.pooled[m];
    if (!p) continue;
    const low = p.coverage < NOMINAL_COVERAGE - 2 * binomialError(NOMINAL_COVERAGE, p.n);
    verdicts.push({
      check: `${WIFI_METHOD_NAMES[m]} taken as exact (baseline)`,
      verdict: low ? "over-confident (under-covers)" : "ok",
      evidence: `pooled coverage ${f3(p.coverage)} ± ${f3(p.coverageError)}, z s.d. ${f2(p.zSd)}`,
    });
  }

  if (c.experiments > 0) {
    const points = r.coverage.flatMap((k) =>
      WIFI_METHODS.flatMap((m) => {
        const s = k.methods[m].pooled;
        return s ? [{ series: WIFI_METHOD_NAMES[m], x: k.kappa, coverage: s.coverage, n: s.n }] : [];
      }),
    );
    const coverageFigures: NamedFigure[] = [];
    if (points.length > 0)
      coverageFigures.push({
        name: WIFI_REPORT_FIGURES.coverage,
        caption:
          "Coverage of |z| ≤ 1 against κ, pooled over trainings, ± 1 binomial s.e.; grey: the band 0.683 ± 2 s.e. in which a calibrated method falls 95% of the time.",
        spec: coverageAgainstParameterPlot({
          points,
          xTitle: "κ (mixture fraction)",
          logX: true,
          series: WIFI_METHODS.map((m) => WIFI_METHOD_NAMES[m]),
          title: "Coverage against κ",
        }),
      });
    figures.push(...coverageFigures);
    const header = ["κ", ...WIFI_METHODS.map((m) => WIFI_METHOD_NAMES[m]), "mean inflation 1 + σ²AᵀCA"];
    const rows = r.coverage.map((k, i) => [
      String(k.kappa),
      ...WIFI_METHODS.map((m) => cell(k.methods[m].pooled)),
      f3(r.inflation.perKappa[i].mean),
    ]);
    rows.push(["pooled", ...WIFI_METHODS.map((m) => cell(r.pooled[m])), f3(r.inflation.overall)]);
    const perTraining = {
      header: ["κ", "w_i f_i", ...Array.from({ length: c.trainings }, (_, t) => `training ${t}`)],
      rows: r.coverage.flatMap((k) =>
        (["wifi", "wifi-corrected"] as const).map((m) => [
          String(k.kappa),
          m === "wifi" ? "Gong–Samaniego" : "bias-corrected",
          ...k.methods[m].perTraining.map((s) => (s ? `${f3(s.coverage)} ± ${f3(s.coverageError)}` : "–")),
        ]),
      ),
      caption: "w_i f_i coverage per training, without and with the second-order bias correction",
    };
    sections.push({
      title: "Coverage against κ",
      text: [
        "Each pseudo-experiment redraws D_fit and a test mixture and estimates κ with the exact ratio (reference), network 0 alone and the plain average of the M networks (both taken as exact: statistical error only), and w_i f_i (ŵ by Newton on the symmetrised MLC loss, sandwich covariance C) with the Gong–Samaniego error, with that interval shifted by κ̂'s estimated second-order bias (bias-corrected), and with the statistical error only. Covered: |z| ≤ 1, z the signed likelihood z-score of the true κ. Cells: coverage ± binomial s.e. (z mean / s.d.).",
      ],
      tables: [{ header, rows, caption: "coverage pooled over trainings" }, perTraining],
      figures: coverageFigures.map((f) => ({ file: `${f.name}.svg`, caption: f.caption })),
    });
    const zs = WIFI_METHODS.map((m) => r.experiments.flatMap((e) => e.methods[m].z));
    const n = zs[0].length;
    if (n >= 2) {
      const fig: NamedFigure = {
        name: WIFI_REPORT_FIGURES.pulls,
        caption: `z-scores of the true κ, pooled over κ and trainings (n = ${n} per method), with the fitted Gaussian and N(0, 1); values beyond ±5 count in the fit but are not drawn.`,
        spec: pullHistogramPlot({
          // row-major [n, methods]
          pulls: {
            data: Array.from({ length: n * zs.length }, (_, k) => zs[k % zs.length][Math.floor(k / zs.length)]),
            rows: n,
            cols: zs.length,
          },
          parameters: WIFI_METHODS.map((m) => WIFI_METHOD_NAMES[m]),
          columns: 3,
          title: "Pull distributions",
        }),
      };
      figures.push(fig);
      sections.push({
        title: "Pull distributions",
        text: [
          "A calibrated method has z ~ N(0, 1). A method taken as exact whose ratio is off shows it as a shifted mean (a bias the reported σ does not cover) or a width above 1; w_i f_i with the Gong–Samaniego term should be N(0, 1) up to the bias its span of networks cannot remove.",
        ],
        figures: [{ file: `${fig.name}.svg`, caption: fig.caption }],
      });
    }
  }

  const checks = r.trainings.filter((t) => t.sandwich !== null);
  if (checks.length > 0) {
    const fig: NamedFigure = {
      name: WIFI_REPORT_FIGURES.sandwich,
      caption:
        "Empirical Var(ŵ_j) over fresh fit sets / mean sandwich diag(C)_jj per weight j (the constant's last), per training; darker grey: ±15% (the spec's acceptance); lighter: ± 2 sampling errors of one ratio, √(2/(S − 1)), where a correct C puts 95% of the points.",
      spec: varianceRatioPlot({
        series: checks.map((t) => ({ name: `training ${t.training}`, ratios: t.sandwich!.ratios })),
        samplingError: checks[0].sandwich!.samplingError,
        xTitle: "weight j",
        yTitle: "Var(ŵ_j) / mean diag(C)_jj",
        title: "Sandwich check",
      }),
    };
    figures.push(fig);
    sections.push({
      title: "Sandwich covariance against the empirical variance",
      text: [
        "Per training, ŵ is refitted on fresh D_fit sets; the variance of each ŵ_j over the sets is compared with the mean sandwich diag(C)_jj. Per-x: at 8 fixed points (4 drawn from n, 4 from d), the variance of log r̂(x) = ŵ·f(x) over the sets against the mean fᵀCf, and the bias of the mean log r̂ against the true log r in units of √(fᵀCf).",
      ],
      tables: [
        {
          header: [
            "training",
            "fit sets",
            "median ratio",
            "mean",
            "range",
            "within ±15%",
            "s.e. of one ratio",
            "per-x variance ratios",
            "per-x bias / σ",
            "fits not converged",
          ],
          rows: checks.map((t) => {
            const s = t.sandwich!;
            const range = (v: number[]) => `${f2(Math.min(...v))} … ${f2(Math.max(...v))}`;
            return [
              String(t.training),
              String(s.sets),
              f3(s.summary.median),
              f3(s.summary.mean),
              `${f3(s.summary.min)} … ${f3(s.summary.max)}`,
              `${s.summary.within15}/${s.summary.n}`,
              f2(s.samplingError),
              range(s.perX.varianceRatio),
              range(s.perX.biasInSigma),
              String(s.notConverged),
            ];
          }),
        },
      ],
      figures: [{ file: `${fig.name}.svg`, caption: fig.caption }],
    });
  }

  const shown = r.trainings.slice(0, 4).filter((t) => t.sandwich !== null || t.weights !== null);
  if (shown.length > 0) {
    const size = (shown[0].sandwich?.weights.mean ?? shown[0].weights?.mean ?? []).length;
    sections.push({
      title: "Fitted weights",
      text: [
        `Per weight (networks 0 … ${size - 2}, then the constant basis function): over the sandwich check's fit sets the mean ŵ_j, its s.d. and the sandwich's √(mean diag(C)_jj); over the pseudo-experiments the mean ŵ_j and its s.d.${r.trainings.length > 4 ? ` First 4 of ${r.trainings.length} trainings; results.json has all.` : ""} The weights of one training are not comparable to another's: each ensemble's networks differ.`,
      ],
      tables: shown.map((t) => ({
        caption: `training ${t.training}${t.epochs ? ` (epochs per network ${Math.min(...t.epochs)}–${Math.max(...t.epochs)})` : ""}`,
        header: ["weight", "fit sets: mean ŵ", "s.d.", "sandwich σ", "pseudo-experiments: mean ŵ", "s.d."],
        rows: Array.from({ length: size }, (_, j) => [
          j === size - 1 ? "constant" : `network ${j}`,
          f3(t.sandwich?.weights.mean[j]),
          f3(t.sandwich?.weights.empiricalSd[j]),
          f3(t.sandwich?.weights.sandwichSd[j]),
          f3(t.weights?.mean[j]),
          f3(t.weights?.sd[j]),
        ]),
      })),
    });
  }

  const notes: string[] = [];
  const notConverged = r.trainings.reduce((s, t) => s + t.notConverged, 0);
  notes.push(`Newton fits that did not converge: ${notConverged}.`);
  if (r.failedExperiments.length > 0)
    notes.push(
      `${r.failedExperiments.length} pseudo-experiments left out because an estimate failed (first: training ${r.failedExperiments[0].training}, κ = ${r.failedExperiments[0].kappa}: ${r.failedExperiments[0].error}).`,
    );
  if (r.missing.length > 0) notes.push(`Jobs without a result (failed or not run): ${r.missing.join(", ")}.`);
  sections.push({ title: "Notes", text: notes });
  return {
    report: { title: "w_i f_i ensembles: mixture-fraction coverage", subtitle, verdicts, sections },
    figures,
  };
}
