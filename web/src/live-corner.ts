/**
 * The posterior's corner plot kept alive between edits. The library's pair plot
 * (src/plots/pair-plot.ts) is compiled once into a Vega view whose histograms, HPD contours,
 * posterior mean, titles and axis ranges are named datasets and signals (src/corner-template.ts);
 * each new posterior pushes only those (src/corner-data.ts) through Vega's changesets, so an edit
 * costs Vega's dataflow update and SVG drawing instead of a Vega-Lite compile and parse. Axis
 * ranges hold still while the posterior stays inside them, so the axes are not laid out again.
 */
import type * as vega from "vega";
import type { PosteriorSummary } from "../../src/inference/summary.js";
import { defaultBins } from "../../src/plots/histogram.js";
import { pairPlot } from "../../src/plots/pair-plot.js";
import type { ParameterLabel } from "../../src/plots/plot-spec.js";
import { cornerData, drawColumns, stableRanges, type CornerLayout } from "./corner-data.js";
import { cornerTemplate } from "./corner-template.js";
import { compileView, renderSvgText } from "./svg-render.js";

/** Bins per axis of the contours' density grid: coarser than the library's 64, for speed (≈ 2.5% of the range). */
export const LIVE_GRID_BINS = 40;
/** Draws of the pair plot the live view's layout is taken from (its data are replaced by all draws'). */
const LAYOUT_DRAWS = 400;

export interface CornerTimings {
  /** Histograms, HPD contours and labels of the new draws. */
  dataMs: number;
  /** Vega-Lite compile and Vega parse (0 when the live view was updated). */
  compileMs: number;
  /** Vega's dataflow after the changesets. */
  updateMs: number;
  /** The scenegraph to SVG text. */
  svgMs: number;
}

export interface CornerInput {
  /** Draws [n, P]. */
  samples: Float32Array;
  n: number;
  parameters: ParameterLabel[];
  /** The draws' summary (its mean is drawn dashed, its 16/50/84% quantiles title the diagonal). */
  summary: PosteriorSummary;
  /** Legend name of the draws. */
  label: string;
}

const quantileOf = (s: PosteriorSummary, level: number) => {
  const q = s.quantiles.find((x) => x.level === level);
  if (!q) throw new Error(`corner plot: the summary has no ${level} quantile`);
  return q.values;
};

export class LiveCornerPlot {
  private view: vega.View | null = null;
  private key = "";
  private ranges: [number, number][] | null = null;
  private signals = new Map<string, string>();

  /** Draw the corner plot of new draws: update the live view, or build it when the layout changed. */
  async draw(input: CornerInput): Promise<{ svg: string; timings: CornerTimings; rebuilt: boolean }> {
    const t0 = performance.now();
    const P = input.parameters.length;
    const layout: CornerLayout = {
      parameters: input.parameters,
      bins: defaultBins(input.n),
      gridBins: LIVE_GRID_BINS,
      size: P <= 4 ? 150 : P <= 7 ? 120 : 95,
      levels: [0.68, 0.95],
    };
    const cols = drawColumns(input.samples, input.n, P);
    const truth = input.summary.mean;
    const key = JSON.stringify([input.parameters, input.label, layout]);
    const ranges = stableRanges(key === this.key ? this.ranges : null, cols, truth);
    this.ranges = ranges;
    const data = cornerData(layout, {
      cols,
      ranges,
      truth,
      q16: quantileOf(input.summary, 0.16),
      q50: quantileOf(input.summary, 0.5),
      q84: quantileOf(input.summary, 0.84),
    });
    const t1 = performance.now();
    if (!this.view || key !== this.key) return this.rebuild(input, layout, ranges, data, key, t1 - t0);
    const view = this.view;
    for (const [name, rows] of data.datasets) view.data(name, rows);
    // signals only when they changed: unchanged ranges leave the axes alone
    for (const [name, value] of data.signals) {
      const text = JSON.stringify(value);
      if (this.signals.get(name) === text) continue;
      this.signals.set(name, text);
      view.signal(name, value);
    }
    await view.runAsync();
    const t2 = performance.now();
    const svg = await view.toSVG();
    const t3 = performance.now();
    return { svg, rebuilt: false, timings: { dataMs: t1 - t0, compileMs: 0, updateMs: t2 - t1, svgMs: t3 - t2 } };
  }

  /** The pair plot of `samples` ([rows, P]) with the live plot's layout and ranges. */
  private pairPlotOf(
    input: CornerInput,
    layout: CornerLayout,
    ranges: [number, number][],
    samples: Float32Array,
    rows: number,
  ) {
    return pairPlot({
      samples: { data: samples, rows, cols: input.parameters.length },
      parameters: input.parameters,
      truth: input.summary.mean,
      labels: { samples: input.label, truth: "posterior mean" },
      levels: layout.levels,
      bins: layout.bins,
      gridBins: layout.gridBins,
      size: layout.size,
      ranges,
      // no scatter of draws under the contours: thousands of points would be most of the drawing time
      maxPoints: 0,
    });
  }

  /**
   * Build the live view: the template from the pair plot of a few hundred of the draws (only its
   * layout is kept), filled with the data and signals of all of them.
   */
  private async rebuild(
    input: CornerInput,
    layout: CornerLayout,
    ranges: [number, number][],
    data: ReturnType<typeof cornerData>,
    key: string,
    dataMs: number,
  ): Promise<{ svg: string; timings: CornerTimings; rebuilt: boolean }> {
    const t0 = performance.now();
    this.view?.finalize();
    this.view = null;
    this.key = "";
    const P = input.parameters.length,
      step = Math.max(1, Math.floor(input.n / LAYOUT_DRAWS)),
      rows = Math.ceil(input.n / step);
    const few = new Float32Array(rows * P);
    for (let r = 0; r < rows; r++) few.set(input.samples.subarray(r * step * P, r * step * P + P), r * P);
    let template: ReturnType<typeof cornerTemplate>;
    try {
      template = cornerTemplate(this.pairPlotOf(input, layout, ranges, few, rows), ranges);
    } catch {
      // two equal axis ranges: no template, draw this one in full (the next edit tries again)
      const plot = await renderSvgText(this.pairPlotOf(input, layout, ranges, input.samples, input.n));
      return {
        svg: plot.svg,
        rebuilt: true,
        timings: { dataMs, compileMs: plot.compileMs, updateMs: plot.drawMs, svgMs: 0 },
      };
    }
    const layoutMs = performance.now() - t0;
    const { view, compileMs } = await compileView(template.spec);
    const t2 = performance.now();
    for (const [name, rows] of template.datasets) view.data(name, data.datasets.get(name) ?? rows);
    const signals = new Map([...template.signals, ...data.signals]);
    for (const [name, value] of signals) view.signal(name, value);
    await view.runAsync();
    const t3 = performance.now();
    const svg = await view.toSVG();
    const t4 = performance.now();
    this.view = view;
    this.key = key;
    this.signals = new Map([...signals].map(([k, v]) => [k, JSON.stringify(v)]));
    return {
      svg,
      rebuilt: true,
      // the layout's pair plot and template count as compiling
      timings: { dataMs, compileMs: layoutMs + compileMs, updateMs: t3 - t2, svgMs: t4 - t3 },
    };
  }
}
