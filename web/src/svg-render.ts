/**
 * Vega-Lite → SVG text inside a worker, so that the page's thread only inserts the finished
 * picture: vega-lite compiles, vega parses to an AST and runs it with the CSP-compliant expression
 * interpreter (no `Function`/eval) and its headless SVG string renderer. Text is measured on an
 * OffscreenCanvas in the page's fonts (vega would otherwise estimate widths in a worker).
 */
import * as vega from "vega";
import { expressionInterpreter } from "vega-interpreter";
import type { PlotSpec } from "../../src/plots/plot-spec.js";
import { silentLogger } from "./silent-logger.js";

const vegaLite = import("vega-lite");

// vega exports these from vega-scenegraph, but its typings do not declare them
const { font, textMetrics } = vega as unknown as {
  font: (item: object) => string;
  textMetrics: { width: (item: object, text?: unknown) => number };
};

let measured = false;
function measureTextOnCanvas(): void {
  if (measured || typeof OffscreenCanvas === "undefined") return;
  measured = true;
  const ctx = new OffscreenCanvas(1, 1).getContext("2d");
  if (!ctx) return;
  textMetrics.width = (item, text) => {
    ctx.font = font(item);
    const t = text ?? (item as { text?: unknown }).text;
    const lines = Array.isArray(t) ? t.map(String) : [t == null ? "" : String(t)];
    return Math.max(0, ...lines.map((l) => ctx.measureText(l).width));
  };
}

/** A Vega view of a Vega-Lite spec (not yet run), with the time spent compiling and parsing. */
export async function compileView(spec: PlotSpec): Promise<{ view: vega.View; compileMs: number }> {
  measureTextOnCanvas();
  const t0 = performance.now();
  const vg = (await vegaLite).compile(spec as never, { logger: silentLogger as never }).spec;
  const view = new vega.View(vega.parse(vg, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: "none",
  });
  return { view, compileMs: performance.now() - t0 };
}

/** A plot as SVG text, with the time spent compiling (Vega-Lite → Vega) and drawing. */
export async function renderSvgText(spec: PlotSpec): Promise<{ svg: string; compileMs: number; drawMs: number }> {
  const { view, compileMs } = await compileView(spec);
  const t1 = performance.now();
  try {
    const svg = await view.toSVG();
    return { svg, compileMs, drawMs: performance.now() - t1 };
  } finally {
    view.finalize();
  }
}
