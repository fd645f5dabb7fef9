import { NsbiInputError } from "../../errors.js";

/** One line of a report's summary table: a check, its verdict and the number that decides it. */
export interface ReportVerdict {
  check: string;
  verdict: string;
  /** The deciding number and its threshold, in words, e.g. "pull width 1.03 (0.9–1.1 is calibrated)". */
  evidence: string;
}

/** A figure of a report: an image file beside index.html (SVG preferred) and a caption. */
export interface ReportFigure {
  file: string;
  caption: string;
}

/** A table of a report: header cells and rows of cells (already formatted). */
export interface ReportTable {
  caption?: string;
  header: string[];
  rows: string[][];
}

export interface ReportSection {
  title: string;
  /** Paragraphs of plain text (escaped, not HTML). */
  text?: string[];
  tables?: ReportTable[];
  figures?: ReportFigure[];
}

export interface HtmlReport {
  title: string;
  /** Lines under the title (plain text): what was run, when, with which settings. */
  subtitle?: string[];
  verdicts?: ReportVerdict[];
  sections: ReportSection[];
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** CSS class of a verdict, so calibrated reads green and anything else amber/red. */
function verdictClass(v: string): string {
  if (/^(calibrated|ok|pass)/i.test(v)) return "good";
  if (/confident|biased|fail/i.test(v)) return "bad";
  return "neutral";
}

function table(t: ReportTable): string {
  const head = `<tr>${t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table>${t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : ""}<thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

/**
 * A self-contained HTML page (inline CSS, no scripts) that shows a report's verdicts, tables and
 * figures. Figures are referenced by relative file name, so the folder can be moved or zipped.
 * @param report what to show
 * @returns the page as a string
 */
export function renderHtmlReport(report: HtmlReport): string {
  if (!report.title) throw new NsbiInputError("renderHtmlReport: a title is required");
  for (const s of report.sections)
    for (const f of s.figures ?? []) {
      if (/^[a-z]+:|^\/|\.\./i.test(f.file))
        throw new NsbiInputError(
          `renderHtmlReport: figure '${f.file}' must be a relative path inside the report folder`,
        );
    }
  const verdicts = report.verdicts?.length
    ? `<section><h2>Summary</h2><table class="verdicts"><thead><tr><th>check</th><th>verdict</th><th>deciding number</th></tr></thead><tbody>
${report.verdicts.map((v) => `<tr><td>${escapeHtml(v.check)}</td><td class="${verdictClass(v.verdict)}">${escapeHtml(v.verdict)}</td><td>${escapeHtml(v.evidence)}</td></tr>`).join("\n")}
</tbody></table></section>`
    : "";
  const sections = report.sections
    .map(
      (s) => `<section><h2>${escapeHtml(s.title)}</h2>
${(s.text ?? []).map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
${(s.tables ?? []).map(table).join("\n")}
${(s.figures ?? []).map((f) => `<figure><img src="${encodeURI(f.file)}" alt="${escapeHtml(f.caption)}"><figcaption>${escapeHtml(f.caption)}</figcaption></figure>`).join("\n")}
</section>`,
    )
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
.sub{color:#555;margin:.1em 0}table{border-collapse:collapse;margin:.8em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}th{background:#f3f3f3}
caption{caption-side:top;text-align:left;font-weight:600;padding-bottom:.3em}
td.good{color:#0a6b2d;font-weight:600}td.bad{color:#a4261b;font-weight:600}td.neutral{color:#7a5a00;font-weight:600}
figure{display:inline-block;margin:.8em 1em .8em 0;vertical-align:top;max-width:100%}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.9em;color:#444;max-width:640px}
</style></head><body>
<h1>${escapeHtml(report.title)}</h1>
${(report.subtitle ?? []).map((l) => `<p class="sub">${escapeHtml(l)}</p>`).join("\n")}
${verdicts}
${sections}
</body></html>
`;
}
