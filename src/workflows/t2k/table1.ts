import { T2K_PARAMETER_NAMES, T2K_PARAMETER_UNITS } from "./genie-dials.js";
import { PAPER_TABLE1, SBI_TUNE_PAPER_SHORT } from "./paper-table1.js";
import { T2K_BINS } from "./t2k-data.js";

/** One row of the Table-I analogue: a model or an inference result, its prediction and χ². */
export interface TuneRow {
  name: string;
  /** Parameters in physical units, or null for a model that is not parameterised by them (the alt model). */
  theta: number[] | null;
  /** Lower and upper 1σ errors (positive numbers), or null. */
  errDown: number[] | null;
  errUp: number[] | null;
  /** What the errors are, e.g. "posterior σ", "throws 16–84%", "χ² + 1". */
  errorKind: string;
  /** Prediction in the 58 bins, 10⁻³⁸ cm²/(GeV/c)/nucleon, T2K bin order. */
  prediction: number[];
  chi2Full: number;
  chi2Diag: number;
  /** Integrated cross section Σ value·Δp·Δcos [10⁻³⁸ cm²/nucleon] (for Peelle's Pertinent Puzzle). */
  integrated: number;
}

const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : "–");

function cell(row: TuneRow, p: number): string {
  if (!row.theta) return "–";
  const v = fmt(row.theta[p]);
  if (!row.errDown || !row.errUp) return v;
  const lo = row.errDown[p],
    hi = row.errUp[p];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return `${v} (at bound)`;
  if (Math.abs(lo - hi) <= 0.05 * Math.max(lo, hi)) return `${v} ± ${fmt((lo + hi) / 2)}`;
  return `${v} +${fmt(hi)} −${fmt(lo)}`;
}

/**
 * The Table-I analogue as Markdown: warnings about the run first, our rows, then Table I of
 * Tame-Narvaez et al. clearly labelled as GENIE numbers from the paper.
 * @param rows our rows, in display order
 * @param dataIntegrated integrated cross section of the T2K data, for the last column
 * @param warnings what makes this run untrustworthy (e.g. too few training configurations), shown on top
 */
export function table1Markdown(rows: TuneRow[], dataIntegrated: number, warnings: readonly string[] = []): string {
  const names = T2K_PARAMETER_NAMES.map((n, i) => (T2K_PARAMETER_UNITS[i] ? `${n} [${T2K_PARAMETER_UNITS[i]}]` : n));
  const lines = [
    ...warnings.flatMap((w) => [`**Warning: ${w}.**`, ""]),
    "## nsbi (built-in approximate forward model, not GENIE)",
    "",
    `| row | ${names.join(" | ")} | errors | χ² full (${T2K_BINS} bins) | χ² diagonal | σ_int / data |`,
    `| --- | ${names.map(() => "---").join(" | ")} | --- | --- | --- | --- |`,
    ...rows.map(
      (r) =>
        `| ${r.name} | ${T2K_PARAMETER_NAMES.map((_, p) => cell(r, p)).join(" | ")} | ${r.errorKind} | ${fmt(r.chi2Full, 2)} | ${fmt(r.chi2Diag, 2)} | ${fmt(r.integrated / dataIntegrated, 3)} |`,
    ),
    "",
    "σ_int / data: integrated cross section of the prediction over that of the T2K data (Peelle's Pertinent Puzzle shows as a full-covariance fit below 1).",
    "",
    `## For reference: Table I of ${SBI_TUNE_PAPER_SHORT} (GENIE v3 G18_10a_02_11a, from the paper, not computed here)`,
    "",
    `| row | ${names.join(" | ")} | χ² full (${T2K_BINS} bins) |`,
    `| --- | ${names.map(() => "---").join(" | ")} | --- |`,
    ...PAPER_TABLE1.map((r) => {
      const cells = T2K_PARAMETER_NAMES.map((_, p) => {
        if (!r.theta) return "–";
        const up = r.errUp![p],
          down = r.errDown![p];
        return up === down ? `${r.theta[p].toFixed(2)} ± ${up}` : `${r.theta[p].toFixed(2)} +${up} −${down}`;
      });
      return `| ${r.name} | ${cells.join(" | ")} | ${r.chi2.toFixed(2)} |`;
    }),
    "",
  ];
  return lines.join("\n");
}
