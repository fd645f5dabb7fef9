import type { PosteriorSummary } from "../inference/summary.js";

/** A plain-text table: one row per parameter with mean, std and the quantiles. */
export function formatSummaryTable(s: PosteriorSummary): string {
  const head = ["parameter", "mean", "std", ...s.quantiles.map((q) => `q${+(100 * q.level).toFixed(1)}%`)];
  const rows = s.parameterNames.map((name, j) =>
    [name, s.mean[j], s.std[j], ...s.quantiles.map((q) => q.values[j])].map((v) =>
      typeof v === "number" ? v.toPrecision(5) : v,
    ),
  );
  const all = [head, ...rows];
  const width = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  return `${all.map((r) => r.map((v, c) => (c === 0 ? v.padEnd(width[c]) : v.padStart(width[c]))).join("  ")).join("\n")}\n`;
}
