import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { CampaignSummary } from "../campaigns/executor.js";
import { isolines } from "../plots/contours.js";
import {
  type CoverageAtK,
  coverageAgainstKPlot,
  largeSampleBootstrapCoverage,
} from "../plots/coverage-against-k-plot.js";
import type { NamedFigure } from "../plots/diagnostics-figures.js";
import { panelGrid, seriesScale } from "../plots/panel-grid.js";
import { type EstimateRow, parameterComparisonPlot } from "../plots/parameter-comparison-plot.js";
import { type Json, type PlotSpec, round, topLevel } from "../plots/plot-spec.js";
import { DASH, themeConfig } from "../plots/theme.js";
import { type ReportSection, renderHtmlReport } from "../workflows/report/html-report.js";
import type { StudyMethod } from "../workflows/mixture/study-config.js";
import {
  type DistanceResults,
  type MixtureStudyResults,
  type ModelDistribution,
  TABLE1_METRIC_NAMES,
  TABLE1_METRICS,
} from "../workflows/mixture/study-results.js";
import { writeFileAtomic } from "./files.js";
import { writeFigures } from "./write-figures.js";

const METHOD_NAME: Record<StudyMethod | "truth", string> = {
  dle: "DLE",
  lre: "LRE",
  "lre-raw": "LRE raw",
  truth: "true likelihood",
};

/** A number for a table: 3 significant digits (coverages and overlaps 3 decimals). */
function fmt(v: number | null | undefined, metric?: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return "∞";
  if (metric && !metric.startsWith("width")) return v.toFixed(3);
  return v.toPrecision(3);
}

function fmtDistribution(d: ModelDistribution | undefined, metric: string): string {
  if (!d || d.n === 0) return d && d.unbounded > 0 ? `unbounded (${d.unbounded} models)` : "–";
  const range = d.n > 1 ? ` [${fmt(d.low, metric)}, ${fmt(d.high, metric)}]` : "";
  return `${fmt(d.median, metric)}${range} (N = ${d.n}${d.unbounded ? `, ${d.unbounded} unbounded` : ""})`;
}

/** Table 1 of the paper beside ours, one distance. */
function table1Section(d: DistanceResults, methods: StudyMethod[]): ReportSection {
  const paperShown = d.r === 2 || d.r === 0.5;
  // the paper's LRE is shown once, beside our LRE (or beside the raw one when only that runs)
  const withPaper = (m: StudyMethod) => paperShown && !(m === "lre-raw" && methods.includes("lre"));
  const header = [
    "",
    ...methods.flatMap((m) => [...(withPaper(m) ? [`paper ${METHOD_NAME[m]}`] : []), `ours ${METHOD_NAME[m]}`]),
    "ours true likelihood",
  ];
  const rows = d.table1.map((row) => [
    row.name,
    ...methods.flatMap((m) => [
      ...(withPaper(m) ? [fmt(row.paper[m], row.metric)] : []),
      fmtDistribution(row.ours[m], row.metric),
    ]),
    fmt(row.truth, row.metric),
  ]);
  const text = [
    `Ours: the median over the N models of each method, with the central 68% of the models in brackets; each model's number is its mean over the ${d.labelling === "per-event" ? "per-event-labelled" : "fixed-count"} test sets of this distance, each set's the mean over its bootstrap datasets. The true likelihood is evaluated on the same sets and bootstraps (its overlap with itself is 1 by definition).`,
    paperShown
      ? "Paper: Table 1 of Sluijter et al. 2025 — one model per method (those of their Fig. 6), averaged over the 9 test sets; the paper does not say how its test sets were labelled. Under per-event labels the bootstrap protocol itself covers 2Φ(1/√(1+1/k)) − 1 = 0.657 at k = 9 even for the true likelihood (docs/mixture-study.md)."
      : "The paper has no table for this simulator: the TES toy is a stand-in with a known likelihood, not the paper's Delphes samples.",
  ];
  if (d.missing.length) text.push(`Not finished (failed or not run yet): ${d.missing.join(", ")}.`);
  for (const f of d.failedSets)
    text.push(
      `${METHOD_NAME[f.method]}${f.modelIndex === null ? "" : ` #${f.modelIndex}`}: ${f.sets.length} test set(s) left out of its averages because a fit failed (first: μ = ${f.sets[0].mu}, z = ${fmt(f.sets[0].z)}, set ${f.sets[0].set}: ${f.sets[0].error}).`,
    );
  return {
    title: `Table 1, ${d.label} — labelling: ${d.labelling}`,
    text,
    tables: [{ header, rows }],
  };
}

