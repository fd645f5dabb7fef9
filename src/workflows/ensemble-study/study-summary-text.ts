import { WIFI_METHODS } from "./study-jobs.js";
import type { WifiStudyResults } from "./study-results.js";
import type { CoverageSummary } from "./study-statistics.js";

const pct = (s: CoverageSummary | null) => (s ? `${s.coverage.toFixed(3)} ± ${s.coverageError.toFixed(3)}` : "–");

/**
 * The study's numbers as lines of text for a terminal (scripts/ensemble-coverage-study.mjs and
 * `nsbi study wifi` print them): coverage per κ and method with z mean / s.d. and mean σ, w_i f_i per
 * training, pooled coverage, inflation, the sandwich and per-x checks, failures.
 */
export function wifiStudySummaryLines(r: WifiStudyResults): string[] {
  const lines: string[] = [];
  if (r.config.experiments > 0) {
    lines.push("coverage (|z| ≤ 1; nominal 0.683) pooled over trainings, ± binomial s.e.; z mean / s.d.; mean σ");
    lines.push(["κ".padEnd(6), ...WIFI_METHODS.map((m) => m.padEnd(38))].join(""));
    for (const k of r.coverage)
      lines.push(
        [
          String(k.kappa).padEnd(6),
          ...WIFI_METHODS.map((m) => {
            const s = k.methods[m].pooled;
            return (
              s ? `${pct(s)} z ${s.zMean.toFixed(2)}/${s.zSd.toFixed(2)} σ ${s.meanSigma.toFixed(4)}` : "–"
            ).padEnd(38);
          }),
        ].join(""),
      );
    lines.push("per training coverage (w_i f_i, Gong–Samaniego / bias-corrected), ± binomial s.e. of one training");
    for (const k of r.coverage)
      for (const m of ["wifi", "wifi-corrected"] as const)
        lines.push(`κ=${k.kappa} ${m}: ${k.methods[m].perTraining.map(pct).join(", ")}`);
    lines.push("pooled over κ and trainings:");
    for (const m of WIFI_METHODS) lines.push(`  ${m.padEnd(15)} ${pct(r.pooled[m])}  (n = ${r.pooled[m]?.n ?? 0})`);
    if (r.inflation.overall !== null)
      lines.push(`mean Gong–Samaniego variance inflation 1 + σ²AᵀCA: ${r.inflation.overall.toFixed(3)}`);
  }
  const checks = r.trainings.filter((t) => t.sandwich !== null);
  if (checks.length > 0) {
    lines.push(
      `sandwich check: empirical Var(ŵ_j) / mean diag(C)_jj over ${r.config.sandwichSets} fresh fit sets (target 1 ± 0.15; sampling error of one ratio ≈ ${checks[0].sandwich!.samplingError.toFixed(2)})`,
    );
    for (const t of checks) {
      const s = t.sandwich!.summary;
      lines.push(
        `  training ${t.training}: median ${s.median.toFixed(3)}, range ${s.min.toFixed(3)}–${s.max.toFixed(3)}, ${s.within15}/${s.n} within ±15%; mean ${s.mean.toFixed(3)}`,
      );
    }
    for (const t of checks) {
      const p = t.sandwich!.perX;
      lines.push(
        `  training ${t.training}, per-x log r at ${p.varianceRatio.length} points: Var over fit sets / mean fᵀCf ${p.varianceRatio.map((v) => v.toFixed(2)).join(" ")}; (mean log r̂ − true log r)/σ ${p.biasInSigma.map((v) => v.toFixed(1)).join(" ")}`,
      );
    }
  }
  lines.push(
    `Newton fits not converged: ${r.trainings.reduce((s, t) => s + t.notConverged, 0)}; pseudo-experiments failed: ${r.failedExperiments.length}${r.missing.length ? `; jobs without a result: ${r.missing.length}` : ""}`,
  );
  return lines;
}
