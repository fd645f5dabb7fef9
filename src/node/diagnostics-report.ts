import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { DiagnosticsReport } from "../diagnostics/run-diagnostics.js";
import type { Verdict } from "../diagnostics/verdict.js";
import { diagnosticsFigures } from "../plots/diagnostics-figures.js";
import type { ParameterLabel } from "../plots/plot-spec.js";
import { renderHtmlReport, type ReportSection, type ReportVerdict } from "../workflows/report/html-report.js";
import { checkOutputFolder, writeFileAtomic } from "./files.js";
import { writeFigures } from "./write-figures.js";

const num = (v: number | null, d = 3) => (v === null || !Number.isFinite(v) ? "–" : v.toFixed(d));

/** A verdict as a summary line: check (and parameter), verdict, and the number with its rule. */
export function verdictLine(v: Verdict): ReportVerdict {
  return {
    check: v.parameter ? `${v.diagnostic} (${v.parameter})` : v.diagnostic,
    verdict: v.verdict,
    evidence: `${v.statistic} = ${num(v.value)}; ${v.rule}`,
  };
}

/** The report's numbers as HTML sections (pulls table, coverage/TARP/SBC numbers), figures added by the caller. */
export function diagnosticsSections(r: DiagnosticsReport): ReportSection[] {
  const names = r.parameterNames;
  return [
    {
      title: "Pulls and residuals",
      tables: [
        {
          caption: "Gaussian fit of the pulls (θ̂ − θ*)/σ̂ and residuals, per parameter",
          header: [
            "parameter",
            "pull mean",
            "pull width",
            "robust width (16–84%/2)",
            "mean relative residual",
            "RMS absolute residual",
          ],
          rows: names.map((n, p) => [
            n,
            num(r.pulls.fit[p].mean),
            num(r.pulls.fit[p].width),
            num(r.pulls.fit[p].robustWidth),
            num(r.pulls.residuals[p].relativeMean),
            num(r.pulls.residuals[p].absoluteRms, 4),
          ]),
        },
      ],
    },
    {
      title: "Coverage, TARP and SBC",
      tables: [
        {
          header: ["check", "value"],
          rows: [
            ["HPD expected coverage: largest signed deviation from the diagonal", num(r.expectedCoverage.maxDeviation)],
            ["HPD expected coverage: mean deviation", num(r.expectedCoverage.meanDeviation)],
            ...names.map((n, p) => [
              `central-interval coverage (${n}): largest deviation`,
              num(r.centralCoverage.deviation[p].maxDeviation),
            ]),
            ["TARP: area to curve (ATC, > 0 under-confident)", num(r.tarp.atc, 4)],
            ["TARP: largest |ECP − α|", num(Math.abs(r.tarp.maxDeviation))],
            ["TARP: KS p-value", num(r.tarp.ks.pValue, 4)],
            ...names.map((n, p) => [`SBC KS p-value (${n})`, num(r.sbc.ks[p].pValue, 4)]),
            ["leakage acceptance (mean / min)", `${num(r.acceptance.mean)} / ${num(r.acceptance.min)}`],
          ],
        },
      ],
    },
    { title: "Definitions", text: Object.entries(r.definitions).map(([k, v]) => `${k}: ${v}`) },
  ];
}

/**
 * Write a calibration report folder: diagnostics.json (every number, with the definitions'
 * names), the figures as SVG + PNG, and index.html with a verdict per diagnostic.
 * @param dir the report folder (created if missing)
 * @param r the report of runDiagnostics
 * @param opts title, subtitle lines and parameter labels (with units) for the axes
 */
export async function writeDiagnosticsReport(
  dir: string,
  r: DiagnosticsReport,
  opts: { title?: string; subtitle?: string[]; parameters?: ParameterLabel[] } = {},
): Promise<void> {
  checkOutputFolder(dir, "--out");
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, "diagnostics.json"), `${JSON.stringify(r, null, 1)}\n`);
  const figures = await writeFigures(dir, diagnosticsFigures(r, opts.parameters));
  const sections = diagnosticsSections(r);
  sections.splice(0, 0, { title: "Figures", figures });
  writeFileAtomic(
    join(dir, "index.html"),
    renderHtmlReport({
      title: opts.title ?? "nsbi calibration diagnostics",
      subtitle: [
        ...(opts.subtitle ?? []),
        `${r.numTests} test simulations × ${r.numSamples} posterior draws, seed ${r.seed}; overall: ${r.overall}`,
      ],
      verdicts: r.verdicts.map(verdictLine),
      sections,
    }),
  );
}