/** Every model's own averages, one distance. */
function perModelSection(d: DistanceResults): ReportSection {
  const header = ["method", "model", ...TABLE1_METRICS.map((m) => TABLE1_METRIC_NAMES[m]), "open μ / z intervals"];
  const rows: string[][] = [];
  if (d.truth)
    rows.push([
      METHOD_NAME.truth,
      "–",
      ...TABLE1_METRICS.map((m) => (m.startsWith("overlap") ? "1" : fmt(d.truth?.[m], m))),
      `${d.truth.openMu} / ${d.truth.openZ}`,
    ]);
  for (const m of d.methods)
    for (const model of m.models)
      rows.push([
        METHOD_NAME[m.method],
        `#${model.modelIndex}`,
        ...TABLE1_METRICS.map((k) => fmt(model.averages[k], k)),
        `${model.averages.openMu} / ${model.averages.openZ}`,
      ]);
  return {
    title: `Per-model numbers, ${d.label}`,
    text: [
      "Each model's coverage, mean width and overlap averaged over all test sets and their bootstrap datasets (the paper's Figs. 4 and 5 show their distributions). Open intervals reach the end of the scanned range; their widths are lower bounds.",
    ],
    tables: [{ header, rows }],
  };
}

/** The per-model distributions as a figure: median and central 68% per method, the truth and the paper. */
function distributionFigure(d: DistanceResults, name: string): NamedFigure | null {
  const rows: EstimateRow[] = [];
  for (const m of d.methods) {
    const dist = TABLE1_METRICS.map((k) => m.distributions[k]);
    if (dist.every((x) => x.median === null)) continue;
    const values = dist.map((x) => x.median ?? Number.NaN);
    rows.push({
      name: `${METHOD_NAME[m.method]} (ours, N = ${m.models.length})`,
      values,
      lower: dist.map((x, j) => (x.low !== null ? Math.max(0, values[j] - x.low) : 0)),
      upper: dist.map((x, j) => (x.high !== null ? Math.max(0, x.high - values[j]) : 0)),
    });
  }
  if (d.truth) rows.push({ name: "true likelihood", values: d.table1.map((r) => r.truth ?? Number.NaN) });
  if (d.r === 2 || d.r === 0.5)
    for (const m of d.methods.filter((x) => x.method !== "lre-raw" || !d.methods.some((y) => y.method === "lre")))
      rows.push({
        name: `${METHOD_NAME[m.method]} (paper)`,
        values: d.table1.map((r) => r.paper[m.method] ?? Number.NaN),
      });
  if (rows.length === 0) return null;
  return {
    name,
    caption: `${d.label}: each metric's median over the models (points) and central 68% over models (bars), beside the true likelihood and the paper's Table 1 (labelling: ${d.labelling}).`,
    spec: parameterComparisonPlot({
      parameters: TABLE1_METRICS.map((m) => TABLE1_METRIC_NAMES[m]),
      rows,
      columns: 4,
      title: `Per-model distributions, ${d.label}`,
    }),
  };
}

/** The Fig. 6-style example fits: intervals of one bootstrap dataset per method. */
function exampleSection(d: DistanceResults): ReportSection {
  const rows = d.examples.map((e) => {
    const f = e.example.fit;
    return [
      `${METHOD_NAME[e.method]}${e.modelIndex === null ? "" : ` #${e.modelIndex}`}`,
      `μ = ${e.example.point.mu}, z = ${fmt(e.example.point.z)}, set ${e.example.set}, bootstrap ${e.example.bootstrap}`,
      `${fmt(f.mu)} [${fmt(f.muInterval[0])}, ${fmt(f.muInterval[1])}]`,
      `${fmt(f.z)} [${fmt(f.zInterval[0])}, ${fmt(f.zInterval[1])}]`,
    ];
  });
  return {
    title: `ΔNLL fits of one bootstrap dataset, ${d.label}`,
    text: [
      "As in the paper's Fig. 6: one dataset, the true likelihood and model #0 of each method. The profile curves ΔNLL(μ), ΔNLL(z) and the (μ, z) ΔNLL grid for the 2-D contours at 1.15 and 3.09 are in results.json (distances[].examples).",
    ],
    tables: [{ header: ["likelihood", "dataset", "μ̂ [ΔNLL = ½ interval]", "ẑ [ΔNLL = ½ interval]"], rows }],
  };
}

/** One likelihood's ΔNLL curves and (μ, z) grid, as study examples and `fit mixture` hold them. */
export interface DeltaNllCurves {
  name: string;
  muCurve: { mu: number[]; deltaNll: number[] };
  zCurve: { z: number[]; deltaNll: number[] };
  contours: { mu: number[]; z: number[]; deltaNll: number[]; levels: number[] };
}

