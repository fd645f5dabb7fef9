/**
 * The T2K observation as one plot: the 9 cos θ slices, each the library's binned-spectrum plot
 * (observation points with √diag errors of the data's total covariance, the prediction at the
 * posterior mean as a step curve, its 16–84% band as a shaded step area), in a 3-column grid.
 */
import { binnedSpectrumPlot } from "../../src/plots/binned-spectrum-plot.js";
import type { PlotSpec } from "../../src/plots/plot-spec.js";
import type { T2kPredictive } from "./protocol.js";
import type { T2kPageData } from "./t2k-data.js";

/** The unit of the T2K cross section, for axis titles. */
export const T2K_UNIT = "10⁻³⁸ cm²/(GeV/c)/nucleon";

type Layered = { layer: unknown[]; config?: unknown; $schema?: string; [k: string]: unknown };

function slice(data: T2kPageData, s: number, observation: ArrayLike<number>, pred: T2kPredictive | null): Layered {
  const lo = data.sliceStart[s],
    hi = data.sliceStart[s + 1];
  const edges = [...data.bins.slice(lo, hi).map((b) => b.pLow), data.bins[hi - 1].pHigh];
  const values = Float64Array.from({ length: hi - lo }, (_, k) => observation[lo + k]);
  const spec = binnedSpectrumPlot({
    edges,
    xTitle: "p_μ [GeV/c]",
    yTitle: s % 3 === 0 ? `d²σ/dp dcos θ [${T2K_UNIT}]` : "",
    title: `${data.cosEdges[s]} < cos θ_μ < ${data.cosEdges[s + 1]}`,
    width: 300,
    height: 170,
    data: { label: "observation ± √diag", values, errors: data.errors.subarray(lo, hi) },
    models: pred ? [{ name: "prediction at posterior mean", values: pred.atMean.slice(lo, hi) }] : [],
  }) as unknown as Layered;
  // one caption on the page instead of nine legends (in a concat vega-lite puts them beside the first plot)
  for (const layer of spec.layer as { encoding?: { color?: Record<string, unknown> } }[])
    if (layer.encoding?.color) layer.encoding.color = { ...layer.encoding.color, legend: null };
  if (pred) {
    const rows = edges.map((x, k) => {
      const b = lo + Math.min(k, hi - lo - 1);
      return { x, lo: pred.low[b], hi: pred.high[b] };
    });
    spec.layer.unshift({
      data: { values: rows },
      mark: { type: "area", interpolate: "step-after", opacity: 0.3, color: "#0072B2" },
      encoding: {
        x: { field: "x", type: "quantitative" },
        y: { field: "lo", type: "quantitative" },
        y2: { field: "hi" },
      },
    });
  }
  return spec;
}

/** The 9 slices of `observation` (58 bins) with an optional posterior predictive, as one Vega-Lite spec. */
export function t2kSlicesSpec(data: T2kPageData, observation: ArrayLike<number>, pred: T2kPredictive | null): PlotSpec {
  const slices = Array.from({ length: data.cosEdges.length - 1 }, (_, s) => slice(data, s, observation, pred));
  const { config, $schema } = slices[0];
  return {
    $schema,
    columns: 3,
    concat: slices.map(({ config: _c, $schema: _s, ...rest }) => rest),
    config,
  } as unknown as PlotSpec;
}
