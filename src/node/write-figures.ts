import { join } from "node:path";
import type { NamedFigure } from "../plots/diagnostics-figures.js";
import { renderSvg } from "../plots/render-svg.js";
import type { ReportFigure } from "../workflows/report/html-report.js";
import { writeFileAtomic } from "./files.js";
import { renderPng } from "./render-png.js";

/**
 * Render figures to `<dir>/<name>.svg` and `<dir>/<name>.png` (each written atomically).
 * @param dir an existing folder
 * @param figures name, caption and Vega-Lite spec of each figure
 * @param prefix relative path from the HTML page to dir ("" when the page is in dir)
 * @returns the figures for an HTML report (SVG files)
 */
export async function writeFigures(dir: string, figures: NamedFigure[], prefix = ""): Promise<ReportFigure[]> {
  const out: ReportFigure[] = [];
  for (const f of figures) {
    const svg = await renderSvg(f.spec);
    writeFileAtomic(join(dir, `${f.name}.svg`), svg);
    writeFileAtomic(join(dir, `${f.name}.png`), renderPng(svg));
    out.push({ file: `${prefix}${f.name}.svg`, caption: f.caption });
  }
  return out;
}