/**
 * The paper's Fig. 6 layout: ΔNLL(μ) with z profiled, ΔNLL(z) with μ profiled (with the ΔNLL = ½ line), and
 * the 2-D ΔNLL contours at the grid's levels (1.15 solid, 3.09 dashed), one colour per likelihood; `truth`
 * marks the true (μ, z) when known.
 */
export function deltaNllPlot(
  curves: readonly DeltaNllCurves[],
  truth: { mu: number; z: number } | null,
  title: string,
): PlotSpec {
  const names = curves.map((c) => c.name);
  const color = { field: "s", type: "nominal", scale: seriesScale(names), legend: { title: null, orient: "top" } };
  const curve = (x: "mu" | "z"): Json => {
    const values: Json[] = [];
    for (const c of curves) {
      const xs = x === "mu" ? c.muCurve.mu : c.zCurve.z,
        ys = x === "mu" ? c.muCurve.deltaNll : c.zCurve.deltaNll;
      xs.forEach((v, i) => {
        if (ys[i] <= 6) values.push({ s: c.name, x: round(v), y: round(ys[i]) });
      });
    }
    return {
      width: 220,
      height: 180,
      layer: [
        {
          data: { values },
          mark: { type: "line", strokeWidth: 1.6 },
          encoding: {
            x: { field: "x", type: "quantitative", title: x === "mu" ? "μ" : "z", scale: { zero: false } },
            y: { field: "y", type: "quantitative", title: "ΔNLL", scale: { domain: [0, 6] } },
            color,
          },
        },
        {
          data: { values: [{ y: 0.5 }] },
          mark: { type: "rule", strokeDash: DASH, color: "#666" },
          encoding: { y: { field: "y", type: "quantitative" } },
        },
      ],
    };
  };
  const lines: Json[] = [];
  for (const cv of curves) {
    const c = cv.contours;
    const nx = c.mu.length,
      ny = c.z.length;
    if (nx < 2 || ny < 2) continue;
    // the grid is row-major [μ · nz + z]; isolines wants [z · nμ + μ] at cell centres, inside where larger
    const values = new Float64Array(nx * ny);
    for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) values[j * nx + i] = Math.exp(-c.deltaNll[i * ny + j]);
    const dx = c.mu[1] - c.mu[0],
      dy = c.z[1] - c.z[0];
    const grid = { values, nx, ny, x0: c.mu[0] - dx / 2, y0: c.z[0] - dy / 2, dx, dy };
    c.levels.forEach((level, k) => {
      for (const [p, poly] of isolines(grid, Math.exp(-level)).entries())
        for (let t = 0; t < poly.length; t += 2)
          lines.push({
            s: cv.name,
            line: `${cv.name} ${k} ${p}`,
            level: String(level),
            o: t,
            x: round(poly[t]),
            y: round(poly[t + 1]),
          });
    });
  }
  const layers: Json[] = [
    {
      data: { values: lines },
      mark: { type: "line", strokeWidth: 1.4 },
      encoding: {
        x: { field: "x", type: "quantitative", title: "μ", scale: { zero: false } },
        y: { field: "y", type: "quantitative", title: "z", scale: { zero: false } },
        color,
        detail: { field: "line" },
        order: { field: "o" },
        strokeDash: { field: "level", type: "nominal", title: "ΔNLL", legend: { orient: "right" } },
      },
    },
  ];
  if (truth)
    layers.push({
      data: { values: [{ x: round(truth.mu), y: round(truth.z) }] },
      mark: { type: "point", shape: "cross", size: 80, color: "#000" },
      encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
    });
  const contours: Json = { width: 220, height: 180, layer: layers };
  return topLevel(panelGrid([curve("mu"), curve("z"), contours], 3), themeConfig() as Json, title);
}

/** The paper's Fig. 6 for one bootstrap dataset: the truth and model #0 of each method. */
function fig6Figure(d: DistanceResults, name: string): NamedFigure | null {
  if (d.examples.length === 0) return null;
  const curves = d.examples.map((e) => ({
    name: `${METHOD_NAME[e.method]}${e.modelIndex === null ? "" : ` #${e.modelIndex}`}`,
    ...e.example,
  }));
  const e0 = d.examples[0].example,
    point = e0.point;
  return {
    name,
    caption: `${d.label}: ΔNLL of one bootstrap dataset (μ = ${point.mu}, z = ${fmt(point.z)}, set ${e0.set}, bootstrap ${e0.bootstrap}) — profile curves with the ΔNLL = ½ line, and the 2-D contours at ΔNLL = 1.15 and 3.09 (the cross is the true (μ, z)), as in the paper's Fig. 6.`,
    spec: deltaNllPlot(curves, point, `ΔNLL fits, ${d.label}`),
  };
}

