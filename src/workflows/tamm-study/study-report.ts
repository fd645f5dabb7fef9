import { coverageAgainstParameterPlot } from "../../plots/coverage-against-parameter-plot.js";
import type { NamedFigure } from "../../plots/diagnostics-figures.js";
import { binomialError } from "../ensemble-study/study-statistics.js";
import type { HtmlReport, ReportSection, ReportVerdict } from "../report/html-report.js";
import { tammDijetSettings } from "./study-config.js";
import type { TammStudyResults } from "./study-results.js";

/** The file stem of the report's figure (SVG and PNG beside index.html). */
export const TAMM_REPORT_FIGURES = { coverage: "coverage-vs-k" } as const;

/** How the run went, for the subtitle (not part of results.json: it differs between runs). */
export interface TammRunInfo {
  done: number;
  total: number;
  resumed: number;
  elapsedSeconds: number;
}

const fmt = (digits: number) => (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(digits);
const f3 = fmt(3),
  f2 = fmt(2),
  f5 = fmt(5);

/** The series name of the oracle exponential TAMM in the plot. */
const SERIES = "oracle TAMM (exponential)";

/**
 * The study's HTML report (renderHtmlReport's input) and its figure: coverage of |pull| ≤ 1 against K
 * with binomial bands, and a table per K (coverage, pull mean and s.d., between-draw s.d., mean κ̂ and
 * σ). Browser-safe: the caller renders the figure (node/write-figures.ts) and writes the page.
 */
export function tammStudyReport(
  r: TammStudyResults,
  run?: TammRunInfo,
): { report: HtmlReport; figures: NamedFigure[] } {
  const c = r.config;
  const dijet = c.simulator === "dijet-toy" ? tammDijetSettings(c) : null;
  const toy = dijet
    ? `the di-Higgs-like dijet toy (template JES ${dijet.templateScales.join(", ")}, the first K of them${dijet.scaleJitter > 0 ? ` + N(0, ${dijet.scaleJitter}²) per template and draw` : ""}; true JES ${dijet.trueScale}; ${dijet.composition} signal count)`
    : "the Gaussian TAMM toy";
  const subtitle = [
    `Alvarez, Benevedes, Szewc, Thaler, arXiv 2604.02219: the unbinned exponential TAMM with oracle (exact) template log-ratios on ${toy}; K ∈ {${c.ks.join(", ")}} templates of each kind, ${c.jobs} template draws × ${c.experimentsPerJob} pseudo-experiments per K; N_s = ${c.signalEvents}, N_b = ${c.backgroundEvents} (κ = ${f5(r.kappa)}), reference M = ${c.referenceEvents}${c.reference === "templates" ? " (from the templates' equal mixture)" : ""}, λ = ${c.lambda}; scale ${c.scale}, seed ${c.seed}.`,
  ];
  if (run)
    subtitle.push(
      `${run.done}/${run.total} jobs done (${run.resumed} from an earlier run), ${run.elapsedSeconds.toFixed(0)} s in this run.`,
    );
  const verdicts: ReportVerdict[] = r.perK.flatMap((p) => {
    const s = p.pooled;
    if (!s) return [];
    const se = binomialError(r.nominalCoverage, s.n);
    return [
      {
        check: `coverage of |pull| ≤ 1 at K = ${p.k}`,
        verdict: Math.abs(s.coverage - r.nominalCoverage) <= 2 * se ? "pass" : "fail",
        evidence: `${f3(s.coverage)} ± ${f3(s.coverageError)} (n = ${s.n}); nominal 0.683 ± ${f3(se)}, pass within 2 binomial s.e.`,
      },
    ];
  });
  const figures: NamedFigure[] = [];
  const points = r.perK.flatMap((p) =>
    p.pooled ? [{ series: SERIES, x: p.k, coverage: p.pooled.coverage, n: p.pooled.n }] : [],
  );
  if (points.length > 0)
    figures.push({
      name: TAMM_REPORT_FIGURES.coverage,
      caption:
        "Coverage of |pull| ≤ 1 against the number of templates K, pooled over template draws, ± 1 binomial s.e.; grey: the band 0.683 ± 2 s.e. in which a calibrated fit falls 95% of the time. The binomial errors ignore that one draw's pseudo-experiments share templates (see the between-draw s.d. in the table).",
      spec: coverageAgainstParameterPlot({
        points,
        xTitle: "K (templates of each kind)",
        series: [SERIES],
        title: "TAMM coverage against K",
      }),
    });
  const sections: ReportSection[] = [
    {
      title: "Coverage against K",
      text: [
        dijet
          ? `Per K and template draw: K signal and K background templates at the first K jet-energy scales of the grid${dijet.scaleJitter > 0 ? ", each jittered per draw," : " (the same for every draw, so draws differ only by the reference sample)"} and a uniform reference sample over [60, 200]² GeV, shared by the draw's pseudo-experiments. Per pseudo-experiment: fresh pseudo-data at the true JES ${dijet.trueScale} (${dijet.composition === "binomial" ? "N_s ~ Binomial(N_s + N_b, κ)" : "fixed counts"}), fitTamm (exponential form, Σw = 1, λ penalty) on the exact template log-ratios, pull = (κ̂ − κ)/σ_sandwich. K = 1 is the nominal JES alone (misspecified: expected biased).`
          : `Per K and template draw: K signal and K background Gaussian templates from the documented recipe and a ${c.reference === "templates" ? "reference sample from the equal mixture of the 2K templates (as the authors' code)" : "uniform reference sample"}, shared by the draw's pseudo-experiments. Per pseudo-experiment: fresh pseudo-data, fitTamm (exponential form, Σw = 1, λ penalty) on the exact template log-ratios, pull = (κ̂ − κ)/σ_sandwich. K = 1 is a single misspecified template (expected biased).`,
      ],
      tables: [
        {
          caption: "pooled over template draws",
          header: [
            "K",
            "n",
            "coverage ± binomial s.e.",
            "pull mean",
            "pull s.d.",
            "s.d. of per-draw mean pulls",
            "s.d. of per-draw coverages",
            "mean κ̂",
            "mean σ",
            "not converged",
            "failed",
          ],
          rows: r.perK.map((p) => [
            String(p.k),
            String(p.pooled?.n ?? 0),
            p.pooled ? `${f3(p.pooled.coverage)} ± ${f3(p.pooled.coverageError)}` : "–",
            f2(p.pooled?.zMean),
            f2(p.pooled?.zSd),
            `${f2(p.betweenJobPullSd)} (${p.jobsWithResults} draws)`,
            f3(p.betweenJobCoverageSd),
            f5(p.meanKappa),
            f5(p.pooled?.meanSigma),
            String(p.notConverged),
            String(p.failed),
          ]),
        },
      ],
      figures: figures.map((f) => ({ file: `${f.name}.svg`, caption: f.caption })),
    },
  ];
  const notes: string[] = [];
  if (r.failedExperiments.length > 0)
    notes.push(
      `${r.failedExperiments.length} pseudo-experiments left out because the fit failed (first: K = ${r.failedExperiments[0].k}, draw ${r.failedExperiments[0].job}: ${r.failedExperiments[0].error}).`,
    );
  if (r.missing.length > 0) notes.push(`Jobs without a result (failed or not run): ${r.missing.join(", ")}.`);
  if (notes.length > 0) sections.push({ title: "Notes", text: notes });
  return {
    report: { title: "Template-adapted mixture models: coverage against K", subtitle, verdicts, sections },
    figures,
  };
}

/** The study's numbers as lines of text for a terminal. */
export function tammStudySummaryLines(r: TammStudyResults): string[] {
  const lines = [
    `coverage of |pull| ≤ 1 (nominal 0.683) ± binomial s.e.; pull mean / s.d.; s.d. of per-draw mean pulls (κ = ${f5(r.kappa)})`,
  ];
  for (const p of r.perK) {
    const s = p.pooled;
    lines.push(
      s
        ? `K=${String(p.k).padEnd(3)} ${f3(s.coverage)} ± ${f3(s.coverageError)} (n = ${s.n})  pull ${f2(s.zMean)} / ${f2(s.zSd)}  between draws ${f2(p.betweenJobPullSd)}  not converged ${p.notConverged}, failed ${p.failed}`
        : `K=${p.k}: no results`,
    );
  }
  return lines;
}
