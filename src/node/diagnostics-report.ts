import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type DiagnosticsReport, mcmcProblems } from "../diagnostics/run-diagnostics.js";
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
            ...(r.acceptance
              ? [["leakage acceptance (mean / min)", `${num(r.acceptance.mean)} / ${num(r.acceptance.min)}`]]
              : []),
          ],
        },
      ],
    },
    ...mcmcSection(r),
    { title: "Definitions", text: Object.entries(r.definitions).map(([k, v]) => `${k}: ${v}`) },
  ];
}

/** NLE/NRE: the MCMC runs' settings and convergence over the test observations (none for NPE). */
function mcmcSection(r: DiagnosticsReport): ReportSection[] {
  const m = r.mcmc;
  if (!m) return [];
  const N = r.numTests;
  const rhats = m.maxRhat.filter((v): v is number => v !== null);
  const problems = mcmcProblems(m, N);
  return [
    {
      title: "MCMC convergence (one run per test observation)",
      text: [
        problems.length === 0
          ? `All ${N} runs converged by the rules below (R-hat ≤ ${m.rhatThreshold}, bulk ESS ≥ ${m.essFraction} × kept draws, no other MCMC warning).`
          : `Over the ${N} test observations: ${problems.join("; ")}. The SBC, coverage and TARP of those observations rest on these draws.`,
        "Counts are of test observations; log q in the HPD coverage is the MCMC potential (unnormalised: the constant cancels within one observation).",
      ],
      tables: [
        {
          header: ["item", "value"],
          rows: [
            ["estimator / sampler", `${m.estimator.toUpperCase()} / ${m.sampler}`],
            [
              "chains × draws per chain (warm-up, thin)",
              `${m.chains} × ${m.drawsPerChain} (${m.warmup ?? "default"}, ${m.thin ?? "default"})`,
            ],
            [`observations with R-hat > ${m.rhatThreshold}`, `${m.highRhat} of ${N}`],
            ["observations with R-hat undefined", `${m.undefinedRhat} of ${N}`],
            [`observations with bulk ESS < ${m.essFraction} × kept draws`, `${m.lowEss} of ${N}`],
            ["observations with other MCMC warnings", `${m.otherWarnings} of ${N}`],
            ["largest R-hat", rhats.length > 0 ? num(Math.max(...rhats)) : "–"],
            ["median over observations of smallest ESS / draws", num(m.medianEssPerDraw)],
          ],
        },
      ],
    },
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
        `${r.numTests} test simulations × ${r.numSamples} posterior draws${r.mcmc ? ` (${r.mcmc.estimator.toUpperCase()}, ${r.mcmc.sampler} MCMC)` : ""}, seed ${r.seed}; overall: ${r.overall}`,
        ...(r.mcmc && mcmcProblems(r.mcmc, r.numTests).length > 0
          ? ["MCMC convergence problems in some test observations: see the MCMC section below"]
          : []),
      ],
      verdicts: r.verdicts.map(verdictLine),
      sections,
    }),
  );
}
