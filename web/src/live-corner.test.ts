// The live corner plot against the library's pair plot: the datasets and signals it pushes are
// the ones the pair plot itself would hold for the new draws, and the picture after a changeset
// update is the picture of a freshly compiled pair plot of the same draws.
import { describe, expect, test } from "vitest";
import { Rng } from "../../src/engine/rng.js";
import { summarizeSamples } from "../../src/inference/summary.js";
import { pairPlot } from "../../src/plots/pair-plot.js";
import { cornerData, drawColumns, stableRanges, type CornerLayout } from "./corner-data.js";
import { cornerTemplate } from "./corner-template.js";
import { LiveCornerPlot } from "./live-corner.js";
import { renderSvgText } from "./svg-render.js";

const n = 3000;
const names = ["alpha", "beta", "a much longer parameter name", "delta"];

/** Correlated draws [n, P] around `shift`. */
function draws(P: number, seed: number, shift = 0): Float32Array {
  const rng = new Rng(seed),
    out = new Float32Array(n * P);
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    for (let j = 0; j < P; j++) out[i * P + j] = shift + j + 0.4 * z + 0.3 * (j + 1) * rng.normal();
  }
  return out;
}

/** SVG text with its clip-path ids renumbered in order of appearance (a live view's ids keep counting up). */
function sameClips(svg: string): string {
  const ids = new Map<string, string>();
  return svg.replace(/clip\d+/g, (id) => {
    if (!ids.has(id)) ids.set(id, `clip-${ids.size + 1}`);
    return ids.get(id)!;
  });
}

function layoutOf(P: number): CornerLayout {
  return { parameters: names.slice(0, P), bins: 25, gridBins: 40, size: 150, levels: [0.68, 0.95] };
}

describe("corner data", () => {
  for (const P of [2, 4])
    test(`equals the pair plot's own datasets and signals (${P} parameters)`, () => {
      const layout = layoutOf(P);
      const samples = draws(P, 7);
      const s = summarizeSamples(samples, n, layout.parameters as string[]);
      const cols = drawColumns(samples, n, P);
      const ranges = stableRanges(null, cols, s.mean);
      const spec = pairPlot({
        samples: { data: samples, rows: n, cols: P },
        parameters: layout.parameters,
        truth: s.mean,
        bins: layout.bins,
        gridBins: layout.gridBins,
        size: layout.size,
        levels: layout.levels,
        ranges,
        maxPoints: 0,
      });
      const template = cornerTemplate(spec, ranges);
      const q = (l: number) => s.quantiles.find((x) => x.level === l)!.values;
      const live = cornerData(layout, { cols, ranges, truth: s.mean, q16: q(0.16), q50: q(0.5), q84: q(0.84) });
      for (const [name, rows] of live.datasets) expect(rows, name).toEqual(template.datasets.get(name));
      expect(Object.fromEntries(live.signals)).toEqual(Object.fromEntries(template.signals));
      // what the updates leave alone is constant: the legend and the empty cells of the upper triangle
      const constant = [...template.datasets.keys()].filter((k) => !live.datasets.has(k));
      const cells = constant.map((k) => Number(k.slice(1).split("_")[0]));
      for (const c of cells) expect(c % P).toBeGreaterThan(Math.floor(c / P)); // above the diagonal
      // contours were drawn: both levels in every lower panel
      expect(template.datasets.get(`c${P}_l0`)!.length).toBeGreaterThan(20);
    });

  test("axis ranges hold while the draws stay inside and are at least half as wide", () => {
    const prev: [number, number][] = [[-1, 1]];
    expect(stableRanges(prev, [Float64Array.of(-0.5, 0.5)], [0])).toEqual([[-1, 1]]);
    // narrower than half: the range follows the draws (padded by 4% of their width)
    expect(stableRanges(prev, [Float64Array.of(-0.2, 0.2)], [0])[0][0]).toBeCloseTo(-0.216, 12);
    // outside: follows too
    expect(stableRanges(prev, [Float64Array.of(0, 2)], [1])[0]).toEqual([-0.08, 2.08]);
  });
});

/** The library's pair plot of a posterior as the live plot draws it (its layout, the given ranges). */
function pairPlotOf(
  p: { samples: Float32Array; parameters: string[]; label: string; summary: { mean: number[] } },
  ranges: [number, number][],
) {
  return pairPlot({
    samples: { data: p.samples, rows: n, cols: p.parameters.length },
    parameters: p.parameters,
    truth: p.summary.mean,
    labels: { samples: p.label, truth: "posterior mean" },
    bins: 33, // defaultBins(3000)
    gridBins: 40,
    size: 150,
    ranges,
    maxPoints: 0,
  });
}

describe("live corner plot", () => {
  test("after a changeset update it draws what a fresh compile of the pair plot draws", async () => {
    const P = 4,
      parameters = names.slice(0, P),
      label = `posterior (${n} draws)`;
    const post = (seed: number, shift: number) => {
      const samples = draws(P, seed, shift);
      return { samples, n, parameters, label, summary: summarizeSamples(samples, n, parameters) };
    };
    const live = new LiveCornerPlot();
    const start = post(1, 0);
    const first = await live.draw(start);
    expect(first.rebuilt).toBe(true);
    // built from the layout of a few hundred draws, filled with all of them: the pair plot of all
    const startRanges = stableRanges(null, drawColumns(start.samples, n, P), start.summary.mean);
    expect(sameClips(first.svg)).toBe(sameClips((await renderSvgText(pairPlotOf(start, startRanges))).svg));
    // moved out of the first ranges: new axis ranges, pushed as signals
    const moved = post(2, 3);
    const second = await live.draw(moved);
    expect(second.rebuilt).toBe(false);
    expect(second.timings.compileMs).toBe(0);
    const fresh = await new LiveCornerPlot().draw(moved);
    expect(fresh.rebuilt).toBe(true);
    expect(sameClips(second.svg)).toBe(sameClips(fresh.svg));
    expect(second.svg).not.toBe(first.svg);
    // draws 10% narrower keep the ranges: the same picture as the pair plot drawn with the kept ranges
    const shrunk = moved.samples.map((v, k) => 0.9 * v + 0.1 * moved.summary.mean[k % P]);
    const nudged = { ...moved, samples: shrunk, summary: summarizeSamples(shrunk, n, parameters) };
    const third = await live.draw(nudged);
    const cols = drawColumns(nudged.samples, n, P);
    const movedRanges = stableRanges(null, drawColumns(moved.samples, n, P), moved.summary.mean);
    const kept = stableRanges(movedRanges, cols, nudged.summary.mean);
    expect(kept).toEqual(movedRanges);
    expect(sameClips(third.svg)).toBe(sameClips((await renderSvgText(pairPlotOf(nudged, kept))).svg));
  }, 60_000);
});
