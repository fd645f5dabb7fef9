/**
 * The posterior summary table: mean, sd and the central 68% interval (16% and 84% quantiles) of
 * each parameter. Each cell also holds its full-precision value (data-value, data-low, data-high)
 * for tests and for copying.
 */
import type { PosteriorSummary } from "../../src/inference/summary.js";

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(4) : String(v);
}

export function renderSummaryTable(table: HTMLTableElement, s: PosteriorSummary, units: readonly string[]): void {
  const q16 = s.quantiles.find((q) => q.level === 0.16)!,
    q84 = s.quantiles.find((q) => q.level === 0.84)!;
  const body = table.tBodies[0];
  body.replaceChildren(
    ...s.parameterNames.map((name, j) => {
      const tr = document.createElement("tr");
      const unit = units[j] ? ` [${units[j]}]` : "";
      const cells: [string, string, number | null][] = [
        ["name", `${name}${unit}`, null],
        ["mean", fmt(s.mean[j]), s.mean[j]],
        ["sd", fmt(s.std[j]), s.std[j]],
        ["interval", `${fmt(q16.values[j])} – ${fmt(q84.values[j])}`, null],
      ];
      for (const [stat, text, value] of cells) {
        const td = document.createElement(stat === "name" ? "th" : "td");
        if (stat === "name") (td as HTMLTableCellElement).scope = "row";
        td.textContent = text;
        td.dataset.param = name;
        td.dataset.stat = stat;
        if (value !== null) td.dataset.value = String(value);
        if (stat === "interval") {
          td.dataset.low = String(q16.values[j]);
          td.dataset.high = String(q84.values[j]);
        }
        tr.append(td);
      }
      return tr;
    }),
  );
}