/** The k study (Fig. 3): the truth's coverage against k at every distance, as a figure and a table. */
async function kStudySection(results: MixtureStudyResults, figuresDir: string): Promise<ReportSection | null> {
  const done = results.distances.filter((d) => d.kStudy && d.kStudy.length > 0);
  if (done.length === 0) return null;
  const points: CoverageAtK[] = [];
  for (const d of done)
    for (const p of d.kStudy ?? [])
      points.push(
        { panel: d.label, parameter: "μ", k: p.k, coverage: p.coverageMu, se: p.seMu },
        { panel: d.label, parameter: "z", k: p.k, coverage: p.coverageZ, se: p.seZ },
      );
  const c = results.config;
  const figures = await writeFigures(
    figuresDir,
    [
      {
        name: "k-study",
        caption: `The true likelihood's coverage of the ΔNLL = ½ intervals when each test set holds k·M events (M = ${c.protocol.datasetSize}, ${c.protocol.bootstraps} bootstraps per set; bars ± 2 between-set s.e.), against the large-sample value 2Φ(1/√(1 + 1/k)) − 1 (grey) and 0.683 (dashed): the paper's Fig. 3. The models of the study are measured at k = ${c.protocol.k}.`,
        spec: coverageAgainstKPlot(points, { title: "Coverage against k (true likelihood)" }),
      },
    ],
    "figures/",
  );
  const rows = done.flatMap((d) =>
    (d.kStudy ?? []).map((p) => [
      d.label,
      String(p.k),
      `${fmt(p.coverageMu, "coverage")} ± ${fmt(p.seMu, "coverage")}`,
      `${fmt(p.coverageZ, "coverage")} ± ${fmt(p.seZ, "coverage")}`,
      fmt(largeSampleBootstrapCoverage(p.k), "coverage"),
      String(p.sets),
    ]),
  );
  return {
    title: "The k study: the protocol's own coverage (Fig. 3)",
    text: [
      "Bootstrap datasets drawn from one pool of k·M events share events, so even the exact likelihood covers less than 68.3%: a model is as good as the truth when it matches the truth's coverage at the study's k, not 0.683.",
    ],
    figures,
    tables: [{ header: ["distance", "k", "coverage μ", "coverage z", "large-sample value", "sets"], rows }],
  };
}

/** Write index.html (and its figures) for a study's results into `dir`. */
export async function writeMixtureStudyReport(
  dir: string,
  results: MixtureStudyResults,
  summary: Pick<CampaignSummary, "done" | "total" | "failed" | "resumed">,
): Promise<void> {
  const c = results.config;
  const figuresDir = join(dir, "figures");
  mkdirSync(figuresDir, { recursive: true });
  const sections: ReportSection[] = [];
  for (const d of results.distances) {
    sections.push(table1Section(d, c.methods));
    const tag = d.r === null ? "tes" : `r${d.r}`;
    const fig = distributionFigure(d, `distributions-${tag}`);
    if (fig) {
      const [written] = await writeFigures(figuresDir, [fig], "figures/");
      sections.push({ title: `Per-model distributions, ${d.label}`, figures: [written] });
    }
    sections.push(perModelSection(d));
    if (d.examples.length) {
      const section = exampleSection(d);
      const f6 = fig6Figure(d, `fig6-${tag}`);
      if (f6) section.figures = await writeFigures(figuresDir, [f6], "figures/");
      sections.push(section);
    }
  }
  const kSection = await kStudySection(results, figuresDir);
  if (kSection) sections.push(kSection);
  const html = renderHtmlReport({
    title: "Signal strength with a nuisance: DLE versus LRE",
    subtitle: [
      `Reproducing ${results.paper}.`,
      `Simulator ${c.simulator}${c.simulator === "gaussian" ? ` (r = ${c.distances.join(", ")})` : " (a toy, not the paper's Higgs samples)"}; scale ${c.scale}: N = ${c.modelsPerMethod} models per method, ${c.trainingEvents} training events each; protocol μ ∈ {${c.protocol.muValues.join(", ")}} × 3 z, ${c.protocol.setsPerPoint} set(s) per point of kM = ${c.protocol.k} × ${c.protocol.datasetSize} events, ${c.protocol.bootstraps} bootstraps of M = ${c.protocol.datasetSize}; labels ${c.protocol.labelling}; seed ${c.seed}.`,
      `Jobs: ${summary.done}/${summary.total} done (${summary.resumed} resumed from an earlier run), ${summary.failed} failed. Every number is in results.json; the trained models are in models/.`,
    ],
    sections,
  });
  writeFileAtomic(join(dir, "index.html"), html);
}
