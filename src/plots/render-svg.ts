/**
 * Renders a Vega-Lite spec to an SVG string, headless: compiled by vega-lite, drawn by vega's
 * SVG string renderer (no DOM, no canvas; works in Node and in browsers).
 */

import type { PlotSpec } from "./plot-spec.js";
import { textWidth } from "./text-width.js";

// vega and vega-lite are loaded on first use: they take ~0.2 s to import, which every user of
// nsbi (and every CLI command) would otherwise pay.
let engines: Promise<[typeof import("vega"), typeof import("vega-lite")]> | undefined;

/** Options of {@link renderSvg}. */
export interface RenderSvgOptions {
  /** Receives vega-lite's compile warnings (by default they are dropped). */
  onWarning?: (message: string) => void;
}

/**
 * Renders a plot spec to SVG.
 * @param spec - a Vega-Lite spec, e.g. from {@link pairPlot}
 * @returns the SVG document as a string (white background, size from the spec)
 */
export async function renderSvg(spec: PlotSpec, opts: RenderSvgOptions = {}): Promise<string> {
  engines ??= Promise.all([import("vega"), import("vega-lite")]).then((e) => {
    useFontMetrics(e[0]);
    return e;
  });
  const [vega, vegaLite] = await engines;
  const vg = vegaLite.compile(spec, { logger: quietLogger(opts.onWarning) }).spec;
  const view = new vega.View(vega.parse(vg), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Without a canvas (Node), vega estimates text as 0.8 em per character; use the plot font's
 * character widths instead (the documented `textMetrics.width` hook), so that titles, legends
 * and label-overlap checks are laid out for the text as drawn. A canvas, when present, wins.
 */
function useFontMetrics(vega: typeof import("vega")): void {
  const m = (vega as unknown as { textMetrics?: { width: unknown; estimateWidth: unknown } }).textMetrics;
  if (!m) return;
  if (m.width !== m.estimateWidth) return;
  m.width = (item: { fontSize?: number; fontWeight?: string | number; text?: unknown }, text?: unknown): number => {
    const t = text ?? item.text;
    const lines = Array.isArray(t) ? t.map(String) : [t == null ? "" : String(t)];
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const bold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600;
    return Math.max(0, ...lines.map((l) => textWidth(l, size, bold)));
  };
}

/** vega-lite's logger without console output; warnings go to `onWarning` when given. */
function quietLogger(onWarning?: (message: string) => void) {
  let level = 0;
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: readonly unknown[]) {
      throw new Error(args.map(String).join(" "));
    },
    warn(...args: readonly unknown[]) {
      onWarning?.(args.map(String).join(" "));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}
